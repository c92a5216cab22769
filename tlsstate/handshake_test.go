package tlsstate

import (
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"
)

// clientHello returns the first record a crypto/tls client sends: a whole ClientHello.
func clientHello(tb testing.TB) []byte {
	tb.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	go func() { _ = tls.Client(a, clientConfig(0)).Handshake() }()
	_ = b.SetDeadline(time.Now().Add(waitLong))
	hdr := make([]byte, recordHeaderLen)
	if _, err := io.ReadFull(b, hdr); err != nil {
		tb.Fatal(err)
	}
	rec := make([]byte, recordHeaderLen+int(binary.BigEndian.Uint16(hdr[3:])))
	copy(rec, hdr)
	if _, err := io.ReadFull(b, rec[recordHeaderLen:]); err != nil {
		tb.Fatal(err)
	}
	return rec
}

// machineState is what a test inspects of a machine, read on its loop.
type machineState struct {
	awaiting  bool
	committed bool // a handshake goroutine was started
	state     State
}

func inspect(tb testing.TB, s *testSession) machineState {
	tb.Helper()
	var m machineState
	s.l.do(tb, func() {
		m = machineState{awaiting: s.c.AwaitingHello(), committed: s.c.hsExited != nil, state: s.c.State()}
	})
	return m
}

// TestFirstFlightHoldsNothing: until the first record is complete the machine takes no slot and
// no goroutine, and its handshake deadline does not run; one complete record commits.
func TestFirstFlightHoldsNothing(t *testing.T) {
	const timeout = 200 * time.Millisecond
	hello := clientHello(t)
	cases := []struct {
		name   string
		send   []byte
		commit bool
	}{
		{"silent client", nil, false},
		{"header only", hello[:recordHeaderLen], false},
		{"half a ClientHello", hello[:len(hello)/2], false},
		{"all but one byte", hello[:len(hello)-1], false},
		{"whole ClientHello", hello, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			sem := NewSemaphore(4)
			s, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{HandshakeTimeout: timeout, Handshakes: sem}})
			if c.send != nil {
				if _, err := cl.raw.Write(c.send); err != nil {
					t.Fatal(err)
				}
			}
			if c.commit {
				eventually(t, "the commit", func() bool { return inspect(t, s).committed })
				if err := s.waitFailed(t); !errors.Is(err, ErrHandshakeTimeout) {
					t.Fatalf("a committed, stalled handshake ended with %v, want ErrHandshakeTimeout", err)
				}
				eventually(t, "the slot to be released", func() bool { return sem.InUse() == 0 })
				return
			}
			time.Sleep(3 * timeout) // the handshake deadline must not apply yet
			m := inspect(t, s)
			if !m.awaiting || m.committed || m.state != Handshaking {
				t.Fatalf("after %d bytes: %+v, want awaiting the hello, nothing committed", len(c.send), m)
			}
			if sem.InUse() != 0 {
				t.Fatalf("%d slots taken before the first record was complete", sem.InUse())
			}
			// The rest of the ClientHello arrives late: the handshake goes on normally.
			go func() { _, _ = cl.raw.Write(hello[len(c.send):]) }()
			eventually(t, "the commit", func() bool { return inspect(t, s).committed })
			if sem.InUse() != 1 && inspect(t, s).state == Handshaking {
				t.Fatalf("%d slots in use after the commit, want 1", sem.InUse())
			}
		})
	}
}

func TestHandshakeDeadline(t *testing.T) {
	const timeout = 300 * time.Millisecond
	l := newTestLoop(t)
	lim := Limits{HandshakeTimeout: timeout}
	stalled, scl := startSession(t, l, sessionOpts{implicit: true, lim: lim})
	began := time.Now()
	// A whole ClientHello, then nothing: the server's flight goes unanswered.
	go func() { _, _ = scl.raw.Write(clientHello(t)) }()
	// A second connection completes while the first one stalls. Its own deadline is generous, so a
	// loaded machine cannot fail it.
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
}

