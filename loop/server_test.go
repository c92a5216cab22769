package loop

import (
	"crypto/tls"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/testserver"
)

// testUsers admits anonymous (read-only) and "alice" with password
// "secret": testserver.Alice, as a type whose zero value the tests name.
type testUsers struct{}

func (testUsers) IsAnonymous(u string) bool { return testserver.Alice.IsAnonymous(u) }
func (testUsers) Authenticate(u, p string) (auth.Identity, error) {
	return testserver.Alice.Authenticate(u, p)
}
func (testUsers) Lookup(u string) (auth.Identity, bool) { return testserver.Alice.Lookup(u) }

// startServer runs a server on 127.0.0.1:0 over a fresh root and stops it
// when the test ends.
func startServer(t *testing.T, cfg Config) (addr string, root string) {
	t.Helper()
	cfg.Listeners = []Listener{{Addr: "127.0.0.1:0"}}
	bound, root := startListeners(t, cfg)
	return bound[0].Addr.String(), root
}

// startListeners is startServer with the listeners cfg names.
func startListeners(t *testing.T, cfg Config) ([]BoundListener, string) {
	t.Helper()
	if cfg.Root == "" {
		cfg.Root = t.TempDir()
	}
	if cfg.Auth == nil {
		cfg.Auth = testUsers{}
	}
	if cfg.FailDelay == 0 {
		cfg.FailDelay = -1
	}
	cfg.EventLoops = 2
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bound := testserver.Start[BoundListener](t, srv)
	rememberServer(t, srv, bound)
	return bound, cfg.Root
}

// client is a raw control connection with exact reply checks: a
// testserver.Client whose fields the tests in this package reach by their
// short names (they replace c and tp after AUTH TLS and CCC).
type client struct {
	t  *testing.T
	c  net.Conn
	tp *textproto.Conn
}

// shared is cl as the testserver.Client whose methods do the work.
func (cl *client) shared() *testserver.Client {
	return &testserver.Client{T: cl.t, Conn: cl.c, Text: cl.tp}
}

func dial(t *testing.T, addr string) *client {
	t.Helper()
	sc := testserver.Dial(t, addr)
	return &client{t: t, c: sc.Conn, tp: sc.Text}
}

// expect reads one reply and checks its code.
func (cl *client) expect(code int) string {
	cl.t.Helper()
	return cl.shared().Expect(code)
}

// cmd sends a command and checks its reply code.
func (cl *client) cmd(code int, format string, args ...any) string {
	cl.t.Helper()
	return cl.shared().Cmd(code, format, args...)
}

func (cl *client) login(user, pass string) {
	cl.t.Helper()
	cl.shared().Login(user, pass)
}

