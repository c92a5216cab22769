package tlsstate

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

var versions = []struct {
	name string
	v    uint16
}{
	{"TLS1.2", tls.VersionTLS12},
	{"TLS1.3", tls.VersionTLS13},
}

func TestHandshakeAndData(t *testing.T) {
	type tc struct {
		name     string
		version  uint16
		implicit bool
		bytewise bool
	}
	var cases []tc
	for _, v := range versions {
		for _, implicit := range []bool{false, true} {
			for _, bytewise := range []bool{false, true} {
				name := v.name
				if implicit {
					name += "/implicit"
				} else {
					name += "/AUTH"
				}
				if bytewise {
					name += "/bytewise"
				}
				cases = append(cases, tc{name, v.v, implicit, bytewise})
			}
		}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			s, cl := startSession(t, l, sessionOpts{implicit: c.implicit, bytewise: c.bytewise})
			if !c.implicit {
				if got := cl.readLine(t); got != "220 ready\r\n" {
					t.Fatalf("banner %q", got)
				}
				cl.writeClear(t, "AUTH TLS\r\n")
				if got := cl.readLine(t); got != "234 go ahead\r\n" {
					t.Fatalf("AUTH reply %q", got)
				}
			}
			ccfg := clientConfig(c.version)
			ccfg.NextProtos = []string{ALPNProtocol}
			if err := cl.handshake(ccfg); err != nil {
				t.Fatalf("client handshake: %v", err)
			}
			s.waitSecure(t)
			if cs := cl.tc.ConnectionState(); cs.Version != c.version || cs.NegotiatedProtocol != ALPNProtocol {
				t.Fatalf("client sees version %x ALPN %q", cs.Version, cs.NegotiatedProtocol)
			}

			cl.writeTLS(t, "NOOP\r\n")
			if got := cl.readTLS(t, len("echo NOOP\r\n")); got != "echo NOOP\r\n" {
				t.Fatalf("echo %q", got)
			}
			// Several records each way, split across reads.
			size := 40000
			if c.bytewise {
				size = 20000
			}
			big := "BIG " + strings.Repeat("x", size)
			cl.writeTLS(t, big+"\r\n")
			if got := cl.readTLS(t, len("echo "+big+"\r\n")); got != "echo "+big+"\r\n" {
				t.Fatalf("big echo: got %d bytes", len(got))
			}

			var exited chan struct{}
			l.do(t, func() {
				if st := s.c.State(); st != Secure {
					t.Errorf("state %v, want Secure", st)
				}
				if v := s.c.ConnectionState().Version; v != c.version {
					t.Errorf("server version %x, want %x", v, c.version)
				}
				exited = s.c.hsExited
			})
			// The goroutine may still be returning from its last call to Wake.
			select {
			case <-exited:
			case <-time.After(2 * time.Second):
				t.Error("handshake goroutine still running in Secure")
			}
			if s.t.wakes.Load() == 0 {
				t.Error("the handshake never woke the loop")
			}
		})
	}
}

