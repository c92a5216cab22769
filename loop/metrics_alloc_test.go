//go:build !race

package loop

import (
	"testing"

	"github.com/ftpsd/ftpsd/internal/metrics"
)

// TestNOOPWithMetricsAllocatesNothing: counting a command (its verb's row
// and reply class, resolved at start-up) keeps the NOOP path at zero
// allocations, and the count does move.
func TestNOOPWithMetricsAllocatesNothing(t *testing.T) {
	m := metrics.New()
	m.Commands(verbs())
	s, fc := noopSession(Config{Metrics: m})
	s.meterOpen(false)
	const runs = 1000
	if allocs := noopAllocs(t, s, fc, runs); allocs != 0 {
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
