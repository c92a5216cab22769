package testserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ftpsd/ftpsd/internal/auth"
)

// fakeServer has a server's life cycle and nothing else.
type fakeServer struct {
	addrsErr error
	stopped  chan struct{}
	shutdown atomic.Int32
	served   atomic.Int32
}

func newFake() *fakeServer { return &fakeServer{stopped: make(chan struct{})} }

func (f *fakeServer) Serve() error {
	<-f.stopped
	f.served.Add(1)
	return nil
}

func (f *fakeServer) Addrs(context.Context) ([]string, error) {
	if f.addrsErr != nil {
		return nil, f.addrsErr
	}
	return []string{"127.0.0.1:21"}, nil
}

func (f *fakeServer) Shutdown(context.Context) error {
	if f.shutdown.Add(1) == 1 {
		close(f.stopped)
	}
	return nil
}

func TestStartStopsAtCleanup(t *testing.T) {
	f := newFake()
	t.Run("inner", func(t *testing.T) {
		if got := Start[string](t, f); len(got) != 1 || got[0] != "127.0.0.1:21" {
			t.Fatalf("addrs %q", got)
		}
		if f.shutdown.Load() != 0 {
			t.Fatal("shut down before the test ended")
		}
	})
	if f.shutdown.Load() != 1 || f.served.Load() != 1 {
		t.Errorf("after the test: %d shutdowns, Serve returned %d times; want 1 and 1", f.shutdown.Load(), f.served.Load())
	}
}

func TestRunFailsAndStopsWhenNotListening(t *testing.T) {
	f := newFake()
	f.addrsErr = errors.New("boot failed")
	if _, _, err := Run[string](f); err == nil || !errors.Is(err, f.addrsErr) {
		t.Fatalf("Run: %v, want the Addrs error", err)
	}
	if f.shutdown.Load() != 1 || f.served.Load() != 1 {
		t.Errorf("%d shutdowns, Serve returned %d times; want 1 and 1", f.shutdown.Load(), f.served.Load())
	}
}

// fakeFTP answers each command line on one connection with the reply
// reply returns, after a 220 greeting. Runs on a goroutine of its own.
func fakeFTP(t *testing.T, reply func(line string) string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = io.WriteString(c, "220 ready\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, reply(strings.TrimRight(line, "\r\n")))
		}
	}()
	return ln.Addr().String()
}

// dataPort listens for one data connection and writes body on it. Runs on
// a goroutine of its own.
func dataPort(t *testing.T, body string) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		_, _ = io.WriteString(c, body)
		c.Close()
	}()
	return ln.Addr().(*net.TCPAddr)
}

func TestClient(t *testing.T) {
	epsv, pasv := dataPort(t, "over epsv"), dataPort(t, "over pasv")
	addr := fakeFTP(t, func(line string) string {
		switch line {
		case "USER alice":
			return "331 password\r\n"
		case "PASS secret":
			return "230-first\r\n230 last\r\n"
		case "EPSV":
			return fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)\r\n", epsv.Port)
		case "PASV":
			return fmt.Sprintf("227 Entering Passive Mode (127,0,0,1,%d,%d).\r\n", pasv.Port>>8, pasv.Port&0xff)
		}
		return "500 unknown\r\n"
	})
	cl := Dial(t, addr)
	cl.Cmd(331, "USER %s", "alice")
	if msg := cl.Cmd(230, "PASS secret"); msg != "first\nlast" {
		t.Errorf("multi-line reply %q, want %q", msg, "first\nlast")
	}
	cl.Cmd(500, "NOPE")
	for name, d := range map[string]func() net.Conn{"EPSV": cl.EPSV, "PASV": cl.PASV} {
		b, err := io.ReadAll(d())
		if want := "over " + strings.ToLower(name); err != nil || string(b) != want {
			t.Errorf("%s data: %q, %v; want %q", name, b, err, want)
		}
	}
}

// TestClientTLSResumes: a second connection with the same config resumes
// the first one's session, as an FTPS data connection must.
func TestClientTLSResumes(t *testing.T) {
	cert, err := SelfSigned("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	if cert.Leaf == nil || len(cert.Leaf.IPAddresses) != 1 || len(cert.Leaf.DNSNames) != 1 || cert.Leaf.Subject.CommonName != "127.0.0.1" {
		t.Fatalf("certificate: %+v", cert.Leaf)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("x")) // completes the handshake, sends the ticket
			c.Close()
		}
	}()
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cfg := ClientTLS("localhost", v)
		var resumed []bool
		for range 2 {
			c, err := tls.Dial("tcp", ln.Addr().String(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.ReadAll(c) // reads the ticket too
			st := c.ConnectionState()
			c.Close()
			if st.Version != v {
				t.Errorf("version %x, want %x", st.Version, v)
			}
			resumed = append(resumed, st.DidResume)
		}
		if resumed[0] || !resumed[1] {
			t.Errorf("version %x: resumed %v, want [false true]", v, resumed)
		}
	}
}

func TestPassiveReplies(t *testing.T) {
	tests := []struct {
		name, msg string
		port      int
		addr      string
		ok        bool
	}{
		{name: "EPSV", msg: "Entering Extended Passive Mode (|||6446|)", port: 6446, ok: true},
		{name: "EPSV no port", msg: "Entering Extended Passive Mode (|||)"},
		{name: "EPSV port too big", msg: "(|||70000|)"},
		{name: "PASV", msg: "Entering Passive Mode (127,0,0,1,25,46).", addr: "127.0.0.1:6446", ok: true},
		{name: "PASV byte too big", msg: "(127,0,0,1,256,0)"},
		{name: "PASV short", msg: "(127,0,0,1,25)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if strings.HasPrefix(tc.name, "EPSV") {
				if p, ok := EPSVPort(tc.msg); p != tc.port && tc.ok || ok != tc.ok {
					t.Errorf("EPSVPort(%q) = %d, %v; want %d, %v", tc.msg, p, ok, tc.port, tc.ok)
				}
				return
			}
			if a, ok := PASVAddr(tc.msg); a != tc.addr || ok != tc.ok {
				t.Errorf("PASVAddr(%q) = %q, %v; want %q, %v", tc.msg, a, ok, tc.addr, tc.ok)
			}
		})
	}
}

func TestUsers(t *testing.T) {
	tests := []struct {
		name, user, pass string
		users            Users
		want             auth.Identity
		err              error
	}{
		{name: "alice", user: "alice", pass: "secret", users: Alice, want: auth.Identity{User: "alice"}},
		{name: "wrong password", user: "alice", pass: "x", users: Alice, err: auth.ErrDenied},
		{name: "unknown", user: "bob", pass: "secret", users: Alice, err: auth.ErrDenied},
		{name: "anonymous", user: "anonymous", pass: "me@x", users: Alice,
			want: auth.Identity{User: "anonymous", Anonymous: true, ReadOnly: true, Password: "me@x"}},
		{name: "ftp", user: "ftp", users: Alice, want: auth.Identity{User: "anonymous", Anonymous: true, ReadOnly: true}},
		{name: "anonymous off", user: "anonymous", users: Users{Named: Alice.Named}, err: auth.ErrDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.users.Authenticate(tc.user, tc.pass)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("Authenticate = %+v, %v; want %+v, %v", got, err, tc.want, tc.err)
			}
		})
	}
	if _, ok := Alice.Lookup("alice"); !ok {
		t.Error("Lookup(alice) failed")
	}
	if _, ok := Alice.Lookup("anonymous"); ok {
		t.Error("Lookup(anonymous) succeeded")
	}
}