// TestCCC clears the control channel and checks that a command pipelined in the clear right behind
// the client's close_notify is returned intact, whether the client waits for "200" before sending
// close_notify or sends everything at once.
func TestCCC(t *testing.T) {
	for _, v := range versions {
		for _, eager := range []bool{false, true} {
			for _, bytewise := range []bool{false, true} {
				name := v.name + map[bool]string{false: "/waits", true: "/eager"}[eager] +
					map[bool]string{false: "", true: "/bytewise"}[bytewise]
				t.Run(name, func(t *testing.T) {
					l := newTestLoop(t)
					s, cl := startSession(t, l, sessionOpts{implicit: true, bytewise: bytewise})
					if err := cl.handshake(clientConfig(v.v)); err != nil {
						t.Fatalf("client handshake: %v", err)
					}
					s.waitSecure(t)

					closeAndPipeline := func() {
						if err := cl.rc.setCork(true); err != nil {
							t.Fatal(err)
						}
						if eager {
							cl.writeTLS(t, "CCC\r\n")
						}
						if err := cl.tc.CloseWrite(); err != nil {
							t.Fatalf("client close_notify: %v", err)
						}
						cl.writeClear(t, "PWD\r\n")
						if err := cl.rc.setCork(false); err != nil {
							t.Fatal(err)
						}
					}
					if eager {
						closeAndPipeline()
						if got := cl.readTLS(t, len("200 clearing\r\n")); got != "200 clearing\r\n" {
							t.Fatalf("CCC reply %q", got)
						}
					} else {
						cl.writeTLS(t, "CCC\r\n")
						if got := cl.readTLS(t, len("200 clearing\r\n")); got != "200 clearing\r\n" {
							t.Fatalf("CCC reply %q", got)
						}
						closeAndPipeline()
					}
					if n, err := cl.tc.Read(make([]byte, 16)); n != 0 || err != io.EOF {
						t.Fatalf("after CCC the client read %d bytes, %v; want the server's close_notify", n, err)
					}
					// A reply written in Clearing is held and sent in the clear, then the pipelined PWD's.
					for _, want := range []string{"211 held until clear\r\n", "echo PWD\r\n"} {
						if got := cl.readLine(t); got != want {
							t.Fatalf("clear line %q, want %q", got, want)
						}
					}
					cl.writeClear(t, "SYST\r\n")
					if got := cl.readLine(t); got != "echo SYST\r\n" {
						t.Fatalf("clear echo %q", got)
					}
					l.do(t, func() {
						if st := s.c.State(); st != Cleared {
							t.Errorf("state %v, want Cleared", st)
						}
						if got := s.c.ConnectionState().Version; got != v.v {
							t.Errorf("ConnectionState in Cleared: version %x, want %x", got, v.v)
						}
					})
				})
			}
		}
	}
}

func TestHandshakeFailures(t *testing.T) {
	cases := []struct {
		name  string
		send  []byte
		cause error // also matched when non-nil
	}{
		// Each is refused on the loop from its first bytes, before a slot or goroutine is taken.
		{"HTTP request", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), ErrNotClientHello},
		{"FTP command", []byte("USER anonymous\r\n"), ErrNotClientHello},
		{"alert instead of hello", []byte{0x15, 3, 3, 0, 2, 2, 40}, ErrNotClientHello},
		{"SSL 2 style version", []byte{0x16, 2, 0, 0, 4, 1, 0, 0, 0}, ErrNotClientHello},
		{"oversized record", []byte{0x16, 3, 1, 0xff, 0xff, 1, 0, 0}, ErrNotClientHello},
		{"just over 2^14", []byte{0x16, 3, 1, 0x40, 0x01, 1, 0, 0}, ErrNotClientHello},
		{"empty record", []byte{0x16, 3, 1, 0, 0}, ErrNotClientHello},
		{"ServerHello instead", []byte{0x16, 3, 3, 0, 4, 2, 0, 0, 0}, ErrNotClientHello},
		// A ClientHello record that crypto/tls then rejects fails in the handshake goroutine.
		{"malformed hello body", []byte{0x16, 3, 1, 0, 4, 1, 0, 0, 0}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newTestLoop(t)
			s, cl := startSession(t, l, sessionOpts{implicit: true})
			go func() { _, _ = cl.raw.Write(c.send) }()
			err := s.waitFailed(t)
			if !errors.Is(err, ErrHandshake) {
				t.Fatalf("error %v, want ErrHandshake", err)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Fatalf("error %v, want cause %v", err, c.cause)
			}
			l.do(t, func() {
				if st := s.c.State(); st != Failed {
					t.Errorf("state %v, want Failed", st)
				}
			})
		})
	}
}

