package loop

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/netip"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/xfer"
)

// testServers maps a test server's listener addresses to the server, for
// tests that look inside it (counters, sessions).
var testServers sync.Map

func rememberServer(t *testing.T, srv *Server, bound []BoundListener) {
	for _, b := range bound {
		testServers.Store(b.Addr.String(), srv)
	}
	t.Cleanup(func() {
		for _, b := range bound {
			testServers.Delete(b.Addr.String())
		}
	})
}

func serverAt(t *testing.T, addr string) *Server {
	t.Helper()
	srv, ok := testServers.Load(addr)
	if !ok {
		t.Fatalf("no test server at %s", addr)
	}
	return srv.(*Server)
}

// eventually polls cond every 10ms until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// greeting dials addr from local (empty: any address) and returns the
// first reply's code; the connection is returned open.
func greeting(t *testing.T, addr, local string) (int, *client) {
	t.Helper()
	d := net.Dialer{Timeout: 5 * time.Second}
	if local != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(local)}
	}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, c: c, tp: textproto.NewConn(c)}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	code, _, err := cl.tp.ReadResponse(0)
	if err != nil && code == 0 {
		t.Fatalf("greeting: %v", err)
	}
	return code, cl
}

// refused checks that a connection gets 421 at connect and is closed.
func refused(t *testing.T, addr, local string) {
	t.Helper()
	code, cl := greeting(t, addr, local)
	if code != 421 {
		t.Fatalf("connect from %q: %d, want 421", local, code)
	}
	expectClosed(t, cl, 5*time.Second)
}

// TestMaxSessions: FTPLimitLoginServer counts connections at connect.
func TestMaxSessions(t *testing.T) {
	addr, _ := startServer(t, Config{Limits: Limits{MaxSessions: 2}})
	a := dial(t, addr)
	dial(t, addr)
	refused(t, addr, "")
	refused(t, addr, "127.0.0.2") // whatever the address
	a.cmd(221, "QUIT")
	expectClosed(t, a, 5*time.Second)
	// The slot frees when the server has seen the close.
	if !eventually(5*time.Second, func() bool { return serverAt(t, addr).lim.sessions.Load() == 1 }) {
		t.Fatalf("sessions = %d after a QUIT, want 1", serverAt(t, addr).lim.sessions.Load())
	}
	dial(t, addr).login("alice", "secret")
}

// TestMaxSessionsPerIP: FTPLimitLoginIP counts per client address.
func TestMaxSessionsPerIP(t *testing.T) {
	addr, _ := startServer(t, Config{Limits: Limits{MaxSessionsPerIP: 2}})
	a := dial(t, addr)
	dial(t, addr)
	refused(t, addr, "127.0.0.1")
	if code, _ := greeting(t, addr, "127.0.0.2"); code != 220 {
		t.Fatalf("another address: %d, want 220", code)
	}
	a.c.Close()
	if !eventually(5*time.Second, func() bool {
		c := serverAt(t, addr).lim.perAddr
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.n[netip.MustParseAddr("127.0.0.1")] == 1
	}) {
		t.Fatal("the closed session was not uncounted")
	}
	dial(t, addr)
}

