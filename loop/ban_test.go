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
// cannot have more than BanAfter passwords checked; a right password
// gives its slot back; failure answers to one address are spaced.
func TestBanTableReserve(t *testing.T) {
	now := time.Now()
	a := netip.MustParseAddr("192.0.2.1")
	b := newBanTable(5, time.Minute, time.Hour, 100)
	b.spacing = 100 * time.Millisecond
	var verdicts []verdict
	var last time.Time
	bans := 0
	for i := range 30 {
		v, at, newBan := b.attempt(a, now, 100*time.Millisecond)
		verdicts = append(verdicts, v)
		if newBan {
			bans++
		}
		if v != verdictBanned {
			if want := now.Add(time.Duration(i+1) * 100 * time.Millisecond); !at.Equal(want) {
				t.Errorf("attempt %d answered at +%v, want +%v", i+1, at.Sub(now), want.Sub(now))
			}
			last = at
		}
	}
	want := func(from, to int, v verdict) {
		for i := from; i < to; i++ {
			if verdicts[i] != v {
				t.Errorf("attempt %d: %v, want %v (all: %v)", i+1, verdicts[i], v, verdicts)
			}
		}
	}
	want(0, 5, verdictCheck)    // the budget: five checks in flight
	want(5, 10, verdictRefused) // over it: failures without a check, the fifth bans
	want(10, 30, verdictBanned)
	if bans != 1 || !b.banned(a, now) {
		t.Fatalf("%d bans started, banned %v; want one ban", bans, b.banned(a, now))
	}
	for range 5 {
		if b.settle(a, true, now) {
			t.Error("a failure settled during the ban started another")
		}
	}
	if last.Sub(now) != time.Second {
		t.Errorf("the tenth answer at +%v, want +1s", last.Sub(now))
	}

	// A right password refunds its slot: the budget is for failures.
	r := newBanTable(2, time.Minute, time.Hour, 100)
	for i := range 10 {
		if v, _, _ := r.attempt(a, now, 0); v != verdictCheck {
			t.Fatalf("attempt %d after refunds: %v, want check", i+1, v)
		}
		r.settle(a, false, now)
	}
	r.attempt(a, now, 0)
	if r.settle(a, true, now) {
		t.Fatal("one failure banned with BanAfter 2")
	}
	r.attempt(a, now, 0)
	if !r.settle(a, true, now) {
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
