//go:build !race

package loop

import (
	"testing"

	"github.com/panjf2000/gnet/v2"

	"github.com/ftpsd/ftpsd/internal/metrics"
)

// TestNOOPWithMetricsAllocatesNothing: counting a command (its verb's row
// and reply class, resolved at start-up) keeps the NOOP path at zero
// allocations, and the count does move.
func TestNOOPWithMetricsAllocatesNothing(t *testing.T) {
	m := metrics.New()
	m.Commands(verbs())
	srv := &Server{cfg: Config{Metrics: m}}
	fc := &fakeConn{out: make([]byte, 0, 64)}
	s := newSession(srv, fc, 1, addrPortOf(nil), addrPortOf(nil), []*vhost{{Host: &Host{}}})
	s.meterOpen(false)
	line := []byte("NOOP\r\n")
	buf := make([]byte, len(line))
	const runs = 1000
	allocs := testing.AllocsPerRun(runs, func() {
		fc.in = append(buf[:0], line...)
		if a := s.traffic(); a != gnet.None {
			t.Fatalf("action %v", a)
		}
	})
	if string(fc.out) != "200 NOOP ok.\r\n" {
		t.Fatalf("reply %q", fc.out)
	}
	if allocs != 0 {
		t.Errorf("NOOP path with metrics allocates %.1f times, want 0", allocs)
	}
	// AllocsPerRun runs the function once more to warm up.
	if got, _ := metricValue(t, m, "ftpsd_commands_total", l("verb", "NOOP", "class", "2xx")); got != runs+1 {
		t.Errorf("NOOP counted %v times, want %d", got, runs+1)
	}
	if got, _ := metricValue(t, m, "ftpsd_sessions_open", l("listener", "explicit", "tls", "plain")); got != 1 {
		t.Errorf("sessions_open = %v, want 1", got)
	}
}
