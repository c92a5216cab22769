package tlsstate

import (
	"crypto/tls"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

func TestHandshakeDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	cases := []struct {
		name string
		send []byte // what the stalled client sends, then nothing
	}{
		{"silent client", nil},
		{"partial ClientHello", []byte{0x16, 3, 1, 1, 0, 1, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			lim := Limits{HandshakeTimeout: timeout}
			began := time.Now()
			stalled, scl := startSession(t, l, sessionOpts{implicit: true, lim: lim})
			if c.send != nil {
				go func() { _, _ = scl.raw.Write(c.send) }()
			}
			// A second connection completes while the first one stalls. Its own
			// deadline is generous, so a loaded machine cannot fail it.
			ok, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{HandshakeTimeout: 30 * time.Second}})
			if err := cl.handshake(clientConfig(0)); err != nil {
				t.Fatalf("second client: %v", err)
			}
			ok.waitSecure(t)

			err := stalled.waitFailed(t)
			elapsed := time.Since(began)
			if !errors.Is(err, ErrHandshake) || !errors.Is(err, ErrHandshakeTimeout) {
				t.Fatalf("stalled handshake ended with %v, want ErrHandshakeTimeout", err)
			}
			if elapsed < timeout || elapsed > timeout+5*time.Second {
				t.Fatalf("deadline hit after %v, want about %v", elapsed, timeout)
			}
		})
	}
}

func TestCloseStopsHandshake(t *testing.T) {
	cases := []struct {
		name    string
		prefill bool // hold the only semaphore slot so the goroutine waits for it
	}{
		{"blocked reading", false},
		{"waiting for a slot", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			sem := NewSemaphore(1)
			if c.prefill {
				sem.slots <- struct{}{}
			}
			s, _ := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem}})
			var exited chan struct{}
			l.do(t, func() { exited = s.c.hsExited })
			if !c.prefill {
				eventually(t, "the handshake to take its slot", func() bool { return sem.InUse() == 1 })
			}
			time.Sleep(20 * time.Millisecond) // let it block; the outcome does not depend on it

			s.c.Close() // from the test goroutine: Close is safe from any goroutine
			select {
			case <-exited:
			case <-time.After(2 * time.Second):
				t.Fatal("handshake goroutine still running after Close")
			}
			want := 0
			if c.prefill {
				want = 1
			}
			eventually(t, "the slot to be released", func() bool { return sem.InUse() == want })
		})
	}
}

func TestSemaphoreCapsHandshakes(t *testing.T) {
	const slots, conns = 2, 5
	sem := NewSemaphore(slots)
	var cur, peak atomic.Int32
	release := make(chan struct{})
	cfg := serverConfig()
	cfg.GetConfigForClient = func(*tls.ClientHelloInfo) (*tls.Config, error) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		<-release
		cur.Add(-1)
		return nil, nil
	}
	l := newTestLoop(t)
	var sessions []*testSession
	errs := make(chan error, conns)
	for range conns {
		s, cl := startSession(t, l, sessionOpts{implicit: true, cfg: cfg, lim: Limits{Handshakes: sem}})
		sessions = append(sessions, s)
		go func() { errs <- cl.handshake(clientConfig(0)) }()
	}
	eventually(t, "two handshakes in progress", func() bool { return cur.Load() == slots })
	time.Sleep(100 * time.Millisecond) // give a third handshake the chance to start if the cap leaked
	if n, used := cur.Load(), sem.InUse(); n != slots || used != slots {
		t.Fatalf("%d handshakes running, %d slots in use; want %d", n, used, slots)
	}
	close(release)
	for range conns {
		if err := <-errs; err != nil {
			t.Fatalf("client: %v", err)
		}
	}
	for _, s := range sessions {
		s.waitSecure(t)
	}
	if p := peak.Load(); p != slots {
		t.Fatalf("peak concurrency %d, want %d", p, slots)
	}
	eventually(t, "all slots released", func() bool { return sem.InUse() == 0 })
}

func TestSemaphoreWaitCountsAgainstDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	sem := NewSemaphore(1)
	sem.slots <- struct{}{} // another handshake holds the only slot throughout
	l := newTestLoop(t)
	began := time.Now()
	s, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{HandshakeTimeout: timeout, Handshakes: sem}})
	go func() { _ = cl.handshake(clientConfig(0)) }()
	err := s.waitFailed(t)
	if !errors.Is(err, ErrHandshakeTimeout) {
		t.Fatalf("error %v, want ErrHandshakeTimeout", err)
	}
	if elapsed := time.Since(began); elapsed < timeout || elapsed > timeout+5*time.Second {
		t.Fatalf("gave up after %v, want about %v", elapsed, timeout)
	}
	if sem.InUse() != 1 {
		t.Fatalf("slots in use %d, want 1 (the waiter must not take or free one)", sem.InUse())
	}
}

// TestManyHandshakes runs concurrent handshakes through machines on one loop, as gnet would, with
// the default semaphore, then checks that none of the now idle sessions holds a goroutine.
func TestManyHandshakes(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	sem := NewSemaphore(0)
	l := newTestLoop(t)
	began := time.Now()
	errs := make(chan error, n)
	sessions := make([]*testSession, n)
	for i := range n {
		s, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem}})
		sessions[i] = s
		go func() {
			if err := cl.handshake(clientConfig(versions[i%2].v)); err != nil {
				errs <- fmt.Errorf("client %d: %w", i, err)
				return
			}
			msg := fmt.Sprintf("NOOP %d\r\n", i)
			if _, err := cl.tc.Write([]byte(msg)); err != nil {
				errs <- err
				return
			}
			buf := make([]byte, len("echo ")+len(msg))
			if _, err := cl.tc.Read(buf); err != nil {
				errs <- err
				return
			}
			if string(buf) != "echo "+msg {
				errs <- fmt.Errorf("client %d: echo %q", i, buf)
				return
			}
			errs <- nil
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d handshakes in %v", n, time.Since(began))
	for _, s := range sessions {
		s.waitSecure(t)
	}
	eventually(t, "no handshake goroutine left", func() bool { return handshakeGoroutines() == 0 })
	if sem.InUse() != 0 {
		t.Fatalf("%d slots still held", sem.InUse())
	}
}

func TestIdleSecureHoldsNoGoroutine(t *testing.T) {
	l := newTestLoop(t)
	var sessions []*testSession
	for _, v := range versions {
		s, cl := startSession(t, l, sessionOpts{implicit: true})
		if err := cl.handshake(clientConfig(v.v)); err != nil {
			t.Fatal(err)
		}
		cl.writeTLS(t, "NOOP\r\n")
		cl.readTLS(t, len("echo NOOP\r\n"))
		sessions = append(sessions, s)
	}
	eventually(t, "no handshake goroutine left", func() bool { return handshakeGoroutines() == 0 })
	for _, s := range sessions {
		l.do(t, func() {
			if s.c.State() != Secure {
				t.Errorf("state %v", s.c.State())
			}
			s.c.p.mu.Lock()
			defer s.c.p.mu.Unlock()
			if s.c.p.in != nil || s.c.p.out != nil || s.c.p.blocking || s.c.p.async {
				t.Error("idle machine kept pipe buffers or handshake mode")
			}
			if s.c.p.timer != nil {
				t.Error("idle machine kept its handshake timer")
			}
			if s.c.lent != nil {
				t.Error("idle machine kept the output buffer it lent")
			}
		})
	}
}