func TestAddrKey(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"},
		{"::1", "::"},
	} {
		if got := addrKey(netip.MustParseAddr(tt.in)); got != netip.MustParseAddr(tt.want) {
			t.Errorf("addrKey(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestMaxSessionsPerUser: FTPLimitLoginUser is checked at PASS, before the
// password (no oracle), and counts from a successful login to REIN or close.
func TestMaxSessionsPerUser(t *testing.T) {
	addr, _ := startServer(t, Config{Limits: Limits{MaxSessionsPerUser: 1}})
	first := dial(t, addr)
	first.login("alice", "secret")
	for _, pass := range []string{"secret", "wrong"} {
		c := dial(t, addr)
		c.cmd(331, "USER alice")
		c.cmd(421, "PASS %s", pass)
		expectClosed(t, c, 5*time.Second)
	}
	// Anonymous logins are not counted per user.
	for range 3 {
		dial(t, addr).login("anonymous", "a@b")
	}
	first.cmd(220, "REIN")
	second := dial(t, addr)
	second.login("alice", "secret")
	second.c.Close()
	if !eventually(5*time.Second, func() bool { return !serverAt(t, addr).lim.perUser.full("alice") }) {
		t.Fatal("a closed session still counts for its user")
	}
	first.login("alice", "secret")
}

// TestLoginRaceSettles: when two sessions of a user pass the check at PASS
// together (both logins proven on workers), the second to settle on the
// loop gets 421 and closes, not logged in; the first is in and counted.
func TestLoginRaceSettles(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "home", "alice"), 0o755); err != nil {
		t.Fatal(err)
	}
	v, err := openHost(&Host{Root: root, HomeDir: "/home", Jail: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.close)
	srv := &Server{lim: newServerLimits(&Limits{MaxSessionsPerUser: 1})}
	session := func() *Session {
		s := newSession(srv, nil, 1, netip.AddrPort{}, netip.AddrPort{}, []*vhost{v})
		s.login = loginChecking
		return s
	}
	first, second := session(), session()
	login := func() *xfer.Outcome {
		o := (&xfer.Login{Proven: &auth.Identity{User: "alice"}, Home: v.home()}).Run(context.Background(), nil)
		o.Kind = xfer.LoggedIn // as a password login, for the 230
		return &o
	}
	a, b := login(), login()
	if code, _ := first.settle(a); code != codec.CodeLoggedIn || first.login != loginDone || first.lim.user != "alice" {
		t.Fatalf("first to settle: %d, login %v, counted as %q", code, first.login, first.lim.user)
	}
	if code, _ := second.settle(b); code != codec.CodeServiceUnavailable || !second.closing() || second.login == loginDone || second.fs != nil {
		t.Fatalf("second to settle: %d, closing %v, login %v", code, second.closing(), second.login)
	}
	first.release()
	if srv.lim.perUser.full("alice") {
		t.Error("the first session's end did not uncount alice")
	}
}

// TestKeyCounts: a keyCounts admits up to its cap per key, reuses a slot
// given back, and forgets a key whose count drops to zero.
func TestKeyCounts(t *testing.T) {
	l := newServerLimits(&Limits{MaxSessionsPerUser: 2})
	u := l.perUser
	for i, want := range []bool{true, true, false} {
		if got := u.enter("u"); got != want {
			t.Fatalf("enter %d under a cap of 2: %v, want %v", i+1, got, want)
		}
	}
	u.leave("u")
	if !u.enter("u") {
		t.Fatal("a slot given back was not reused")
	}
	u.leave("u")
	u.leave("u")
	if len(u.n) != 0 {
		t.Errorf("perUser keeps %v after every session left", u.n)
	}
}

// TestMaxLoginAttempts: FTPMaxLoginAttempts failed logins end the session
// with 530 then 421, and the pause before each 530 grows.
func TestMaxLoginAttempts(t *testing.T) {
	const delay = 100 * time.Millisecond
	addr, _ := startServer(t, Config{FailDelay: delay, Limits: Limits{MaxLoginAttempts: 3}})
	c := dial(t, addr)
	for i := 1; i <= 3; i++ {
		c.cmd(331, "USER alice")
		start := time.Now()
		c.cmd(530, "PASS guess%d", i)
		if d, want := time.Since(start), time.Duration(i)*delay; d < want*9/10 {
			t.Errorf("failure %d answered after %v, want at least %v", i, d, want)
		}
	}
	c.expect(421)
	expectClosed(t, c, 5*time.Second)

	// A success in between does not reset the count: failures are the
	// connection's.
	c = dial(t, addr)
	c.cmd(331, "USER alice")
	c.cmd(530, "PASS guess")
	c.login("alice", "secret")
	c.cmd(220, "REIN")
	c.cmd(331, "USER alice")
	c.cmd(530, "PASS guess")
	c.cmd(331, "USER alice")
	c.cmd(530, "PASS guess")
	c.expect(421)
	expectClosed(t, c, 5*time.Second)
}

func TestMaxLoginAttemptsUnlimited(t *testing.T) {
	addr, _ := startServer(t, Config{Limits: Limits{MaxLoginAttempts: -1}})
	c := dial(t, addr)
	for range 6 {
		c.cmd(331, "USER alice")
		c.cmd(530, "PASS guess")
	}
	c.login("alice", "secret")
}

// TestLoginBan: BanAfter failures from one address, across sessions, ban
// it for BanDuration and close its open sessions; other addresses are not
// affected.
func TestLoginBan(t *testing.T) {
	const banFor = time.Second
	addr, _ := startServer(t, Config{Limits: Limits{BanAfter: 3, BanWindow: time.Minute, BanDuration: banFor,
		MaxLoginAttempts: -1}})
	c := dial(t, addr)
	for range 2 {
		c.cmd(331, "USER alice")
		c.cmd(530, "PASS guess")
	}
	other := dial(t, addr) // opened before the ban: cut when the ban starts
	c2 := dial(t, addr)
	c2.cmd(331, "USER mallory")
	c2.cmd(530, "PASS guess")
	banned := time.Now()
	c2.expect(421)
	expectClosed(t, c2, 5*time.Second)
	refused(t, addr, "127.0.0.1")
	if code, _ := greeting(t, addr, "127.0.0.2"); code != 220 {
		t.Fatalf("another address during the ban: %d, want 220", code)
	}
	other.expect(421)
	expectClosed(t, other, 5*time.Second)

	var back *client
	if !eventually(10*time.Second, func() bool {
		code, cl := greeting(t, addr, "127.0.0.1")
		back = cl
		return code == 220
	}) {
		t.Fatal("the ban did not end")
	}
	if d := time.Since(banned); d < banFor*9/10 {
		t.Errorf("ban ended after %v, want %v", d, banFor)
	}
	back.login("alice", "secret")
}

// tracked returns the number of addresses b tracks.
func tracked(b *banTable) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.entries)
}

