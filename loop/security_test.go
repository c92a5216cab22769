package loop

// Security rules (issue 6) and the tests that hold each one:
//
//	FTP bounce refused                 cmd/ftpsd TestSecurityNoBounce; xfer TestCheckActive
//	passive theft refused, the real    cmd/ftpsd TestSecurityPassiveTheft;
//	  client undisturbed                 xfer TestPassiveRefusesForeignPeer
//	traversal and symlink escapes      cmd/ftpsd TestSecurityConfinement; internal/fsys TestEscapeRefused
//	CR, LF, NUL inside arguments       TestControlCharsInArguments (here); codec TestParseCommand
//	257 quoting                        TestQuoting257 (here); codec TestAppendQuoted
//	ALPN check                         tlsstate TestALPN
//	no renegotiation                   TestRenegotiationRefused (here)
//	truncated TLS uploads fail         TestTruncatedTLSUpload; xfer TestReceiveTruncatedTLS
//	USER answers alike                 TestUserReplyDoesNotRevealAccounts; cmd/ftpsd TestSecurityLogin

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestRenegotiationRefused: a TLS 1.2 client that asks to renegotiate on
// the control connection gets a fatal alert and is disconnected (Go's
// server never renegotiates), while another session carries on and new
// ones are served. OpenSSL's s_client renegotiates on its "R" command.
func TestRenegotiationRefused(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl not installed (make test-deps installs it)")
	}
	addr, _ := startServer(t, Config{Host: Host{TLS: tlsConfig(t)}})
	other := dialTLS(t, addr, clientTLS(tls.VersionTLS12))
	other.auth()
	other.login("alice", "secret")

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, openssl, "s_client", "-connect", addr, "-starttls", "ftp", "-tls1_2")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the handshake to finish, then ask for a new one.
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "Verify return code") }) {
		t.Fatalf("s_client did not connect:\n%s", out.String())
	}
	// s_client takes a command letter only at the start of what one read
	// of its input returns: the command and the letter go separately.
	_, _ = io.WriteString(stdin, "NOOP\r\n")
	if !eventually(10*time.Second, func() bool { return strings.Contains(out.String(), "\n200 NOOP") }) {
		t.Fatalf("no reply over TLS:\n%s", out.String())
	}
	_, _ = io.WriteString(stdin, "R\n")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var werr error
	select {
	case werr = <-done:
	case <-time.After(15 * time.Second):
		cancel()
		<-done
		t.Fatalf("s_client still connected after asking to renegotiate:\n%s", out.String())
	}
	stdin.Close()
	got := out.String()
	if !strings.Contains(got, "RENEGOTIATING") {
		t.Fatalf("s_client did not try to renegotiate (exit %v):\n%s", werr, got)
	}
	if !strings.Contains(got, "alert") || werr == nil {
		t.Errorf("no TLS alert for the renegotiation attempt, or s_client ended well (exit %v):\n%s", werr, got)
	}
	t.Logf("s_client, renegotiating: %s", got[strings.Index(got, "RENEGOTIATING"):])
	other.cmd(257, "PWD")
	fresh := dialTLS(t, addr, clientTLS(tls.VersionTLS12))
	fresh.auth()
	fresh.login("alice", "secret")
}

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestControlCharsInArguments: NUL and CR inside a command line are
// refused (501) before any handler runs, and an LF always ends the line,
// so no file name can hold any of the three.
func TestControlCharsInArguments(t *testing.T) {
	addr, root := startServer(t, Config{})
	c := dial(t, addr)
	c.login("alice", "secret")
	for _, tt := range []struct {
		name, line string
		code       int
	}{
		{"NUL in MKD", "MKD a\x00b\r\n", 501},
		{"NUL in STOR", "STOR evil\x00.txt\r\n", 501},
		{"NUL in USER", "USER ali\x00ce\r\n", 501},
		{"CR in MKD", "MKD a\rb\r\n", 501},
		{"CR in RNFR", "RNFR x\ry\r\n", 501},
		{"CR before the verb's end", "NO\rOP\r\n", 501},
		{"LF ends the line", "MKD c\nd\r\n", 257}, // MKD c, then "d": 500
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := io.WriteString(c.c, tt.line); err != nil {
				t.Fatal(err)
			}
			c.expect(tt.code)
			if strings.Contains(tt.name, "LF") {
				c.expect(500)
			}
			c.cmd(200, "NOOP") // the session is in step
		})
	}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.ContainsAny(d.Name(), "\x00\r\n") {
			t.Errorf("a name with a control character was created: %q", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "c")); err != nil {
		t.Errorf("MKD c before the LF: %v", err)
	}
}

// TestQuoting257: a quote in a path is doubled in 257 replies (RFC 959
// Appendix II), for MKD and for PWD.
func TestQuoting257(t *testing.T) {
	addr, _ := startServer(t, Config{})
	c := dial(t, addr)
	c.login("alice", "secret")
	for _, tt := range []struct{ name, want string }{
		{`q"uo"te`, `"/q""uo""te"`},
		{`"edge"`, `"/""edge"""`},
		{`a b`, `"/a b"`},
	} {
		if msg := c.cmd(257, "MKD %s", tt.name); !strings.HasPrefix(msg, tt.want+" ") {
			t.Errorf("MKD %s: %q, want it to start with %s", tt.name, msg, tt.want)
		}
		c.cmd(250, "CWD /%s", tt.name)
		if msg := c.cmd(257, "PWD"); !strings.HasPrefix(msg, tt.want+" ") {
			t.Errorf("PWD in %s: %q, want it to start with %s", tt.name, msg, tt.want)
		}
		c.cmd(250, "CWD /")
	}
}
