package setup

import (
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/loop"
)

// TestFirstFlightMapping: FTPTLSMaxHandshakesPerIP (0: no per-address cap)
// and FTPTLSFirstFlightTimeout reach loop.Config, flags override them, and
// without either the defaults apply.
func TestFirstFlightMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	for _, tt := range []struct {
		name    string
		text    string
		flags   Flags
		perIP   int
		timeout time.Duration
	}{
		{"directives; 0 is no per-address cap", "FTPTLSMaxHandshakesPerIP 0\nFTPTLSFirstFlightTimeout 1500ms\n" + fcVHost(""),
			Flags{}, loop.NoLimit, 1500 * time.Millisecond},
		{"flags over directives", "FTPTLSMaxHandshakesPerIP 4\nFTPTLSFirstFlightTimeout 5\n" + fcVHost(""),
			Flags{MaxHandshakesPerIP: Given(2), FirstFlightTimeout: Given(time.Second)}, 2, time.Second},
		{"directives in seconds", "FTPTLSMaxHandshakesPerIP 4\nFTPTLSFirstFlightTimeout 5\n" + fcVHost(""),
			Flags{}, 4, 5 * time.Second},
		{"defaults", fcVHost(""), Flags{}, loop.DefaultMaxHandshakesPerIP, loop.DefaultFirstFlightTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors:\n%s", strings.Join(m.errs, "\n"))
			}
			if c := m.cfg; c.MaxHandshakesPerIP != tt.perIP || c.FirstFlightTimeout != tt.timeout {
				t.Errorf("per-IP %d, first flight %v; want %d, %v", c.MaxHandshakesPerIP, c.FirstFlightTimeout, tt.perIP, tt.timeout)
			}
		})
	}
}