// TestBanTableBounded: a flood of addresses never grows the table past
// its cap, and bans in force survive the flood.
func TestBanTableBounded(t *testing.T) {
	now := time.Now()
	b := newBanTable(2, time.Minute, time.Hour, 100)
	victim := netip.MustParseAddr("192.0.2.1")
	b.fail(victim, now)
	if banned, isNew := b.fail(victim, now); !banned || !isNew {
		t.Fatal("second failure did not ban with BanAfter 2")
	}
	if banned, isNew := b.fail(victim, now); !banned || isNew {
		t.Fatal("a failure during the ban is not a new ban")
	}
	full := 0
	for i := range 10000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		b.fail(a, now)
		if tracked(b) > 100 {
			t.Fatalf("table holds %d entries after %d addresses, cap 100", tracked(b), i+1)
		}
		if tracked(b) == 100 {
			full++
		}
	}
	// A sweep frees an eighth of the table, so only about one address in
	// twelve finds it full and pays for the next sweep.
	if full > 10000/12+2 {
		t.Errorf("the table was full after %d of 10,000 new addresses, want a sweep per 12 at most", full)
	}
	if !b.banned(victim, now) {
		t.Error("a ban in force was evicted by the flood")
	}

	// Entries expire: past the window and the ban, a sweep frees them.
	later := now.Add(2 * time.Hour)
	if b.banned(victim, later) {
		t.Error("the ban outlived its duration")
	}
	b.mu.Lock()
	b.makeRoom(later)
	n := len(b.entries)
	b.mu.Unlock()
	if n != 0 {
		t.Errorf("%d entries left after everything expired", n)
	}
	// A table full of bans in force tracks no new address.
	bans := newBanTable(1, time.Minute, time.Hour, 2)
	bans.fail(netip.MustParseAddr("192.0.2.1"), now)
	bans.fail(netip.MustParseAddr("192.0.2.2"), now)
	if banned, _ := bans.fail(netip.MustParseAddr("192.0.2.3"), now); banned || tracked(bans) != 2 {
		t.Errorf("a full table of bans took a new address (len %d)", tracked(bans))
	}
	// ...until the first ban ends.
	if banned, _ := bans.fail(netip.MustParseAddr("192.0.2.3"), now.Add(2*time.Hour)); !banned || tracked(bans) != 1 {
		t.Errorf("a table whose bans ended did not take a new address (len %d)", tracked(bans))
	}
	// Failures out of the window do not add up.
	w := newBanTable(2, time.Second, time.Hour, 10)
	w.fail(victim, now)
	if banned, _ := w.fail(victim, now.Add(2*time.Second)); banned {
		t.Error("failures two windows apart banned the address")
	}
}

