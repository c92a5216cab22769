package loop

import (
	"crypto/tls"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/testserver"
)

// reuseUsers are the accounts of the reuse tests: two named users and the
// anonymous ones.
var reuseUsers = testserver.Users{Named: map[string]string{"alice": "secret", "bob": "bob-secret"}, Anonymous: true}

var reusePasswords = map[string]string{"alice": "secret", "bob": "bob-secret", "anonymous": "me@example.com"}

// oneTicket is a client session cache that offers one ticket, whatever was
// stored since: a client replaying a ticket it got elsewhere.
type oneTicket struct{ s *tls.ClientSessionState }

func (o oneTicket) Get(string) (*tls.ClientSessionState, bool) { return o.s, o.s != nil }
func (oneTicket) Put(string, *tls.ClientSessionState)          {}

// dialFrom is dialTLS from a chosen local address of 127/8, so that one
// test can be several clients.
func dialFrom(t *testing.T, addr, local string, cfg *tls.Config) *tlsClient {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &client{t: t, c: c, tp: textproto.NewConn(c)}
	cl.expect(220)
	return &tlsClient{client: cl, cfg: cfg}
}

// dataFrom opens an EPSV data connection from local, the control
// connection's own address.
func (c *tlsClient) dataFrom(local string) net.Conn {
	c.t.Helper()
	port, err := codec.ParseEPSV([]byte(c.cmd(229, "EPSV")))
	if err != nil {
		c.t.Fatal(err)
	}
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	dc, err := d.Dial("tcp", "127.0.0.1:"+strconv.Itoa(int(port)))
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { dc.Close() })
	return dc
}

// loginProtected runs AUTH TLS, PROT P and the login of user.
func (c *tlsClient) loginProtected(user string) {
	c.t.Helper()
	c.auth()
	c.protP()
	c.login(user, reusePasswords[user])
}

