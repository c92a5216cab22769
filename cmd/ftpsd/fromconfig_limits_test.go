package main

import (
	"io"
	"strings"
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
		flags []string
		want  loop.Limits
	}{
		{"directives", all, nil, loop.Limits{MaxSessions: 100, MaxSessionsPerIP: 4, MaxSessionsPerUser: 2,
			MaxLoginAttempts: 5, BanAfter: 10, BanWindow: 10 * time.Minute, BanDuration: time.Hour,
			SessionRate: 512 << 10, ServerRate: 10 << 20, MaxQueuedOutput: 1 << 20}},
		{"flags win", all, []string{"-max-sessions", "7", "-max-per-ip", "0", "-max-login-attempts", "0",
			"-rate-session", "1M", "-ban-after", "0", "-ban-time", "5m"},
			loop.Limits{MaxSessions: 7, MaxSessionsPerUser: 2, MaxLoginAttempts: -1, BanWindow: 10 * time.Minute,
				BanDuration: 5 * time.Minute, SessionRate: 1 << 20, ServerRate: 10 << 20, MaxQueuedOutput: 1 << 20}},
		{"unset: the flags' defaults", fcVHost(""), nil, loop.Limits{MaxLoginAttempts: 3, BanWindow: 10 * time.Minute,
			BanDuration: time.Hour, MaxQueuedOutput: 1 << 20}},
		{"buffer caps", "FTPMaxQueuedOutput 256K\nFTPMaxPendingInput 16K\n" + fcVHost(""), nil, loop.Limits{MaxLoginAttempts: 3,
			BanWindow: 10 * time.Minute, BanDuration: time.Hour, MaxQueuedOutput: 256 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags...)
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

func TestLimitFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-rate-session", "5X"}, "-rate-session: 5X is not a rate"},
		{[]string{"-rate-server", "-1"}, "-rate-server: -1 is not a rate"},
		{[]string{"-max-sessions", "-1"}, "-max-sessions: -1 is negative"},
		{[]string{"-ban-window", "0s"}, "-ban-window and -ban-time must be positive"},
		{[]string{"-max-pending-input", "1023"}, "-max-pending-input: 1023 is not a size from 1K to 1G"},
		{[]string{"-max-pending-input", "1025M"}, "-max-pending-input: 1025M is not a size from 1K to 1G"},
		{[]string{"-max-queued-output", "2G"}, "-max-queued-output: 2G is not a size from 1K to 1G"},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
	o, err := parseFlags([]string{"-max-per-user", "3", "-rate-server", "2g", "-max-pending-input", "1K", "-max-queued-output", "1G"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if l := o.limits(); l.MaxSessionsPerUser != 3 || l.ServerRate != 2<<30 || l.MaxLoginAttempts != 3 || l.MaxQueuedOutput != 1<<30 {
		t.Errorf("limits %+v", l)
	}
	if o.maxPendingInput != 1<<10 {
		t.Errorf("-max-pending-input 1K: %d", o.maxPendingInput)
	}
}