func TestCloseStopsHandshake(t *testing.T) {
	cases := []struct {
		name      string
		whole     bool // send the whole ClientHello: the goroutine runs and blocks reading
		goroutine bool
	}{
		{"blocked reading", true, true},
		{"awaiting the first flight", false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			sem := NewSemaphore(1)
			s, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem}})
			hello := clientHello(t)
			if !c.whole {
				hello = hello[:len(hello)/2]
			}
			if _, err := cl.raw.Write(hello); err != nil {
				t.Fatal(err)
			}
			var exited chan struct{}
			if c.goroutine {
				eventually(t, "the handshake to take its slot", func() bool { return sem.InUse() == 1 })
				l.do(t, func() { exited = s.c.hsExited })
				time.Sleep(20 * time.Millisecond) // let it block; the outcome does not depend on it
			} else {
				eventually(t, "the bytes to be fed", func() bool {
					fed := false
					l.do(t, func() { fed = !s.c.p.empty() })
					return fed && inspect(t, s).awaiting
				})
			}

			s.c.Close() // from the test goroutine: Close is safe from any goroutine
			if exited != nil {
				select {
				case <-exited:
				case <-time.After(2 * time.Second):
					t.Fatal("handshake goroutine still running after Close")
				}
			} else if m := inspect(t, s); m.committed {
				t.Fatal("a half ClientHello started a handshake goroutine")
			}
			eventually(t, "the slot to be released", func() bool { return sem.InUse() == 0 })
		})
	}
}

// TestSemaphoreSacrificesOldest runs real stalled handshakes through a Semaphore of two slots:
// each newcomer's commit fails the oldest, which frees its goroutine, and every newcomer gets in.
func TestSemaphoreSacrificesOldest(t *testing.T) {
	const slots, conns = 2, 5
	sem := NewSemaphore(slots)
	l := newTestLoop(t)
	hello := clientHello(t)
	var sessions []*testSession
	for i := range conns {
		s, cl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem}})
		sessions = append(sessions, s)
		if _, err := cl.raw.Write(hello); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the commit", func() bool { return inspect(t, s).committed })
		if i >= slots {
			if err := sessions[i-slots].waitFailed(t); !errors.Is(err, ErrHandshakeEvicted) {
				t.Fatalf("session %d ended with %v, want ErrHandshakeEvicted", i-slots, err)
			}
		}
		if n := sem.InUse(); n != min(i+1, slots) {
			t.Fatalf("after %d commits %d slots in use, want %d", i+1, n, min(i+1, slots))
		}
	}
	// The two newest still run: a real client completes on a free slot.
	for _, s := range sessions[conns-slots:] {
		select {
		case err := <-s.failed:
			t.Fatalf("a newer handshake failed: %v", err)
		default:
		}
	}
	eventually(t, "the sacrificed goroutines to exit", func() bool { return handshakeGoroutines() == slots })
}

