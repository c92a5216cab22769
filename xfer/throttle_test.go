package xfer

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestNewLimiter(t *testing.T) {
	tests := []struct {
		name  string
		rate  int64
		burst int
	}{
		{"slow: the minimum burst", 1000, minBurst},
		{"a quarter second", 1 << 20, 256 << 10},
		{"fast: the sendfile chunk", 1 << 30, zeroCopyChunk},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter(tt.rate)
			if l.Limit() != rate.Limit(tt.rate) || l.Burst() != tt.burst {
				t.Errorf("NewLimiter(%d): %v/s burst %d, want burst %d", tt.rate, l.Limit(), l.Burst(), tt.burst)
			}
		})
	}
	if NewLimiter(0) != nil || NewLimiter(-1) != nil {
		t.Error("no rate must give no limiter")
	}
	if NewThrottle(context.Background(), nil, nil) != nil {
		t.Error("a throttle without limiters must be nil (full speed)")
	}
	th := NewThrottle(context.Background(), NewLimiter(1<<30), nil, NewLimiter(100<<10))
	if got := th.chunkSize(zeroCopyChunk); got != 25<<10 {
		t.Errorf("chunk %d, want the smallest burst %d", got, 25<<10)
	}
}

// throttleRate and throttleSize make every paced copy below last about
// (size-burst)/rate = 1.75s; the checks leave wide margins for a loaded
// machine on the slow side and none is needed on the fast side, since a
// limiter never lets bytes through early.
const (
	throttleRate = 256 << 10
	throttleSize = 512 << 10
	minPaced     = 1400 * time.Millisecond
)

// TestThrottledCopies runs every copy kernel through a limiter and checks
// that it took at least as long as the rate allows, and that the data came
// through intact.
func TestThrottledCopies(t *testing.T) {
	data := randomBytes(t, throttleSize)
	tests := []struct {
		name  string
		send  bool
		tls   bool
		ascii bool
	}{
		{"send sendfile", true, false, false},
		{"send tls", true, true, false},
		{"send ascii", true, false, true},
		{"receive clear", false, false, false},
		{"receive tls", false, true, false},
		{"receive ascii", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var srv, peer net.Conn
			if tt.tls {
				srv, peer, _ = tlsPair(t)
			} else {
				srv, peer = tcpPair(t)
			}
			th := NewThrottle(context.Background(), NewLimiter(throttleRate))
			start := time.Now()
			var got []byte
			if tt.send {
				ch := readAll(peer)
				if _, err := Send(srv, tempFile(t, data), tt.ascii, nil, th); err != nil {
					t.Fatal(err)
				}
				srv.Close()
				got = within(t, 30*time.Second, ch)
			} else {
				go func() {
					peer.Write(data)
					peer.Close()
				}()
				dst := emptyFile(t)
				if _, err := Receive(dst, srv, tt.ascii, nil, th); err != nil {
					t.Fatal(err)
				}
				var err error
				if got, err = os.ReadFile(dst.Name()); err != nil {
					t.Fatal(err)
				}
			}
			if d := time.Since(start); d < minPaced {
				t.Errorf("%d bytes at %d B/s took %v, want at least %v", throttleSize, throttleRate, d, minPaced)
			}
			// ASCII conversion changes random bytes; its correctness has
			// its own tests, here only the amount matters.
			if !tt.ascii && !bytes.Equal(got, data) {
				t.Errorf("got %d bytes, want the %d sent", len(got), len(data))
			}
		})
	}
}

// TestThrottleSharedLimiter: two transfers sharing one (server-wide)
// limiter together get its rate, not each.
func TestThrottleSharedLimiter(t *testing.T) {
	t.Parallel()
	shared := NewLimiter(throttleRate)
	data := randomBytes(t, throttleSize/2)
	start := time.Now()
	var wg sync.WaitGroup
	for range 2 {
		srv, peer := tcpPair(t)
		ch := readAll(peer)
		wg.Add(1)
		go func() {
			defer wg.Done()
			th := NewThrottle(context.Background(), nil, shared)
			if _, err := Send(srv, tempFile(t, data), false, nil, th); err != nil {
				t.Error(err)
			}
			srv.Close()
			<-ch
		}()
	}
	wg.Wait()
	if d := time.Since(start); d < minPaced {
		t.Errorf("two transfers of %d bytes sharing %d B/s took %v, want at least %v", len(data), throttleRate, d, minPaced)
	}
}

// TestThrottleCancel: cancelling the transfer's context (ABOR) ends a paced
// copy at once, as a data-connection error.
func TestThrottleCancel(t *testing.T) {
	srv, peer := tcpPair(t)
	go readAll(peer)
	ctx, cancel := context.WithCancel(context.Background())
	th := NewThrottle(ctx, NewLimiter(minBurst)) // a second a chunk
	done := make(chan error, 1)
	go func() {
		_, err := Send(srv, tempFile(t, randomBytes(t, 1<<20)), false, nil, th)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	err := within(t, 5*time.Second, done)
	if !errors.Is(err, ErrDataConn) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want ErrDataConn and context.Canceled", err)
	}
}