// TestALPN checks the ALPACA defence: a client that offers ALPN without "ftp" gets
// no_application_protocol (alert 120), one that offers "ftp" or nothing is served.
func TestALPN(t *testing.T) {
	alert := []byte{0x15, 3, 3, 0, 2, 2, 120}
	cases := []struct {
		name   string
		protos []string
		ok     bool
	}{
		{"no ALPN", nil, true},
		{"ftp", []string{"ftp"}, true},
		{"http/1.1 then ftp", []string{"http/1.1", "ftp"}, true},
		{"http/1.1 only", []string{"http/1.1"}, false},
		{"h2 and http/1.1", []string{"h2", "http/1.1"}, false},
		{"imap", []string{"imap"}, false},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				l := newTestLoop(t)
				s, cl := startSession(t, l, sessionOpts{implicit: true})
				ccfg := clientConfig(v.v)
				ccfg.NextProtos = c.protos
				err := cl.handshake(ccfg)
				if c.ok {
					if err != nil {
						t.Fatalf("client handshake: %v", err)
					}
					s.waitSecure(t)
					want := ""
					if c.protos != nil {
						want = ALPNProtocol
					}
					if got := cl.tc.ConnectionState().NegotiatedProtocol; got != want {
						t.Fatalf("negotiated %q, want %q", got, want)
					}
					return
				}
				if err == nil {
					t.Fatal("client handshake succeeded, want refusal")
				}
				if herr := s.waitFailed(t); !errors.Is(herr, ErrHandshake) {
					t.Fatalf("server error %v, want ErrHandshake", herr)
				}
				if sent := s.t.asyncBytes(); !bytes.Contains(sent, alert) {
					t.Fatalf("server did not send no_application_protocol; sent % x", sent)
				}
			})
		}
	}
}

func TestIllegalTransitions(t *testing.T) {
	// machineIn returns a machine in the given state, owned by l.
	machineIn := func(t *testing.T, st State) (*testLoop, *Conn) {
		l := newTestLoop(t)
		switch st {
		case Plain, Handshaking:
			ft := &fakeTransport{l: l}
			c := New(ft, serverConfig(), Limits{})
			t.Cleanup(c.Close)
			if st == Handshaking {
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
			}
			return l, c
		}
		s, cl := startSession(t, l, sessionOpts{implicit: true})
		if st == Failed {
			go func() { _, _ = cl.raw.Write([]byte("GET / HTTP/1.0\r\n\r\n")) }()
			s.waitFailed(t)
			return l, s.c
		}
		if err := cl.handshake(clientConfig(0)); err != nil {
			t.Fatal(err)
		}
		s.waitSecure(t)
		if st == Clearing || st == Cleared {
			cl.writeTLS(t, "CCC\r\n")
			cl.readTLS(t, len("200 clearing\r\n"))
		}
		if st == Cleared {
			if err := cl.tc.CloseWrite(); err != nil {
				t.Fatal(err)
			}
			cl.writeClear(t, "NOOP\r\n")
			cl.readLine(t)
			cl.readLine(t)
		}
		var got State
		l.do(t, func() { got = s.c.State() })
		if got != st {
			t.Fatalf("set-up reached %v, want %v", got, st)
		}
		return l, s.c
	}

	start := func(c *Conn) error { return c.Start() }
	clear := func(c *Conn) error { return c.Clear() }
	cases := []struct {
		name     string
		state    State
		op       func(*Conn) error
		wantTo   State // for ErrTransition
		wantErr  error
		stateErr bool // ErrState instead
	}{
		{"Clear in Plain", Plain, clear, Clearing, ErrTransition, false},
		{"Start twice", Handshaking, start, Handshaking, ErrTransition, false},
		{"Clear in Handshaking", Handshaking, clear, Clearing, ErrTransition, false},
		{"Start in Secure", Secure, start, Handshaking, ErrTransition, false},
		{"Start in Clearing", Clearing, start, Handshaking, ErrTransition, false},
		{"Clear twice", Clearing, clear, Clearing, ErrTransition, false},
		{"Start in Cleared", Cleared, start, Handshaking, ErrTransition, false},
		{"Clear in Cleared", Cleared, clear, Clearing, ErrTransition, false},
		{"Start in Failed", Failed, start, Handshaking, ErrTransition, false},
		{"Clear in Failed", Failed, clear, Clearing, ErrTransition, false},
		{"Feed in Plain", Plain, func(c *Conn) error { return c.Feed([]byte("x")) }, 0, ErrState, true},
		{"ReadPlain in Plain", Plain, func(c *Conn) error { _, err := c.ReadPlain(nil); return err }, 0, ErrState, true},
		{"WritePlain in Handshaking", Handshaking, func(c *Conn) error { return c.WritePlain([]byte("x")) }, 0, ErrState, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, m := machineIn(t, c.state)
			var err error
			var after State
			l.do(t, func() { err = c.op(m); after = m.State() })
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("error %v, want %v", err, c.wantErr)
			}
			if after != c.state {
				t.Fatalf("state moved to %v on a refused call", after)
			}
			if c.stateErr {
				var se *StateError
				if !errors.As(err, &se) || se.State != c.state {
					t.Fatalf("error %#v, want *StateError in %v", err, c.state)
				}
				return
			}
			var te *TransitionError
			if !errors.As(err, &te) || te.From != c.state || te.To != c.wantTo {
				t.Fatalf("error %#v, want *TransitionError %v -> %v", err, c.state, c.wantTo)
			}
		})
	}
}

