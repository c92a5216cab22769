package metrics

import (
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestNilCountsNothing: a server without -admin calls every method on a
// nil *Metrics; none may panic.
func TestNilCountsNothing(t *testing.T) {
	var m *Metrics
	m.Commands([]string{"NOOP"})
	m.SessionOpened(Explicit)
	m.SessionTLS(Explicit, Plain, Secure)
	m.SessionClosed(Explicit, Secure)
	m.Login(LoginOK, Password)
	m.Command(0, 200)
	var moved atomic.Int64
	m.TransferStarted(Out, TLS, &moved)
	m.Transfer(Out, TLS, TransferComplete, &moved, time.Second)
	m.HandshakeEnded(Data, HandshakeOK, tls.VersionTLS13)
	m.Resumed(ResumeAccepted)
	m.JobRejected()
	m.WatchPool(func() (int, int, int) { return 1, 2, 3 })
	m.WatchBans(func() int { return 1 })
	m.WatchLogDrops(func() uint64 { return 1 })
	if m.PassiveRange(1, 2) != nil {
		t.Error("PassiveRange on nil returned a counter")
	}
}

// TestLintAndExposition: every collector follows Prometheus's naming rules
// (promlint, as promtool check metrics runs it) and the handler serves them.
func TestLintAndExposition(t *testing.T) {
	m := New()
	m.Commands([]string{"NOOP", "RETR"})
	m.PassiveRange(50000, 50100)
	m.PassiveRange(0, 0)
	m.WatchPool(func() (int, int, int) { return 2, 0, 9 })
	m.WatchBans(func() int { return 4 })
	m.WatchLogDrops(func() uint64 { return 5 })
	m.Command(0, 200)
	m.Command(1, 426)
	m.Command(1, 99)  // no class: not counted
	m.Command(7, 200) // no such row: not counted
	problems, err := testutil.GatherAndLint(m.Registry())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		if strings.HasPrefix(p.Metric, namespace+"_") {
			t.Errorf("lint: %s: %s", p.Metric, p.Text)
		}
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`ftpsd_commands_total{class="2xx",verb="NOOP"} 1`,
		`ftpsd_commands_total{class="4xx",verb="RETR"} 1`,
		`ftpsd_commands_total{class="2xx",verb="other"} 0`,
		`ftpsd_passive_ports_in_use{range="50000-50100"} 0`,
		`ftpsd_passive_ports_in_use{range="any"} 0`,
		`ftpsd_worker_jobs_running 2`,
		`ftpsd_worker_pool_capacity 9`,
		`ftpsd_bans_active 4`,
		`ftpsd_log_lines_dropped_total 5`,
		`go_goroutines `,
		`process_open_fds `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if strings.Contains(body, `class="1xx",verb="RETR"} 1`) {
		t.Error("a code below 100 was counted")
	}
}

// TestHandshakeVersions: a handshake is counted under its version, a
// failed one under "unknown" whatever version it is given.
func TestHandshakeVersions(t *testing.T) {
	m := New()
	m.HandshakeEnded(Control, HandshakeOK, tls.VersionTLS12)
	m.HandshakeEnded(Control, HandshakeOK, tls.VersionTLS13)
	m.HandshakeEnded(Control, HandshakeOK, tls.VersionTLS13)
	m.HandshakeEnded(Data, HandshakeFailed, tls.VersionTLS13)
	for _, c := range []struct {
		channel, result, version string
		want                     float64
	}{
		{"control", "ok", "1.2", 1},
		{"control", "ok", "1.3", 2},
		{"data", "failed", "unknown", 1},
		{"data", "ok", "1.3", 0},
	} {
		got := testutil.ToFloat64(m.handshakes[channelIndex(c.channel)][resultIndex(c.result)][versionOf(c.version)])
		if got != c.want {
			t.Errorf("%s %s %s = %v, want %v", c.channel, c.result, c.version, got, c.want)
		}
	}
}

func channelIndex(s string) int {
	for i, n := range channelNames {
		if n == s {
			return i
		}
	}
	return -1
}

func resultIndex(s string) int {
	for i, n := range handshakeResultNames {
		if n == s {
			return i
		}
	}
	return -1
}

func versionOf(s string) int {
	for i, n := range versionNames {
		if n == s {
			return i
		}
	}
	return -1
}
