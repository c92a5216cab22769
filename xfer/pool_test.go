package xfer

import (
	"bytes"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"
)

func TestPoolBusyNeverBlocks(t *testing.T) {
	p, err := NewPool(2, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	for range 2 {
		if err := p.Go(func() { started <- struct{}{}; <-release }); err != nil {
			t.Fatal(err)
		}
	}
	within(t, 2*time.Second, started)
	within(t, 2*time.Second, started)
	if got := p.Running(); got != 2 {
		t.Errorf("Running = %d, want 2", got)
	}
	begin := time.Now()
	ran := false
	err = p.Go(func() { ran = true })
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("Go on a full pool: err = %v, want ErrBusy", err)
	}
	// Blocking would last until the jobs are released below; a second is
	// a wide bound for a call that returns at once.
	if d := time.Since(begin); d > time.Second {
		t.Errorf("Go on a full pool took %v", d)
	}
	if got := p.Running(); got != 2 {
		t.Errorf("Running after a refused job = %d, want 2", got)
	}
	close(release)
	// A worker goes back to the pool just after its job returns.
	done := make(chan struct{})
	deadline := time.Now().Add(2 * time.Second)
	for p.Go(func() { close(done) }) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the pool stayed full after its jobs returned")
		}
		time.Sleep(time.Millisecond)
	}
	within(t, 2*time.Second, done)
	if ran {
		t.Error("a refused job ran")
	}
}

// lockedBuffer is a log sink written by workers and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestPoolPanicIsContained(t *testing.T) {
	var logs lockedBuffer
	p, err := NewPool(1, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Go(func() { panic("boom") }); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for p.Panics() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the panic was not reported")
		}
		time.Sleep(time.Millisecond)
	}
	if s := logs.String(); !bytes.Contains([]byte(s), []byte("boom")) || !bytes.Contains([]byte(s), []byte("pool_test.go")) {
		t.Errorf("log lacks the panic value or its stack: %q", s)
	}
	// The pool still works, and the panicked job no longer counts as running.
	done := make(chan struct{})
	for p.Go(func() { close(done) }) != nil {
		if time.Now().After(deadline) {
			t.Fatal("the pool stayed full after a panic")
		}
		time.Sleep(time.Millisecond)
	}
	within(t, 2*time.Second, done)
	for p.Running() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("Running = %d after all jobs ended", p.Running())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestPoolSizeAndClose(t *testing.T) {
	tests := []struct {
		name string
		size int
		want int
	}{
		{"zero", 0, DefaultPoolSize},
		{"negative", -1, DefaultPoolSize},
		{"given", 7, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPool(tt.size, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Cap(); got != tt.want {
				t.Errorf("Cap = %d, want %d", got, tt.want)
			}
			p.Close()
			if err := p.Go(func() {}); !errors.Is(err, ErrPoolClosed) {
				t.Errorf("Go after Close: err = %v, want ErrPoolClosed", err)
			}
		})
	}
}