// TestQueuedOutputCap: a client that sends commands and never reads the
// replies is disconnected once the unread backlog passes MaxQueuedOutput.
func TestQueuedOutputCap(t *testing.T) {
	addr, _ := startServer(t, Config{Limits: Limits{MaxQueuedOutput: 64 << 10}})
	d := net.Dialer{Timeout: 5 * time.Second, Control: func(_, _ string, rc syscall.RawConn) error {
		// A small receive window keeps the replies in the server's
		// buffers instead of this socket's.
		return rc.Control(func(fd uintptr) {
			_ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
	}}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	// HELP answers about 400 bytes: 20000 of them are 8 MB of replies,
	// more than the kernel's socket buffers take.
	if _, err := io.WriteString(c, strings.Repeat("HELP\r\n", 20000)); err != nil {
		t.Fatal(err)
	}
	// The check runs when the client next sends something.
	stillOpen := func() bool {
		_, err := io.WriteString(c, "NOOP\r\n")
		return err == nil
	}
	srv := serverAt(t, addr)
	if !eventually(10*time.Second, func() bool { stillOpen(); return srv.lim.sessions.Load() == 0 }) {
		t.Fatalf("the session that reads no reply is still open (%d sessions)", srv.lim.sessions.Load())
	}
	// The client never closed its end: the server did. (Reading what is
	// still in flight would take long through the tiny window, and tells
	// nothing more.)
}

// TestPendingInputCap: while a job runs, a client that piles up more than
// MaxPendingInput bytes of commands gets 421 and is disconnected.
func TestPendingInputCap(t *testing.T) {
	addr, root := startServer(t, Config{MaxPendingInput: 4096, DataTimeout: 5 * time.Second})
	randomFile(t, root, "f", 10)
	c := dial(t, addr)
	c.login("alice", "secret")
	c.cmd(229, "EPSV")
	// RETR waits for a data connection that never comes: the job runs,
	// and PWD may not run during it.
	if err := c.tp.PrintfLine("RETR f"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c.c, strings.Repeat("PWD\r\n", 2000)); err != nil {
		t.Fatal(err)
	}
	c.expect(421)
	expectClosed(t, c, 5*time.Second)
}

// TestMailboxBound: the mailbox never holds more than a job's preliminary
// and final results, however the client drives the session.
func TestMailboxBound(t *testing.T) {
	addr, root := startServer(t, Config{})
	want := randomFile(t, root, "blob", 1<<20)
	randomFile(t, root, "big", 32<<20)
	c := dial(t, addr)
	c.login("alice", "secret")
	for i := range 5 {
		d := c.epsv()
		c.cmd(150, "RETR blob")
		got, _ := io.ReadAll(d)
		c.expect(226)
		if !bytes.Equal(got, want) {
			t.Fatalf("round %d: %d bytes", i, len(got))
		}
		c.cmd(250, "CWD /")
		c.cmd(213, "SIZE blob")
		d = c.epsv()
		c.cmd(150, "RETR big")
		_, _ = io.ReadFull(d, make([]byte, 64<<10))
		for range 3 {
			c.cmd(211, "STAT")
		}
		c.cmd(426, "ABOR")
		c.expect(226)
	}
	srv := serverAt(t, addr)
	srv.sessions.Range(func(k, _ any) bool {
		s := k.(*Session)
		s.mbox.mu.Lock()
		peak := s.mbox.peak
		s.mbox.mu.Unlock()
		if peak > 2 || peak == 0 {
			t.Errorf("mailbox peak %d, want 1 or 2", peak)
		}
		return true
	})
}

// rateFile is transferred under a 256 KiB/s limit: (512-64) KiB beyond the
// burst take 1.75s, and the checks allow for a loaded machine on the slow
// side only (a limiter never lets bytes through early).
const (
	rateLimit = 256 << 10
	rateFile  = 512 << 10
	minPaced  = 1400 * time.Millisecond
)

// TestSessionRate: SessionRate paces RETR and STOR.
func TestSessionRate(t *testing.T) {
	addr, root := startServer(t, Config{Limits: Limits{SessionRate: rateLimit}})
	want := randomFile(t, root, "blob", rateFile)
	c := dial(t, addr)
	c.login("alice", "secret")

	d := c.epsv()
	start := time.Now()
	c.cmd(150, "RETR blob")
	got, _ := io.ReadAll(d)
	c.expect(226)
	if el := time.Since(start); el < minPaced {
		t.Errorf("RETR of %d bytes at %d B/s took %v", rateFile, rateLimit, el)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("RETR: %d bytes", len(got))
	}

	d = c.epsv()
	start = time.Now()
	c.cmd(150, "STOR copy")
	go func() {
		_, _ = d.Write(want)
		d.Close()
	}()
	c.expect(226)
	if el := time.Since(start); el < minPaced {
		t.Errorf("STOR of %d bytes at %d B/s took %v", rateFile, rateLimit, el)
	}
}

// TestServerRate: ServerRate is shared by every session's transfers.
func TestServerRate(t *testing.T) {
	addr, root := startServer(t, Config{Limits: Limits{ServerRate: rateLimit}})
	randomFile(t, root, "half", rateFile/2)
	start := time.Now()
	var wg sync.WaitGroup
	for i := range 2 {
		c := dial(t, addr)
		c.login("alice", "secret")
		d := c.epsv()
		c.cmd(150, "RETR half")
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, _ := io.Copy(io.Discard, d)
			if n != rateFile/2 {
				t.Errorf("session %d got %d bytes", i, n)
			}
		}()
		defer c.expect(226)
	}
	wg.Wait()
	if el := time.Since(start); el < minPaced {
		t.Errorf("two RETRs of %d bytes sharing %d B/s took %v", rateFile/2, rateLimit, el)
	}
}

// TestLimitsDefaults: the zero Limits is what the documentation says.
func TestLimitsDefaults(t *testing.T) {
	var l Limits
	if l.maxLoginAttempts() != 3 || l.banWindow() != 10*time.Minute || l.banDuration() != time.Hour ||
		l.banTable() != 10000 || l.maxQueuedOutput() != 1<<20 {
		t.Errorf("defaults: attempts %d window %v duration %v table %d output %d", l.maxLoginAttempts(),
			l.banWindow(), l.banDuration(), l.banTable(), l.maxQueuedOutput())
	}
	if (&Limits{MaxLoginAttempts: -1}).maxLoginAttempts() != 0 {
		t.Error("negative MaxLoginAttempts must mean no limit")
	}
	// Unset limits cost nothing: no map, no table, no limiter.
	if sl := newServerLimits(&l); sl.perAddr != nil || sl.perUser != nil || sl.ban != nil || sl.rate != nil {
		t.Errorf("zero Limits made state: %+v", sl)
	}
	if l != (Limits{}) {
		t.Errorf("the accessors changed the struct: %+v", l)
	}
}
