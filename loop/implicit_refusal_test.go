package loop

import (
	"crypto/tls"
	"io"
	"net"
	"testing"
	"time"
)

// TestImplicitRefusalSendsNoClearText: a refusal on an implicit-TLS
// listener (here, over the per-address limit) is a plain close, never a
// clear-text 421 the client would take for a broken TLS answer; the same
// refusal on the plain listener still says 421.
func TestImplicitRefusalSendsNoClearText(t *testing.T) {
	bound, _ := startListeners(t, Config{
		Host:      Host{TLS: tlsConfig(t)},
		Limits:    Limits{MaxSessionsPerIP: 1},
		Listeners: []Listener{{Addr: "127.0.0.1:0", Implicit: true}, {Addr: "127.0.0.1:0"}},
	})
	implicit, plain := bound[0].Addr.String(), bound[1].Addr.String()
	ccfg := clientTLS(tls.VersionTLS13)
	first, err := tls.Dial("tcp", implicit, ccfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	_ = first.SetReadDeadline(time.Now().Add(10 * time.Second))
	if line := readLine(t, first); line[:3] != "220" {
		t.Fatalf("first implicit session: %q, want 220", line)
	}

	// The second connection from the same address is over the limit.
	c, err := net.DialTimeout("tcp", implicit, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("implicit refusal: %v (want a plain close)", err)
	}
	if len(got) != 0 {
		t.Fatalf("implicit refusal sent %d clear-text bytes %q, want none", len(got), got)
	}

	code, _ := greeting(t, plain, "")
	if code != 421 {
		t.Fatalf("plain refusal: %d, want 421", code)
	}
}

func readLine(t *testing.T, c net.Conn) string {
	t.Helper()
	var b []byte
	one := make([]byte, 1)
	for len(b) < 512 {
		if _, err := c.Read(one); err != nil {
			t.Fatalf("read: %v after %q", err, b)
		}
		b = append(b, one[0])
		if one[0] == '\n' {
			return string(b)
		}
	}
	t.Fatalf("no line end in %q", b)
	return ""
}