// retrWith downloads f on a data connection from local that offers cfg's
// tickets, and reports whether it was served (226, with the data) or
// refused (522); the client's view of resumption comes with it.
func (c *tlsClient) retrWith(local string, cfg *tls.Config, want string) (served, resumed bool) {
	c.t.Helper()
	d := c.dataFrom(local)
	c.cmd(150, "RETR f")
	tc := tls.Client(d, cfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	herr := tc.Handshake()
	resumed = herr == nil && tc.ConnectionState().DidResume
	var got []byte
	if herr == nil {
		got, _ = io.ReadAll(tc)
		closeData(tc)
	}
	code, msg, err := c.tp.ReadResponse(0)
	if err != nil && code == 0 {
		c.t.Fatalf("reading the final reply: %v", err)
	}
	switch code {
	case 226:
		if string(got) != want {
			c.t.Fatalf("226 with %q, want %q", got, want)
		}
		return true, resumed
	case 522:
		return false, resumed
	}
	c.t.Fatalf("final reply %d %s, want 226 or 522", code, msg)
	return false, false
}

// TestTLSReusePolicy: which tickets a PROT P data connection may resume,
// per policy. An owner session logs in and leaves a ticket; another session
// (the taker) logs in and offers that ticket on its data connection. Under
// the default (user) the owner's ticket serves another open session of the
// same user from the same address; another user, another address, or an
// owner that closed, logged out or became someone else is refused with
// 522, as a thief would be. Under session only the own session counts;
// under optional nothing is refused.
func TestTLSReusePolicy(t *testing.T) {
	const (
		here  = "127.0.0.1"
		there = "127.0.0.2" // the same host seen from another address
	)
	type ownerStep func(t *testing.T, owner *tlsClient)
	quit := func(t *testing.T, owner *tlsClient) {
		owner.cmd(221, "QUIT")
		// OnClose (which forgets the session) runs before gnet closes the
		// socket, so EOF here means the server has forgotten it.
		_ = owner.c.SetReadDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.Copy(io.Discard, owner.c); err != nil {
			t.Fatalf("waiting for the owner's connection to close: %v", err)
		}
	}
	rein := func(t *testing.T, owner *tlsClient) { owner.cmd(220, "REIN") }
	becomeBob := func(t *testing.T, owner *tlsClient) {
		owner.cmd(220, "REIN")
		owner.login("bob", reusePasswords["bob"])
	}
	cases := []struct {
		name        string
		policy      ReusePolicy
		owner       string
		taker       string
		takerAddr   string
		after       ownerStep // done to the owner before the taker's transfer
		wantServed  bool
		wantResumed bool
	}{
		{"user: same user, same address", ReuseUser, "alice", "alice", here, nil, true, true},
		{"user: anonymous, same address", ReuseUser, "anonymous", "anonymous", here, nil, true, true},
		{"user: thief is another user", ReuseUser, "alice", "bob", here, nil, false, false},
		{"user: thief is anonymous", ReuseUser, "alice", "anonymous", here, nil, false, false},
		{"user: same user from another address", ReuseUser, "alice", "alice", there, nil, false, false},
		{"user: owner closed", ReuseUser, "alice", "alice", here, quit, false, false},
		{"user: owner logged out", ReuseUser, "alice", "alice", here, rein, false, false},
		{"user: owner logged in again as another user", ReuseUser, "alice", "alice", here, becomeBob, false, false},
		{"session: same user, same address", ReuseSession, "alice", "alice", here, nil, false, false},
		{"optional: another user", ReuseOptional, "alice", "bob", here, nil, true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t), Auth: reuseUsers, TLSReuse: c.policy}})
			writeFile(t, root, "f", "shared data")

			ownerCfg := clientTLS(tls.VersionTLS13)
			owner := dialFrom(t, addr, here, ownerCfg)
			owner.loginProtected(c.owner) // reading the replies takes in the TLS 1.3 ticket
			ticket, ok := ownerCfg.ClientSessionCache.Get(ownerCfg.ServerName)
			if !ok {
				t.Fatal("the owner's session left no ticket")
			}
			// The owner's ticket is good for the owner under any policy.
			if served, resumed := owner.retrWith(here, ownerCfg, "shared data"); !served || !resumed {
				t.Fatalf("the owner's own transfer: served %v, resumed %v", served, resumed)
			}

			taker := dialFrom(t, addr, c.takerAddr, clientTLS(tls.VersionTLS13))
			taker.loginProtected(c.taker)
			if c.after != nil {
				c.after(t, owner)
			}
			replay := clientTLS(tls.VersionTLS13)
			replay.ClientSessionCache = oneTicket{ticket}
			served, resumed := taker.retrWith(c.takerAddr, replay, "shared data")
			if served != c.wantServed || resumed != c.wantResumed {
				t.Errorf("taker's transfer with the owner's ticket: served %v, resumed %v; want %v, %v",
					served, resumed, c.wantServed, c.wantResumed)
			}
			// Refused or not, the taker's session goes on.
			taker.cmd(200, "NOOP")
		})
	}
}

// TestTLSReuseSharedCache: a client with one session cache for all its
// connections (rclone 1.60) opens a second control connection while the
// first is logged in; the second resumes the first's ticket and its own
// ticket replaces it in the cache before its login is done. The first
// session's data connection then offers the second's ticket: the user
// policy serves it (the ticket inherited the first session's tag), the
// session policy refuses it.
func TestTLSReuseSharedCache(t *testing.T) {
	for _, c := range []struct {
		policy ReusePolicy
		served bool
	}{{ReuseUser, true}, {ReuseSession, false}} {
		t.Run(c.policy.String(), func(t *testing.T) {
			addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t), Auth: reuseUsers, TLSReuse: c.policy}})
			writeFile(t, root, "f", "shared data")
			shared := clientTLS(tls.VersionTLS13)
			first := dialTLS(t, addr, shared)
			first.loginProtected("alice")
			firstTicket, _ := shared.ClientSessionCache.Get(shared.ServerName)

			second := dialTLS(t, addr, shared)
			second.auth()
			second.cmd(331, "USER alice") // not logged in yet
			secondTicket, ok := shared.ClientSessionCache.Get(shared.ServerName)
			if !ok || secondTicket == firstTicket {
				t.Fatal("the second connection left no ticket of its own in the shared cache")
			}
			replay := clientTLS(tls.VersionTLS13)
			replay.ClientSessionCache = oneTicket{secondTicket}
			served, resumed := first.retrWith("127.0.0.1", replay, "shared data")
			if served != c.served || resumed != c.served {
				t.Errorf("first session with the second's ticket: served %v, resumed %v; want %v", served, resumed, c.served)
			}
			second.cmd(230, "PASS secret")
		})
	}
}

