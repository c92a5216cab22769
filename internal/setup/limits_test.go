package setup

import (
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/loop"
)

// TestLimitsMapping: FTPLimitLogin*, FTPMaxLoginAttempts and the ftpsd
// extensions FTPRateLimit* and FTPLoginBan reach loop.Limits, flags given
// win over them, and none is warned about.
func TestLimitsMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	all := fcVHost(`FTPLimitLoginServer 100
FTPLimitLoginIP 4
FTPLimitLoginUser 2
FTPMaxLoginAttempts 5
FTPRateLimitSession 512K
FTPRateLimitServer 10M
FTPLoginBan 10 600 3600`)
	tests := []struct {
		name  string
		text  string
		flags Flags
		want  loop.Limits
	}{
		{"directives", all, Flags{}, loop.Limits{MaxSessions: 100, MaxSessionsPerIP: 4, MaxSessionsPerUser: 2,
			MaxLoginAttempts: 5, BanAfter: 10, BanWindow: 10 * time.Minute, BanDuration: time.Hour,
			SessionRate: 512 << 10, ServerRate: 10 << 20, MaxQueuedOutput: 1 << 20}},
		{"flags win", all, Flags{MaxSessions: Given(7), MaxPerIP: Given(0), MaxLoginAttempts: Given(loop.NoLimit),
			RateSession: Given(int64(1 << 20)), BanAfter: Given(0), BanTime: Given(5 * time.Minute)},
			loop.Limits{MaxSessions: 7, MaxSessionsPerUser: 2, MaxLoginAttempts: -1, BanWindow: 10 * time.Minute,
				BanDuration: 5 * time.Minute, SessionRate: 1 << 20, ServerRate: 10 << 20, MaxQueuedOutput: 1 << 20}},
		{"unset: the flags' defaults", fcVHost(""), Flags{}, loop.Limits{MaxLoginAttempts: 3, BanAfter: 10, BanWindow: 10 * time.Minute,
			BanDuration: time.Hour, MaxQueuedOutput: 1 << 20}},
		{"buffer caps", "FTPMaxQueuedOutput 256K\nFTPMaxPendingInput 16K\n" + fcVHost(""), Flags{}, loop.Limits{MaxLoginAttempts: 3,
			BanAfter: 10, BanWindow: 10 * time.Minute, BanDuration: time.Hour, MaxQueuedOutput: 256 << 10}},
		{"FTPLoginBan 0: no ban", "FTPLoginBan 0 600 3600\n" + fcVHost(""), Flags{}, loop.Limits{MaxLoginAttempts: 3,
			BanWindow: 10 * time.Minute, BanDuration: time.Hour, MaxQueuedOutput: 1 << 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors: %q", m.errs)
			}
			if m.cfg.Limits != tt.want {
				t.Errorf("Limits\n got %+v\nwant %+v", m.cfg.Limits, tt.want)
			}
			if w := m.warnings(); len(w) > 0 {
				t.Errorf("warnings %q, want none: every limit here is acted on", w)
			}
		})
	}
}
