package loop

import (
	"fmt"
	"net"
	"net/netip"
	"net/textproto"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
)

// TestBanTableReserve: checks in flight count towards the ban, so a burst
// cannot have more than BanAfter passwords checked: the rest wait, and are
// refused once the ban starts; a right password gives its slot back and
// wakes a waiter; failure answers to one address are spaced.
func TestBanTableReserve(t *testing.T) {
	now := time.Now()
	a := netip.MustParseAddr("192.0.2.1")
	b := newBanTable(5, time.Minute, time.Hour, 100)
	b.spacing = 100 * time.Millisecond
	var waiting []<-chan struct{}
	granted := 0
	for range 30 {
		ok, refuse, freed := b.take(a, now)
		switch {
		case ok:
			granted++
		case refuse:
			t.Fatal("refused before any failure")
		default:
			waiting = append(waiting, freed)
		}
	}
	if granted != 5 || len(waiting) != 25 {
		t.Fatalf("%d checks granted, %d waiting; want 5 and 25", granted, len(waiting))
	}
	deadline := now.Add(100 * time.Millisecond)
	for i := range 5 {
		newBan, at := b.settle(a, true, now, deadline)
		if want := deadline.Add(time.Duration(i) * 100 * time.Millisecond); !at.Equal(want) {
			t.Errorf("failure %d answered at +%v, want +%v", i+1, at.Sub(now), want.Sub(now))
		}
		if newBan != (i == 4) {
			t.Errorf("failure %d: new ban %v", i+1, newBan)
		}
	}
	for i, w := range waiting {
		select {
		case <-w:
		default:
			t.Fatalf("waiter %d not woken by the settles", i)
		}
	}
	if ok, refuse, _ := b.take(a, now); ok || !refuse {
		t.Fatalf("take during the ban: ok %v, refuse %v; want refused", ok, refuse)
	}

	// Right passwords refund their slots: the budget is for failures, and
	// a waiter gets the slot given back.
	r := newBanTable(2, time.Minute, time.Hour, 100)
	r.take(a, now)
	r.take(a, now)
	ok, _, freed := r.take(a, now)
	if ok {
		t.Fatal("a third check in flight with BanAfter 2")
	}
	if newBan, _ := r.settle(a, false, now, time.Time{}); newBan {
		t.Fatal("a right password started a ban")
	}
	select {
	case <-freed:
	default:
		t.Fatal("a refund did not wake the waiter")
	}
	if ok, _, _ := r.take(a, now); !ok {
		t.Fatal("the refunded slot was not granted")
	}
	r.settle(a, false, now, time.Time{})
	if newBan, _ := r.settle(a, true, now, time.Time{}); newBan {
		t.Fatal("one failure banned with BanAfter 2")
	}
	r.take(a, now)
	if newBan, _ := r.settle(a, true, now, time.Time{}); !newBan {
		t.Fatal("the second failure did not ban")
	}
}

// countingUsers is testUsers that counts the passwords it checks and
// takes a while over each, as bcrypt would, so that a burst overlaps.
type countingUsers struct {
	testUsers
	checked atomic.Int32
}

func (c *countingUsers) Authenticate(u, p string) (auth.Identity, error) {
	c.checked.Add(1)
	time.Sleep(30 * time.Millisecond)
	return c.testUsers.Authenticate(u, p)
}

// rawLogin dials addr from local, logs in as user and returns the code
// that answers PASS (421 or 0 when the connection was cut first). Safe
// in goroutines: it reports errors instead of failing the test.
func rawLogin(addr, local, user, pass string) (int, error) {
	d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	tp := textproto.NewConn(c)
	if code, _, err := tp.ReadResponse(0); code != 220 {
		return code, err
	}
	if err := tp.PrintfLine("USER %s", user); err != nil {
		return 0, err
	}
	if code, _, _ := tp.ReadResponse(0); code != 331 {
		return code, nil
	}
	if err := tp.PrintfLine("PASS %s", pass); err != nil {
		return 0, nil // cut by the ban
	}
	code, _, _ := tp.ReadResponse(0)
	return code, nil
}

// TestBanBurst: 30 wrong passwords in parallel from one address have at
// most BanAfter of them checked, and ban it; the right password then gets
// no 230, nor do sessions opened before the ban, which the ban closes.
func TestBanBurst(t *testing.T) {
	const after = 5
	users := &countingUsers{}
	addr, _ := startServer(t, Config{Host: Host{Auth: users}, FailDelay: 20 * time.Millisecond,
		Limits: Limits{BanAfter: after, BanWindow: time.Minute, BanDuration: time.Minute, MaxLoginAttempts: -1}})
	const local = "127.0.0.3"
	var before []*client
	for range 20 {
		code, cl := greeting(t, addr, local)
		if code != 220 {
			t.Fatalf("greeting before the ban: %d", code)
		}
		before = append(before, cl)
	}
	var wg sync.WaitGroup
	codes := make([]int, 30)
	for i := range codes {
		wg.Go(func() {
			code, err := rawLogin(addr, local, "alice", fmt.Sprintf("guess%d", i))
			if err != nil {
				t.Errorf("login %d: %v", i, err)
			}
			codes[i] = code
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c == 230 {
			t.Errorf("wrong password %d got 230", i)
		}
	}
	if n := users.checked.Load(); n > after {
		t.Errorf("%d passwords checked in the burst, want at most -ban-after %d (codes %v)", n, after, codes)
	}
	if code, err := rawLogin(addr, local, "alice", "secret"); code == 230 || err == nil && code != 421 {
		t.Errorf("right password after the burst: %d (%v), want 421 at connect", code, err)
	}
	for i, cl := range before {
		_ = cl.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		if code, _, _ := cl.tp.ReadResponse(0); code != 421 {
			t.Errorf("session %d opened before the ban: %d, want 421", i, code)
		}
		expectClosed(t, cl, 5*time.Second)
	}
	if code, err := rawLogin(addr, "127.0.0.4", "alice", "secret"); code != 230 {
		t.Errorf("another address: %d (%v), want 230", code, err)
	}
}

// TestBanParallelSuccess: many parallel logins with the right password
// from one address (one client's connections, a NAT) all get in: over the
// budget they wait for a slot rather than count as failures.
func TestBanParallelSuccess(t *testing.T) {
	users := &countingUsers{}
	addr, _ := startServer(t, Config{Host: Host{Auth: users}, FailDelay: 20 * time.Millisecond,
		Limits: Limits{BanAfter: 3, BanWindow: time.Minute, BanDuration: time.Minute}})
	var wg sync.WaitGroup
	codes := make([]int, 40)
	for i := range codes {
		wg.Go(func() {
			code, err := rawLogin(addr, "127.0.0.5", "alice", "secret")
			if err != nil {
				t.Errorf("login %d: %v", i, err)
			}
			codes[i] = code
		})
	}
	wg.Wait()
	for i, c := range codes {
		if c != 230 {
			t.Errorf("login %d with the right password: %d, want 230", i, c)
		}
	}
	if n := users.checked.Load(); n != 40 {
		t.Errorf("%d passwords checked, want all 40", n)
	}
}
