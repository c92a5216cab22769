package loop

import (
	"crypto/tls"
	"errors"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// Two test-only commands that panic: XPANIC in its handler, XAPPLY in the
// result a worker hands back, applied on the loop. They are added to the
// map only, not to commandList, so HELP and FEAT do not show them; init
// runs before any test, so no test races with the change.
func init() {
	commands["XPANIC"] = &command{verb: "XPANIC", fn: func(*Session, []byte) Reply {
		panic("test: handler panic")
	}}
	commands["XAPPLY"] = &command{verb: "XAPPLY", fn: func(s *Session, _ []byte) Reply {
		// As a worker posts a result: applied on the loop at the next wake.
		s.mbox.post(result{apply: func(*Session) (codec.Code, string) { panic("test: apply panic") }})
		_ = s.conn.Wake(nil)
		return Reply{codec.CodeOK, "Posted."}
	}}
}

// TestPanicClosesOnlyItsSession: a panic in a handler or an applied result
// gives that client 421 and EOF, logs the stack at error, releases the
// session's passive listener and its place under MaxSessionsPerIP, and the
// session connected before it goes on serving.
func TestPanicClosesOnlyItsSession(t *testing.T) {
	for _, verb := range []string{"XPANIC", "XAPPLY"} {
		t.Run(verb, func(t *testing.T) {
			var logBuf syncBuffer
			addr, root := startServer(t, Config{
				Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelError})),
				Limits: Limits{MaxSessionsPerIP: 2},
			})
			writeFile(t, root, "file.txt", "hello\n")

			other := dial(t, addr)
			other.login("alice", "secret")

			bad := dial(t, addr)
			bad.login("alice", "secret")
			msg := bad.cmd(229, "EPSV")
			port, err := codec.ParseEPSV([]byte(msg))
			if err != nil {
				t.Fatalf("EPSV reply %q: %v", msg, err)
			}
			var last string
			if verb == "XAPPLY" {
				bad.cmd(200, "%s", verb) // the handler answers; its posted result panics later
				last = bad.expect(421)
			} else {
				last = bad.cmd(421, "%s", verb)
			}
			if strings.Contains(last, "panic") {
				t.Fatalf("421 text %q shows the panic", last)
			}
			_ = bad.c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if rest, err := io.ReadAll(bad.c); err != nil || len(rest) != 0 {
				t.Fatalf("after 421: %q, %v; want EOF and nothing else", rest, err)
			}

			// The passive listener went with the session.
			d, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(port))), time.Second)
			if err == nil {
				d.Close()
				t.Fatal("the panicked session's passive listener still accepts")
			}

			// The session before it still serves, data connections too.
			other.cmd(200, "NOOP")
			data := other.epsv()
			other.cmd(150, "RETR file.txt")
			got, err := io.ReadAll(data)
			if err != nil || string(got) != "hello\n" {
				t.Fatalf("RETR after the panic: %q, %v", got, err)
			}
			other.expect(226)

			// The panicked session's place under MaxSessionsPerIP is free
			// again: with the limit at 2, a third session gets its 220.
			// Its release runs in OnClose, just after the client saw EOF.
			deadline := time.Now().Add(5 * time.Second)
			for {
				c, err := net.DialTimeout("tcp", addr, time.Second)
				if err != nil {
					t.Fatal(err)
				}
				line := make([]byte, 3)
				_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
				_, err = io.ReadFull(c, line)
				c.Close()
				if err == nil && string(line) == "220" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("third session after the panic: %q, %v", line, err)
				}
				time.Sleep(20 * time.Millisecond)
			}

			log := logBuf.String()
			for _, want := range []string{"level=ERROR", "session panicked", "test: ", "goroutine ", "panic_test.go"} {
				if !strings.Contains(log, want) {
					t.Errorf("error log lacks %q:\n%s", want, log)
				}
			}
		})
	}
}

// TestIllegalTransitionIsContained: a move the state machine refuses is a
// bug that panics, and like any panic it closes only that session.
func TestIllegalTransitionIsContained(t *testing.T) {
	s := &Session{}
	defer func() {
		p := recover()
		err, ok := p.(error)
		var te *connTransitionError
		if !ok || !errors.As(err, &te) || te.from != connIdle || te.to != connAborting {
			t.Fatalf("moveConn(aborting) from idle panicked with %v, want a *connTransitionError idle -> aborting", p)
		}
		if s.connState() != connIdle {
			t.Fatalf("state after a refused move: %s, want idle", s.connState())
		}
	}()
	s.moveConn(connAborting)
}

// TestPanicOnTLSSession: the 421 after a panic goes through TLS on a
// protected control connection, and nothing follows it but the end of the
// stream.
func TestPanicOnTLSSession(t *testing.T) {
	var logBuf syncBuffer
	addr, _ := startServer(t, Config{
		Host:   Host{TLS: tlsConfig(t)},
		Logger: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	other := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	other.auth()
	bad := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	bad.auth()
	bad.login("alice", "secret")
	bad.cmd(421, "XPANIC")
	_ = bad.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if rest, err := io.ReadAll(bad.c); len(rest) != 0 || err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("after 421: %q, %v; want the end of the stream", rest, err)
	}
	other.login("alice", "secret")
	other.cmd(200, "NOOP")
	if !strings.Contains(logBuf.String(), "test: handler panic") {
		t.Fatalf("error log lacks the panic:\n%s", logBuf.String())
	}
}
