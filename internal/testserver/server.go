package testserver

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// Bounds of the waits of Run, Start and the stop they return.
const (
	// StartTimeout bounds the wait for a server's listeners.
	StartTimeout = 10 * time.Second
	// StopTimeout bounds Shutdown, and then the wait for Serve to return.
	StopTimeout = 10 * time.Second
)

// Server is what Start and Run drive: loop.Server, with L its
// BoundListener, and anything else with the same life cycle. Serve blocks
// until the server stops; Addrs waits until it listens and returns the
// bound listeners; Shutdown stops it.
type Server[L any] interface {
	Serve() error
	Addrs(ctx context.Context) ([]L, error)
	Shutdown(ctx context.Context) error
}

// ErrStopTimeout is returned by the stop function of Run when Serve did
// not return within StopTimeout of the shutdown.
var ErrStopTimeout = errors.New("testserver: server did not stop")

// Run starts srv.Serve on a goroutine of its own and waits up to
// StartTimeout for its listeners. stop shuts the server down and waits for
// Serve to return, each within StopTimeout; it returns the first error of
// Shutdown and Serve, and may be called once. When Run fails, it has
// already stopped the server.
//
// Run is for servers that outlive one test (a fuzz target's); a test's own
// server should use Start.
func Run[L any](srv Server[L]) (addrs []L, stop func() error, err error) {
	done := make(chan error, 1)
	go func() { done <- srv.Serve() }()
	stop = func() error {
		ctx, cancel := context.WithTimeout(context.Background(), StopTimeout)
		defer cancel()
		shutErr := srv.Shutdown(ctx)
		if shutErr != nil {
			shutErr = fmt.Errorf("testserver: shutdown: %w", shutErr)
		}
		select {
		case serveErr := <-done:
			if serveErr != nil && shutErr == nil {
				return fmt.Errorf("testserver: serve: %w", serveErr)
			}
			return shutErr
		case <-time.After(StopTimeout):
			return ErrStopTimeout
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	addrs, err = srv.Addrs(ctx)
	if err != nil {
		_ = stop()
		return nil, nil, fmt.Errorf("testserver: waiting for listeners: %w", err)
	}
	return addrs, stop, nil
}

// Start is Run for one test: it fails t when the server does not start,
// and stops the server in t.Cleanup, failing t when it does not stop
// cleanly within the bounds.
func Start[L any](t testing.TB, srv Server[L]) []L {
	t.Helper()
	addrs, stop, err := Run(srv)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return addrs
}
