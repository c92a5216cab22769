package testserver

import (
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Bounds of the waits of a Client.
const (
	// DialTimeout bounds connecting, the control and the data connections.
	DialTimeout = 5 * time.Second
	// ReplyTimeout bounds reading one reply.
	ReplyTimeout = 10 * time.Second
)

// Client is a raw control connection with exact reply checks. Its methods
// fail T, so call them from the test's goroutine only. Conn and Text may
// be replaced together, for example by a TLS connection after AUTH TLS.
type Client struct {
	T    testing.TB
	Conn net.Conn
	Text *textproto.Conn
}

// Dial connects to addr, closes the connection when the test ends, and
// reads the 220 greeting.
func Dial(t testing.TB, addr string) *Client {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, DialTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	cl := &Client{T: t, Conn: c, Text: textproto.NewConn(c)}
	cl.Expect(220)
	return cl
}

// Expect reads one reply, waiting at most ReplyTimeout, and fails the test
// unless its code is code. It returns the reply's text, every line of a
// multi-line reply joined by "\n", as textproto.Reader.ReadResponse does.
func (cl *Client) Expect(code int) string {
	cl.T.Helper()
	_ = cl.Conn.SetReadDeadline(time.Now().Add(ReplyTimeout))
	got, msg, err := cl.Text.ReadResponse(0)
	// ReadResponse reports a reply that is not a continuation of the code
	// asked for as an error with the code set: that is still a reply.
	if err != nil && got == 0 {
		cl.T.Fatalf("reading reply: %v", err)
	}
	if got != code {
		cl.T.Fatalf("got %d %q, want %d", got, msg, code)
	}
	return msg
}

// Cmd sends a command line (format and args as fmt.Sprintf, without the
// CRLF) and checks its reply code.
func (cl *Client) Cmd(code int, format string, args ...any) string {
	cl.T.Helper()
	if err := cl.Text.PrintfLine(format, args...); err != nil {
		cl.T.Fatal(err)
	}
	return cl.Expect(code)
}

// Login sends USER and PASS and expects 331 and 230.
func (cl *Client) Login(user, pass string) {
	cl.T.Helper()
	cl.Cmd(331, "USER %s", user)
	cl.Cmd(230, "PASS %s", pass)
}

// The addresses of the passive replies, parsed here rather than with the
// server's own codec so that a bug there cannot hide from the tests.
var (
	epsvRE = regexp.MustCompile(`\(\|\|\|(\d+)\|\)`)
	pasvRE = regexp.MustCompile(`(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)`)
)

// EPSVPort returns the port of a 229 reply's text, "(|||port|)".
func EPSVPort(msg string) (int, bool) {
	m := epsvRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, false
	}
	p, err := strconv.Atoi(m[1])
	return p, err == nil && p > 0 && p < 1<<16
}

// PASVAddr returns the host:port of a 227 reply's text, "h1,h2,h3,h4,p1,p2".
func PASVAddr(msg string) (string, bool) {
	m := pasvRE.FindStringSubmatch(msg)
	if m == nil {
		return "", false
	}
	p1, _ := strconv.Atoi(m[5])
	p2, _ := strconv.Atoi(m[6])
	if p1 > 255 || p2 > 255 {
		return "", false
	}
	return net.JoinHostPort(strings.Join(m[1:5], "."), strconv.Itoa(p1<<8|p2)), true
}

// EPSV sends EPSV, expects 229, and connects to the announced port on the
// control connection's remote host. The data connection is closed when
// the test ends.
func (cl *Client) EPSV() net.Conn {
	cl.T.Helper()
	msg := cl.Cmd(229, "EPSV")
	port, ok := EPSVPort(msg)
	if !ok {
		cl.T.Fatalf("EPSV: no (|||port|) in %q", msg)
	}
	host, _, _ := net.SplitHostPort(cl.Conn.RemoteAddr().String())
	return cl.DialData(net.JoinHostPort(host, strconv.Itoa(port)))
}

// PASV sends PASV, expects 227, and connects to the announced address. The
// data connection is closed when the test ends.
func (cl *Client) PASV() net.Conn {
	cl.T.Helper()
	msg := cl.Cmd(227, "PASV")
	addr, ok := PASVAddr(msg)
	if !ok {
		cl.T.Fatalf("PASV: no h1,h2,h3,h4,p1,p2 in %q", msg)
	}
	return cl.DialData(addr)
}

// DialData connects to a data address and closes the connection when the
// test ends.
func (cl *Client) DialData(addr string) net.Conn {
	cl.T.Helper()
	d, err := net.DialTimeout("tcp", addr, DialTimeout)
	if err != nil {
		cl.T.Fatalf("dialing the data address %s: %v", addr, err)
	}
	cl.T.Cleanup(func() { d.Close() })
	return d
}
