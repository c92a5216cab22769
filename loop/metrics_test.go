package loop

import (
	"bytes"
	"crypto/tls"
	"io"
	"strconv"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/ftpsd/ftpsd/internal/metrics"
)

// metricValue returns the value of the series name{labels} in m's
// registry, and whether it exists; a histogram's value is its count.
func metricValue(t *testing.T, m *metrics.Metrics, name string, labels map[string]string) (float64, bool) {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			if matches(s.GetLabel(), labels) {
				switch {
				case s.Counter != nil:
					return s.Counter.GetValue(), true
				case s.Gauge != nil:
					return s.Gauge.GetValue(), true
				case s.Histogram != nil:
					return float64(s.Histogram.GetSampleCount()), true
				}
			}
		}
	}
	return 0, false
}

func matches(pairs []*dto.LabelPair, want map[string]string) bool {
	if len(pairs) != len(want) {
		return false
	}
	for _, p := range pairs {
		if want[p.GetName()] != p.GetValue() {
			return false
		}
	}
	return true
}

// metricCase is one series and the value it must hold.
type metricCase struct {
	name   string
	labels map[string]string
	want   float64
}

// checkMetrics asserts every case, waiting (bounded) for the values that
// move after the client saw its reply: a closed session is uncounted in
// OnClose, which runs after the client's read.
func checkMetrics(t *testing.T, m *metrics.Metrics, cases []metricCase) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, c := range cases {
		for {
			got, ok := metricValue(t, m, c.name, c.labels)
			if ok && got == c.want {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s%v = %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func l(kv ...string) map[string]string {
	out := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// TestMetricsPlainSession drives a clear-text session through a real
// server and checks that every count it should move moved, by as much.
func TestMetricsPlainSession(t *testing.T) {
	m := metrics.New()
	addr, root := startServer(t, Config{Metrics: m, Workers: 7})
	want := randomFile(t, root, "blob", 300<<10)

	cl := dial(t, addr)
	checkMetrics(t, m, []metricCase{
		{"ftpsd_sessions_open", l("listener", "explicit", "tls", "plain"), 1},
		{"ftpsd_worker_pool_capacity", nil, 7},
		{"ftpsd_passive_ports_in_use", l("range", "any"), 0},
	})
	cl.cmd(331, "USER alice")
	cl.cmd(530, "PASS wrong")
	cl.login("alice", "secret")
	cl.cmd(200, "NOOP")
	cl.cmd(200, "NOOP")
	cl.cmd(500, "XYZZY")
	cl.cmd(200, "TYPE I")

	d := cl.epsv()
	checkMetrics(t, m, []metricCase{{"ftpsd_passive_ports_in_use", l("range", "any"), 1}})
	cl.cmd(150, "RETR blob")
	got, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	cl.expect(226)
	if !bytes.Equal(got, want) {
		t.Fatalf("RETR got %d bytes, want %d", len(got), len(want))
	}
	d = cl.epsv()
	cl.cmd(150, "STOR up")
	if _, err := d.Write(want[:1000]); err != nil {
		t.Fatal(err)
	}
	d.Close()
	cl.expect(226)
	cl.cmd(550, "SIZE missing")
	cl.cmd(221, "QUIT")

	checkMetrics(t, m, []metricCase{
		{"ftpsd_sessions_open", l("listener", "explicit", "tls", "plain"), 0},
		{"ftpsd_logins_total", l("result", "ok", "method", "password"), 1},
		{"ftpsd_logins_total", l("result", "failed", "method", "password"), 1},
		{"ftpsd_logins_total", l("result", "ok", "method", "anonymous"), 0},
		{"ftpsd_commands_total", l("verb", "NOOP", "class", "2xx"), 2},
		{"ftpsd_commands_total", l("verb", "USER", "class", "3xx"), 2},
		{"ftpsd_commands_total", l("verb", "PASS", "class", "5xx"), 1},
		{"ftpsd_commands_total", l("verb", "PASS", "class", "2xx"), 1},
		{"ftpsd_commands_total", l("verb", "other", "class", "5xx"), 1},
		{"ftpsd_commands_total", l("verb", "RETR", "class", "2xx"), 1},
		{"ftpsd_commands_total", l("verb", "STOR", "class", "2xx"), 1},
		{"ftpsd_commands_total", l("verb", "SIZE", "class", "5xx"), 1},
		{"ftpsd_commands_total", l("verb", "EPSV", "class", "2xx"), 2},
		{"ftpsd_commands_total", l("verb", "QUIT", "class", "2xx"), 1},
		{"ftpsd_transfers_total", l("direction", "out", "protection", "clear", "result", "complete"), 1},
		{"ftpsd_transfers_total", l("direction", "in", "protection", "clear", "result", "complete"), 1},
		{"ftpsd_transfer_bytes_total", l("direction", "out", "protection", "clear"), float64(len(want))},
		{"ftpsd_transfer_bytes_total", l("direction", "in", "protection", "clear"), 1000},
		{"ftpsd_transfer_duration_seconds", l("direction", "out"), 1},
		{"ftpsd_passive_ports_in_use", l("range", "any"), 0},
		{"ftpsd_worker_jobs_running", nil, 0},
		{"ftpsd_worker_jobs_queued", nil, 0},
	})
}

// TestMetricsTLSSession: AUTH TLS moves the session to the tls series, and
// a PROT P download counts its handshake, its resumption and its bytes as
// protected.
func TestMetricsTLSSession(t *testing.T) {
	for _, version := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		t.Run(tls.VersionName(version), func(t *testing.T) {
			m := metrics.New()
			addr, root := startServer(t, Config{Metrics: m, Host: Host{TLS: tlsConfig(t)}})
			want := randomFile(t, root, "blob", 100<<10)
			v := map[uint16]string{tls.VersionTLS12: "1.2", tls.VersionTLS13: "1.3"}[version]

			cfg := clientTLS(version)
			c := dialTLS(t, addr, cfg)
			c.auth()
			checkMetrics(t, m, []metricCase{
				{"ftpsd_sessions_open", l("listener", "explicit", "tls", "tls"), 1},
				{"ftpsd_sessions_open", l("listener", "explicit", "tls", "plain"), 0},
				{"ftpsd_sessions_open", l("listener", "explicit", "tls", "handshake"), 0},
				{"ftpsd_tls_handshakes_total", l("channel", "control", "result", "ok", "version", v), 1},
			})
			c.protP()
			c.login("alice", "secret")
			if got := c.retrP("blob", cfg); got != string(want) {
				t.Fatalf("RETR got %d bytes, want %d", len(got), len(want))
			}
			c.cmd(221, "QUIT")
			checkMetrics(t, m, []metricCase{
				{"ftpsd_sessions_open", l("listener", "explicit", "tls", "tls"), 0},
				{"ftpsd_tls_handshakes_total", l("channel", "data", "result", "ok", "version", v), 1},
				{"ftpsd_data_tls_resumption_total", l("result", "accepted"), 1},
				{"ftpsd_data_tls_resumption_total", l("result", "refused"), 0},
				{"ftpsd_transfers_total", l("direction", "out", "protection", "tls", "result", "complete"), 1},
				{"ftpsd_transfer_bytes_total", l("direction", "out", "protection", "tls"), float64(len(want))},
				{"ftpsd_transfer_bytes_total", l("direction", "out", "protection", "clear"), 0},
				{"ftpsd_commands_total", l("verb", "AUTH", "class", "2xx"), 1},
			})
		})
	}
}

// TestMetricsResumptionRefusedAndFailedHandshake: a PROT P data connection
// with a fresh TLS session is refused (522) and counted so; a control
// handshake that fails counts as failed.
func TestMetricsResumptionRefusedAndFailedHandshake(t *testing.T) {
	m := metrics.New()
	addr, root := startServer(t, Config{Metrics: m, Host: Host{TLS: tlsConfig(t)}})
	randomFile(t, root, "blob", 10<<10)

	cfg := clientTLS(tls.VersionTLS13)
	c := dialTLS(t, addr, cfg)
	c.auth()
	c.protP()
	c.login("alice", "secret")
	d := c.data()
	c.cmd(150, "RETR blob")
	fresh := clientTLS(tls.VersionTLS13) // its own, empty session cache
	tc := secureData(t, d, fresh)
	_, _ = io.Copy(io.Discard, tc)
	c.expect(522)

	bad := dial(t, addr)
	bad.cmd(234, "AUTH TLS")
	if _, err := bad.c.Write([]byte("\x16\x03\x01\x00\x05hello")); err != nil {
		t.Fatal(err)
	}
	checkMetrics(t, m, []metricCase{
		{"ftpsd_data_tls_resumption_total", l("result", "refused"), 1},
		{"ftpsd_transfers_total", l("direction", "out", "protection", "tls", "result", "failed"), 1},
		{"ftpsd_commands_total", l("verb", "RETR", "class", "5xx"), 1},
		{"ftpsd_tls_handshakes_total", l("channel", "control", "result", "failed", "version", "unknown"), 1},
		{"ftpsd_sessions_open", l("listener", "explicit", "tls", "handshake"), 0},
	})
}

// TestMetricsBansAndRefusedLogins: with a ban after one failure, the
// address shows in bans_active; a login over MaxSessionsPerUser is
// counted as refused.
func TestMetricsBansAndRefusedLogins(t *testing.T) {
	m := metrics.New()
	addr, _ := startServer(t, Config{Metrics: m, Limits: Limits{MaxSessionsPerUser: 1,
		BanAfter: 1, BanWindow: time.Minute, BanDuration: time.Minute, MaxLoginAttempts: -1}})
	checkMetrics(t, m, []metricCase{{"ftpsd_bans_active", nil, 0}})
	anon := dial(t, addr)
	anon.login("anonymous", "me@example.org")
	first := dial(t, addr)
	first.login("alice", "secret")
	second := dial(t, addr)
	second.cmd(331, "USER alice")
	second.cmd(421, "PASS secret")
	checkMetrics(t, m, []metricCase{
		{"ftpsd_logins_total", l("result", "refused", "method", "password"), 1},
		{"ftpsd_logins_total", l("result", "ok", "method", "password"), 1},
		{"ftpsd_logins_total", l("result", "ok", "method", "anonymous"), 1},
	})
	cl := dial(t, addr)
	cl.cmd(331, "USER bob")
	cl.cmd(530, "PASS wrong")
	checkMetrics(t, m, []metricCase{
		{"ftpsd_bans_active", nil, 1},
		{"ftpsd_logins_total", l("result", "failed", "method", "password"), 1},
	})
}

// TestMetricsImplicitAndPassiveRange: an implicit-TLS session counts under
// the implicit listener (handshake, then tls), and a passive listener of a
// configured range under that range's gauge.
func TestMetricsImplicitAndPassiveRange(t *testing.T) {
	m := metrics.New()
	// 20000-29999 lies below the ephemeral ports (TestActiveRange), so no
	// outgoing connection of another test holds one of these.
	lo := uint16(20000 + time.Now().UnixNano()%9000)
	bound, _ := startListeners(t, Config{Metrics: m, Host: Host{TLS: tlsConfig(t), PasvMin: lo, PasvMax: lo + 50},
		Listeners: []Listener{{Addr: "127.0.0.1:0", Implicit: true}}})
	rng := strconv.Itoa(int(lo)) + "-" + strconv.Itoa(int(lo+50))
	c := dialImplicit(t, bound[0].Addr.String(), clientTLS(tls.VersionTLS13))
	c.expect(220)
	c.login("alice", "secret")
	c.cmd(229, "EPSV")
	checkMetrics(t, m, []metricCase{
		{"ftpsd_sessions_open", l("listener", "implicit", "tls", "tls"), 1},
		{"ftpsd_sessions_open", l("listener", "explicit", "tls", "plain"), 0},
		{"ftpsd_tls_handshakes_total", l("channel", "control", "result", "ok", "version", "1.3"), 1},
		{"ftpsd_passive_ports_in_use", l("range", rng), 1},
	})
	c.cmd(225, "ABOR") // closes the passive listener
	checkMetrics(t, m, []metricCase{{"ftpsd_passive_ports_in_use", l("range", rng), 0}})
	c.c.Close()
	checkMetrics(t, m, []metricCase{{"ftpsd_sessions_open", l("listener", "implicit", "tls", "tls"), 0}})
}
