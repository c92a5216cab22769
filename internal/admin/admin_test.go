package admin

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/metrics"
)

func TestLoopback(t *testing.T) {
	for _, c := range []struct {
		host string
		want bool
	}{
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"::1", true},
		{"[::1]", true},
		{"localhost", true},
		{"LocalHost", true},
		{"", false},
		{"0.0.0.0", false},
		{"::", false},
		{"192.0.2.1", false},
		{"example.org", false},
		{"::ffff:127.0.0.1", true},
	} {
		if got := Loopback(c.host); got != c.want {
			t.Errorf("Loopback(%q) = %v, want %v", c.host, got, c.want)
		}
	}
}

func TestListenRefusesRemote(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "192.0.2.1:9121"} {
		if _, err := Listen(addr, false); !errors.Is(err, ErrRemote) {
			t.Errorf("Listen(%q) = %v, want ErrRemote", addr, err)
		}
	}
	if _, err := Listen("nonsense", false); err == nil || errors.Is(err, ErrRemote) {
		t.Errorf("Listen(nonsense) = %v, want an address error", err)
	}
	ln, err := Listen("0.0.0.0:0", true)
	if err != nil {
		t.Fatalf("allowed remote: %v", err)
	}
	ln.Close()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServe: /healthz follows ready, /metrics serves the registry, pprof
// answers, anything else is 404, and Shutdown ends Serve with nil.
func TestServe(t *testing.T) {
	ln, err := Listen("127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	var ready atomic.Bool
	m := metrics.New()
	m.Login(metrics.LoginOK, metrics.Anonymous)
	s := New(ln, m, ready.Load)
	done := make(chan error, 1)
	go func() { done <- s.Serve() }()
	base := "http://" + s.Addr().String()

	if code, _ := get(t, base+"/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("healthz before ready: %d, want 503", code)
	}
	ready.Store(true)
	if code, body := get(t, base+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("healthz when ready: %d %q", code, body)
	}
	code, body := get(t, base+"/metrics")
	if code != http.StatusOK || !strings.Contains(body, `ftpsd_logins_total{method="anonymous",result="ok"} 1`) {
		t.Errorf("metrics: %d, body lacks the login: %.300s", code, body)
	}
	if code, body := get(t, base+"/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("pprof index: %d", code)
	}
	if code, body := get(t, base+"/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Errorf("pprof goroutine: %d %.100q", code, body)
	}
	if code, _ := get(t, base+"/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d, want 404", code)
	}
	ready.Store(false)
	if code, _ := get(t, base+"/healthz"); code != http.StatusServiceUnavailable {
		t.Errorf("healthz draining: %d, want 503", code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after Shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after Shutdown")
	}
}