// TestTLSReuseFreshSibling: a second control connection that did a full
// handshake (it resumed nothing) and has not logged in vouches for nobody:
// its ticket is refused on the first session's data connection even under
// the user policy. Who has not logged in may be anyone at that address.
func TestTLSReuseFreshSibling(t *testing.T) {
	addr, root := startServer(t, Config{Host: Host{TLS: tlsConfig(t), Auth: reuseUsers}})
	writeFile(t, root, "f", "shared data")
	first := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	first.loginProtected("alice")
	strangerCfg := clientTLS(tls.VersionTLS13)
	stranger := dialTLS(t, addr, strangerCfg)
	stranger.auth()
	stranger.cmd(200, "NOOP") // takes in the ticket
	ticket, ok := strangerCfg.ClientSessionCache.Get(strangerCfg.ServerName)
	if !ok {
		t.Fatal("no ticket")
	}
	replay := clientTLS(tls.VersionTLS13)
	replay.ClientSessionCache = oneTicket{ticket}
	if served, resumed := first.retrWith("127.0.0.1", replay, "shared data"); served || resumed {
		t.Errorf("a not-logged-in session's ticket: served %v, resumed %v; want refused", served, resumed)
	}
}

// TestTLSReuseRegistry: the server's registry holds a session from its
// login to its logout or close, as who it logged in as, and nothing else.
func TestTLSReuseRegistry(t *testing.T) {
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t), Auth: reuseUsers}})
	srv := serverAt(t, addr)
	const id = 1 // the server's first session
	user := func() string {
		o, ok := srv.owners.Owner(id)
		if !ok {
			return "(none)"
		}
		if o.Addr.String() != "127.0.0.1" || o.Host == nil {
			t.Errorf("registered as %+v", o)
		}
		return o.User
	}
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.cmd(331, "USER alice")
	if u := user(); u != "(none)" {
		t.Fatalf("registered as %s before login", u)
	}
	c.cmd(230, "PASS secret")
	if u := user(); u != "alice" {
		t.Fatalf("registered as %s after login, want alice", u)
	}
	c.cmd(220, "REIN")
	if u := user(); u != "(none)" {
		t.Fatalf("registered as %s after REIN", u)
	}
	c.cmd(331, "USER bob")
	c.cmd(530, "PASS wrong")
	if u := user(); u != "(none)" {
		t.Fatalf("registered as %s after a failed login", u)
	}
	c.login("bob", "bob-secret")
	if u := user(); u != "bob" {
		t.Fatalf("registered as %s after the second login, want bob", u)
	}
	c.cmd(221, "QUIT")
	_ = c.c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.Copy(io.Discard, c.c)
	if u := user(); u != "(none)" {
		t.Fatalf("registered as %s after the connection closed", u)
	}
}

// TestParseReusePolicy: the words of -tls-reuse, in any case, with
// required as the old name of session.
func TestParseReusePolicy(t *testing.T) {
	for _, c := range []struct {
		word string
		want ReusePolicy
		ok   bool
	}{
		{"user", ReuseUser, true}, {"USER", ReuseUser, true}, {"session", ReuseSession, true},
		{"required", ReuseSession, true}, {"Optional", ReuseOptional, true},
		{"", 0, false}, {"strict", 0, false}, {"users", 0, false},
	} {
		got, err := ParseReusePolicy(c.word)
		if (err == nil) != c.ok || (c.ok && got != c.want) {
			t.Errorf("ParseReusePolicy(%q) = %v, %v; want %v, ok %v", c.word, got, err, c.want, c.ok)
		}
	}
	if ReuseUser != 0 {
		t.Error("the zero ReusePolicy must be the default, user")
	}
	h := Host{TLSReuse: ReuseSession, AllowDataWithoutReuse: true}
	if h.reusePolicy() != ReuseOptional || (&Host{}).reusePolicy() != ReuseUser {
		t.Error("AllowDataWithoutReuse must still mean optional, and the zero Host user")
	}
}
