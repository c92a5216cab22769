package e2e

import (
	"strings"
	"testing"
)

// TestFaultsCounted: every injected fault shows in the admin listener's
// metrics by kind, as it does in the log.
func TestFaultsCounted(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: append([]string{"-admin", "127.0.0.1:0", "-fault-reply", "SIZE=450", "-fault-seed", "5"}, synthArgs...)})
	admin := adminAddr(t, s)
	c := s.dial(t)
	c.must("USER anonymous", 331)
	c.must("PASS ftp@example.com", 230)
	c.must("SIZE /synthetic/1K.bin", 450)
	c.must("SIZE /synthetic/1K.bin", 450)
	code, body := httpGet(t, "http://"+admin+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`ftpsd_faults_injected_total{kind="reply"} 2`, `ftpsd_faults_injected_total{kind="reset"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