// TestSemaphoreRules drives take and release directly: the total cap sacrifices the oldest, the
// per-address cap (IPv6 by /64) queues the newcomer until its address's next slot frees.
func TestSemaphoreRules(t *testing.T) {
	a, b := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2")
	v6a, v6b := netip.MustParseAddr("2001:db8::1"), netip.MustParseAddr("2001:db8::ffff:1")
	v6other := netip.MustParseAddr("2001:db8:0:1::1")
	type op struct {
		peer    netip.Addr // take for this peer, or release when release >= 0
		release int        // index of an earlier take to release; -1 for a take
	}
	take := func(p netip.Addr) op { return op{peer: p, release: -1} }
	rel := func(i int) op { return op{release: i} }
	cases := []struct {
		name             string
		total, perPeer   int
		ops              []op
		evicted, granted []int // indexes of the takes sacrificed, and granted after queueing, in order
		inUse, queued    int
	}{
		{"under both caps", 4, 2, []op{take(a), take(b), take(a)}, nil, nil, 3, 0},
		{"total full: the oldest of all goes", 2, 0, []op{take(a), take(b), take(b)}, []int{0}, nil, 2, 0},
		{"address full: the newcomer queues", 4, 2, []op{take(a), take(b), take(a), take(a)}, nil, nil, 3, 1},
		{"queued, then granted in order", 4, 1, []op{take(a), take(a), take(a), rel(0), rel(1)}, nil, []int{1, 2}, 1, 0},
		{"other addresses unaffected", 3, 1, []op{take(a), take(a), take(b)}, nil, nil, 2, 1},
		{"a queued one leaves the queue", 4, 1, []op{take(a), take(a), take(a), rel(1), rel(0)}, nil, []int{2}, 1, 0},
		{"released slots are not sacrificed", 2, 0, []op{take(a), take(b), rel(0), take(a), take(a)}, []int{1}, nil, 2, 0},
		{"release twice is harmless", 2, 0, []op{take(a), rel(0), rel(0), take(b), take(b)}, nil, nil, 2, 0},
		{"IPv6 counts per /64", 8, 2, []op{take(v6a), take(v6b), take(v6other), take(v6a)}, nil, nil, 3, 1},
		{"invalid address: total cap only", 2, 1, []op{take(netip.Addr{}), take(netip.Addr{}), take(a)}, []int{0}, nil, 2, 0},
		{"sacrificed then released", 1, 0, []op{take(a), take(b), rel(0), take(a)}, []int{0, 1}, nil, 1, 0},
		// The sacrificed slot goes to the newcomer, not to the victim's queue.
		{"sacrifice skips the queue", 2, 1, []op{take(a), take(a), take(b), take(b), take(netip.Addr{})}, []int{0}, nil, 2, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sem := NewSemaphore(c.total)
			sem.SetPerPeer(c.perPeer)
			var evicted, granted []int
			slots := make([]*slot, len(c.ops))
			for i, o := range c.ops {
				if o.release >= 0 {
					sem.release(slots[o.release])
					continue
				}
				var ok bool
				slots[i], ok = sem.take(o.peer, func() { evicted = append(evicted, i) }, func() { granted = append(granted, i) })
				if ok != sem.granted(slots[i]) {
					t.Errorf("take %d: granted %v, but the slot says %v", i, ok, sem.granted(slots[i]))
				}
			}
			if fmt.Sprint(evicted) != fmt.Sprint(c.evicted) {
				t.Errorf("sacrificed %v, want %v", evicted, c.evicted)
			}
			if fmt.Sprint(granted) != fmt.Sprint(c.granted) {
				t.Errorf("granted after queueing %v, want %v", granted, c.granted)
			}
			if n, q := sem.InUse(), sem.Queued(); n != c.inUse || q != c.queued {
				t.Errorf("%d slots in use, %d queued; want %d, %d", n, q, c.inUse, c.queued)
			}
			for i := range slots {
				sem.release(slots[i])
			}
			if n, q := sem.InUse(), sem.Queued(); n != 0 || q != 0 || len(sem.peers) != 0 {
				t.Errorf("after releasing all: %d in use, %d queued, %d address counts", n, q, len(sem.peers))
			}
		})
	}
	if got := NewSemaphore(0).PerPeer(); got != DefaultHandshakesPerPeer {
		t.Errorf("default per-address cap %d, want %d", got, DefaultHandshakesPerPeer)
	}
	if got, ok := (*Semaphore)(nil).take(a, func() { t.Error("a nil Semaphore sacrificed") }, nil); got != nil || !ok {
		t.Error("a nil Semaphore did not grant at once")
	}
}

// TestQueuedHandshakeGranted: over its address's share a handshake waits with no goroutine, still
// AwaitingHello; when the address's running handshake ends it is woken and completes.
func TestQueuedHandshakeGranted(t *testing.T) {
	sem := NewSemaphore(8)
	sem.SetPerPeer(1)
	peer := netip.MustParseAddr("192.0.2.7")
	l := newTestLoop(t)
	first, fcl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem, Peer: peer}})
	if _, err := fcl.raw.Write(clientHello(t)); err != nil { // and then nothing
		t.Fatal(err)
	}
	eventually(t, "the first commit", func() bool { return inspect(t, first).committed })

	second, scl := startSession(t, l, sessionOpts{implicit: true, lim: Limits{Handshakes: sem, Peer: peer}})
	errs := make(chan error, 1)
	go func() { errs <- scl.handshake(clientConfig(0)) }()
	eventually(t, "the second to queue", func() bool { return sem.Queued() == 1 })
	if m := inspect(t, second); !m.awaiting || m.committed {
		t.Fatalf("queued handshake: %+v, want awaiting with no goroutine", m)
	}
	l.do(t, func() { first.die(errors.New("client gone")) }) // closes the machine: its slot frees
	if err := <-errs; err != nil {
		t.Fatalf("queued client: %v", err)
	}
	second.waitSecure(t)
	if n, q := sem.InUse(), sem.Queued(); n != 0 || q != 0 {
		t.Fatalf("%d slots in use, %d queued after both ended", n, q)
	}
}

// TestManyHandshakes runs concurrent handshakes through machines on one loop, as gnet would, with
// the default semaphore, then checks that none of the now idle sessions holds a goroutine.
func TestManyHandshakes(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	// As many slots as handshakes: at the default cap the newest would sacrifice the oldest, and
	// this test is about the loop carrying a thousand concurrent handshakes.
	sem := NewSemaphore(n)
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