func writeFile(t *testing.T, root, name, content string) {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCommandTable sends each command in a given login state and checks
// the reply code the table and handler produce.
func TestCommandTable(t *testing.T) {
	addr, root := startServer(t, Config{})
	writeFile(t, root, "file.txt", "hello\n")
	writeFile(t, root, "dir/inner.txt", "x")

	tests := []struct {
		name  string
		user  string // "" = not logged in
		line  string
		code  int
		check func(t *testing.T, msg string)
	}{
		{name: "NOOP before login", line: "NOOP", code: 200},
		{name: "SYST", line: "SYST", code: 215},
		{name: "QUIT", line: "QUIT", code: 221, check: contains("Goodbye.")},
		{name: "FEAT", line: "FEAT", code: 211, check: contains("EPSV", "MLST type*", "REST STREAM", "UTF8", "SIZE", "MDTM")},
		{name: "HELP", line: "HELP", code: 214, check: contains("RETR", "MLSD")},
		{name: "HELP verb", line: "HELP retr", code: 214, check: contains("RETR <sp> pathname")},
		{name: "unknown verb", line: "FOOBAR", code: 500},
		{name: "malformed verb", line: "12AB x", code: 500},
		{name: "PWD before login", line: "PWD", code: 530},
		{name: "RETR before login", line: "RETR file.txt", code: 530},
		{name: "PASS before USER", line: "PASS x", code: 503},
		{name: "USER without arg", line: "USER", code: 501},
		{name: "STAT before login", line: "STAT", code: 211, check: contains("Not logged in")},
		{name: "PWD", user: "alice", line: "PWD", code: 257, check: contains(`"/" is the current directory`)},
		{name: "CWD dir", user: "alice", line: "CWD dir", code: 250},
		{name: "CWD missing", user: "alice", line: "CWD nope", code: 550},
		{name: "CWD file", user: "alice", line: "CWD file.txt", code: 550},
		{name: "XCWD", user: "alice", line: "XCWD dir", code: 250},
		{name: "CDUP", user: "alice", line: "CDUP", code: 250},
		{name: "SIZE", user: "alice", line: "SIZE file.txt", code: 213, check: contains("6")},
		{name: "SIZE dir", user: "alice", line: "SIZE dir", code: 550},
		{name: "MDTM", user: "alice", line: "MDTM file.txt", code: 213},
		{name: "MLST", user: "alice", line: "MLST file.txt", code: 250, check: contains("type=file;size=6;", "perm=adfrw", " /file.txt")},
		{name: "MLST anonymous perm", user: "anonymous", line: "MLST file.txt", code: 250, check: contains("perm=r;")},
		{name: "TYPE A", user: "alice", line: "TYPE A", code: 200},
		{name: "TYPE L 8", user: "alice", line: "TYPE L 8", code: 200},
		{name: "TYPE E", user: "alice", line: "TYPE E", code: 504},
		{name: "TYPE junk", user: "alice", line: "TYPE Q", code: 501},
		{name: "STRU F", user: "alice", line: "STRU F", code: 200},
		{name: "STRU R", user: "alice", line: "STRU R", code: 504},
		{name: "MODE S", user: "alice", line: "MODE S", code: 200},
		{name: "MODE B", user: "alice", line: "MODE B", code: 504},
		{name: "REST", user: "alice", line: "REST 10", code: 350},
		{name: "REST negative", user: "alice", line: "REST -1", code: 501},
		{name: "ALLO", user: "alice", line: "ALLO 100", code: 202},
		{name: "ACCT", user: "alice", line: "ACCT x", code: 202},
		{name: "ABOR idle", user: "alice", line: "ABOR", code: 225},
		{name: "RETR without PASV", user: "alice", line: "RETR file.txt", code: 425},
		{name: "RNTO without RNFR", user: "alice", line: "RNTO x", code: 503},
		{name: "PORT foreign", user: "alice", line: "PORT 10,0,0,1,200,10", code: 504},
		{name: "PORT low port", user: "alice", line: "PORT 127,0,0,1,0,21", code: 504},
		{name: "PORT malformed", user: "alice", line: "PORT 1,2,3", code: 501},
		{name: "EPRT foreign", user: "alice", line: "EPRT |1|10.0.0.1|5000|", code: 504},
		{name: "EPRT bad family", user: "alice", line: "EPRT |3|x|5000|", code: 522},
		{name: "EPRT ok", user: "alice", line: "EPRT |1|127.0.0.1|5000|", code: 200},
		{name: "PASV", user: "alice", line: "PASV", code: 227, check: contains("127,0,0,1,")},
		{name: "EPSV", user: "alice", line: "EPSV", code: 229, check: contains("(|||")},
		{name: "EPSV 2 on IPv4", user: "alice", line: "EPSV 2", code: 522},
		{name: "OPTS UTF8", user: "alice", line: "OPTS UTF8 ON", code: 200},
		{name: "OPTS MLST", user: "alice", line: "OPTS MLST type;size;", code: 200, check: contains("type;size;")},
		{name: "OPTS junk", user: "alice", line: "OPTS FOO", code: 501},
		{name: "SITE HELP", user: "alice", line: "SITE HELP", code: 214},
		{name: "SITE junk", user: "alice", line: "SITE FOO", code: 504},
		{name: "SITE CHMOD bad", user: "alice", line: "SITE CHMOD 99x file.txt", code: 501},
		{name: "SITE CHMOD", user: "alice", line: "SITE CHMOD 600 file.txt", code: 200},
		{name: "STAT path", user: "alice", line: "STAT /", code: 213, check: contains("file.txt", "dir")},
		{name: "MKD", user: "alice", line: `MKD new"dir`, code: 257, check: contains(`"/new""dir" directory created`)},
		{name: "MKD exists", user: "alice", line: "MKD dir", code: 550},
		{name: "RMD missing", user: "alice", line: "RMD nope", code: 550},
		{name: "RMD root", user: "alice", line: "RMD /", code: 550},
		{name: "DELE missing", user: "alice", line: "DELE nope", code: 550},
		{name: "MFMT", user: "alice", line: "MFMT 20200102030405 file.txt", code: 213, check: contains("Modify=20200102030405; /file.txt")},
		{name: "MFMT bad", user: "alice", line: "MFMT 2020 file.txt", code: 501},
		{name: "anonymous STOR", user: "anonymous", line: "STOR x", code: 550},
		{name: "anonymous DELE", user: "anonymous", line: "DELE file.txt", code: 550},
		{name: "anonymous MKD", user: "anonymous", line: "MKD d", code: 550},
		{name: "anonymous RNFR", user: "anonymous", line: "RNFR file.txt", code: 550},
		{name: "anonymous SITE CHMOD", user: "anonymous", line: "SITE CHMOD 777 file.txt", code: 550},
		{name: "anonymous MFMT", user: "anonymous", line: "MFMT 20200102030405 file.txt", code: 550},
		{name: "USER after login", user: "alice", line: "USER bob", code: 530},
		{name: "traversal", user: "alice", line: "SIZE ../../../../etc/passwd", code: 550},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cl := dial(t, addr)
			if tc.user != "" {
				pass := "x"
				if tc.user == "alice" {
					pass = "secret"
				}
				cl.login(tc.user, pass)
			}
			msg := cl.cmd(tc.code, "%s", tc.line)
			if tc.check != nil {
				tc.check(t, msg)
			}
		})
	}
}