func TestPlainPassThroughAndStartOrder(t *testing.T) {
	l := newTestLoop(t)
	ft := &fakeTransport{l: l}
	c := New(ft, serverConfig(), Limits{})
	defer c.Close()
	if err := c.WritePlain([]byte("234 go\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); !errors.Is(err, ErrUnflushed) {
		t.Fatalf("Start with output queued: %v, want ErrUnflushed", err)
	}
	if got := string(c.TakeOutput()); got != "234 go\r\n" {
		t.Fatalf("TakeOutput %q", got)
	}
	if got := c.TakeOutput(); got != nil {
		t.Fatalf("second TakeOutput %q, want nil", got)
	}
	if err := c.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	if c.State() != Handshaking {
		t.Fatalf("state %v", c.State())
	}
	if changed, err := c.Poll(); changed || err != nil {
		t.Fatalf("Poll before any input: %v %v", changed, err)
	}
	if out, err := c.ReadPlain([]byte("keep")); err != nil || string(out) != "keep" {
		t.Fatalf("ReadPlain in Handshaking: %q %v", out, err)
	}
}

func TestUseAfterClose(t *testing.T) {
	l := newTestLoop(t)
	c := New(&fakeTransport{l: l}, serverConfig(), Limits{})
	c.Close()
	c.Close() // idempotent
	checks := map[string]error{
		"Start":      c.Start(),
		"WritePlain": c.WritePlain([]byte("x")),
		"Clear":      c.Clear(),
	}
	_, checks["ReadPlain"] = c.ReadPlain(nil)
	for name, err := range checks {
		if !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s after Close: %v, want net.ErrClosed", name, err)
		}
	}
}

func TestTransitionTable(t *testing.T) {
	allowed := map[[2]State]bool{
		{Plain, Handshaking}:  true,
		{Handshaking, Secure}: true,
		{Handshaking, Failed}: true,
		{Secure, Clearing}:    true,
		{Secure, Failed}:      true,
		{Clearing, Cleared}:   true,
		{Clearing, Failed}:    true,
	}
	all := []State{Plain, Handshaking, Secure, Cleared, Failed, Clearing}
	for _, from := range all {
		for _, to := range all {
			c := &Conn{state: from}
			err := c.transition(to)
			if want := allowed[[2]State{from, to}]; want != (err == nil) {
				t.Errorf("%v -> %v: error %v, allowed %v", from, to, err, want)
			}
			if err != nil && (c.state != from || !errors.Is(err, ErrTransition)) {
				t.Errorf("%v -> %v refused with %v but state is %v", from, to, err, c.state)
			}
		}
	}
}

func TestStateString(t *testing.T) {
	cases := []struct {
		s    State
		want string
	}{
		{Plain, "Plain"}, {Handshaking, "Handshaking"}, {Secure, "Secure"}, {Cleared, "Cleared"},
		{Failed, "Failed"}, {Clearing, "Clearing"}, {State(42), "State(42)"},
	}
	for _, c := range cases {
		if got := c.s.String(); got != c.want {
			t.Errorf("%d: %q, want %q", c.s, got, c.want)
		}
	}
}
