package setup

import (
	"testing"

	"github.com/ftpsd/ftpsd/loop"
)

// TestTLSReuseMapping: FTPTLSSessionReuse and -tls-reuse reach every host
// as a loop.ReusePolicy; nothing given means user, and required, the word
// of earlier versions, still means session.
func TestTLSReuseMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	vhost := fcVHost("") + "<VirtualHost _default_:21>\nFTP On\nServerName b.example\nDocumentRoot root\n</VirtualHost>\n"
	tests := []struct {
		name      string
		directive string
		flags     Flags
		want      loop.ReusePolicy
	}{
		{"default", "", Flags{}, loop.ReuseUser},
		{"user", "FTPTLSSessionReuse user\n", Flags{}, loop.ReuseUser},
		{"session", "FTPTLSSessionReuse session\n", Flags{}, loop.ReuseSession},
		{"required means session", "FTPTLSSessionReuse required\n", Flags{}, loop.ReuseSession},
		{"optional", "FTPTLSSessionReuse optional\n", Flags{}, loop.ReuseOptional},
		{"flag over directive", "FTPTLSSessionReuse optional\n", Flags{TLSReuse: Given(ReuseSession)}, loop.ReuseSession},
		{"flag required", "", Flags{TLSReuse: Given(ReuseRequired)}, loop.ReuseSession},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			m := fcMap(t, dir, c.directive+vhost, c.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors %q", m.errs)
			}
			if m.cfg.TLSReuse != c.want || m.cfg.AllowDataWithoutReuse {
				t.Errorf("default host: policy %v, AllowDataWithoutReuse %v; want %v", m.cfg.TLSReuse, m.cfg.AllowDataWithoutReuse, c.want)
			}
			if len(m.file.vhosts) != 1 {
				t.Fatalf("%d virtual hosts, want 1", len(m.file.vhosts))
			}
			// The second host's settings start from the process-wide ones.
			if got, err := loop.ParseReusePolicy(m.file.vhosts[0].s.tlsReuse); err != nil || got != c.want {
				t.Errorf("virtual host: policy %v (%v), want %v", got, err, c.want)
			}
		})
	}
}
