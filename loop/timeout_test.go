package loop

import (
	"io"
	"testing"
	"time"
)

// expectClosed reads until the server closes the connection, within a
// bounded wait.
func expectClosed(t *testing.T, cl *client, within time.Duration) {
	t.Helper()
	_ = cl.c.SetReadDeadline(time.Now().Add(within))
	if _, err := io.ReadAll(cl.c); err != nil {
		t.Fatalf("connection not closed within %v: %v", within, err)
	}
}

func TestLoginTimeout(t *testing.T) {
	addr, _ := startServer(t, Config{LoginTimeout: 200 * time.Millisecond})
	cl := dial(t, addr)
	start := time.Now()
	cl.expect(421)
	expectClosed(t, cl, 5*time.Second)
	if d := time.Since(start); d < 150*time.Millisecond {
		t.Errorf("closed after %v, before the login timeout", d)
	}
}

func TestIdleTimeoutAfterLogin(t *testing.T) {
	addr, _ := startServer(t, Config{IdleTimeout: time.Second, LoginTimeout: time.Hour})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	// Activity keeps the session alive past the timeout (gaps of a fifth
	// of it, so a loaded machine has a wide margin).
	for range 7 {
		time.Sleep(200 * time.Millisecond)
		cl.cmd(200, "NOOP")
	}
	cl.expect(421)
	expectClosed(t, cl, 5*time.Second)
}