func contains(parts ...string) func(*testing.T, string) {
	return func(t *testing.T, msg string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(msg, p) {
				t.Errorf("reply %q lacks %q", msg, p)
			}
		}
	}
}

func TestLoginFailureResets(t *testing.T) {
	addr, _ := startServer(t, Config{FailDelay: 50 * time.Millisecond})
	cl := dial(t, addr)
	cl.cmd(331, "USER alice")
	start := time.Now()
	cl.cmd(530, "PASS wrong")
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Errorf("failed login answered after %v, want >= 50ms", d)
	}
	cl.cmd(530, "PWD")
	cl.cmd(503, "PASS secret")
	cl.login("alice", "secret")
	cl.cmd(257, "PWD")
}

func TestUserReplyDoesNotRevealAccounts(t *testing.T) {
	addr, _ := startServer(t, Config{})
	a := dial(t, addr).cmd(331, "USER alice")
	b := dial(t, addr).cmd(331, "USER nobody-here")
	if a != b {
		t.Errorf("USER replies differ: %q vs %q", a, b)
	}
}

func TestREINLogsOut(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	cl.cmd(250, "CWD /")
	cl.cmd(220, "REIN")
	cl.cmd(530, "PWD")
	cl.login("anonymous", "a@b")
	cl.cmd(550, "MKD x")
}

func TestPipelinedCommandsAnswerInOrder(t *testing.T) {
	addr, root := startServer(t, Config{})
	writeFile(t, root, "a", "12345")
	cl := dial(t, addr)
	// One write, several commands, some of which run on workers.
	if _, err := cl.c.Write([]byte("USER alice\r\nPASS secret\r\nSIZE a\r\nNOOP\r\nSIZE missing\r\nPWD\r\nCWD /\r\nSYST\r\n")); err != nil {
		t.Fatal(err)
	}
	for _, code := range []int{331, 230, 213, 200, 550, 257, 250, 215} {
		cl.expect(code)
	}
}

func TestLongLineThenCommand(t *testing.T) {
	addr, _ := startServer(t, Config{MaxLine: 100})
	cl := dial(t, addr)
	if _, err := cl.c.Write([]byte("NOOP " + strings.Repeat("x", 5000) + "\r\nNOOP\r\n")); err != nil {
		t.Fatal(err)
	}
	cl.expect(500)
	cl.expect(200)
}

func TestQUIT(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	cl.cmd(221, "QUIT")
	_ = cl.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := cl.c.Read(make([]byte, 1)); err == nil {
		t.Error("connection still open after QUIT")
	}
}

func TestTelnetIPBeforeABOR(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	if _, err := cl.c.Write([]byte("\xff\xf4\xff\xf2ABOR\r\n")); err != nil {
		t.Fatal(err)
	}
	cl.expect(225)
}

// TestABORAsUrgentData: Python's ftplib sends "ABOR\r\n" with MSG_OOB,
// which makes its last byte urgent; the server must still see the line.
func TestABORAsUrgentData(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	raw, err := cl.c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	if err := raw.Write(func(fd uintptr) bool {
		serr = unix.Send(int(fd), []byte("ABOR\r\n"), unix.MSG_OOB)
		return true
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	cl.expect(225)
	cl.cmd(200, "NOOP")
}

func TestGnetAddrs(t *testing.T) {
	tests := []struct {
		name string
		in   []Listener
		want []string
		err  bool
	}{
		{name: "distinct", in: []Listener{{Addr: "127.0.0.1:21"}, {Addr: "127.0.0.1:990", Implicit: true}}, want: []string{"127.0.0.1:21", "127.0.0.1:990"}},
		{name: "port 0 twice", in: []Listener{{Addr: "127.0.0.1:0"}, {Addr: "127.0.0.1:0", Implicit: true}, {Addr: "127.0.0.1:0"}}, want: []string{"127.0.0.1:0", "127.0.0.1:00", "127.0.0.1:000"}},
		{name: "fixed port twice", in: []Listener{{Addr: "127.0.0.1:21"}, {Addr: "127.0.0.1:21"}}, err: true},
		{name: "no port", in: []Listener{{Addr: "127.0.0.1"}}, err: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := gnetAddrs(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("err %v, want error %v", err, tc.err)
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTwoListenersOnPortZero: an explicit and an implicit listener both on
// 127.0.0.1:0 get different ports and the right kinds.
func TestTwoListenersOnPortZero(t *testing.T) {
	bound, _ := startListeners(t, Config{Host: Host{TLS: tlsConfig(t)},
		Listeners: []Listener{{Addr: "127.0.0.1:0"}, {Addr: "127.0.0.1:0", Implicit: true}}})
	if len(bound) != 2 || bound[0].Addr.Port() == bound[1].Addr.Port() || bound[0].Implicit || !bound[1].Implicit {
		t.Fatalf("bound %+v", bound)
	}
	dial(t, bound[0].Addr.String()) // a plain 220
	tc, err := tls.Dial("tcp", bound[1].Addr.String(), clientTLS(tls.VersionTLS13))
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	c := &client{t: t, c: tc, tp: textproto.NewConn(tc)}
	c.expect(220)
}
