package setup

import (
	"testing"

	"github.com/ftpsd/ftpsd/loop"
)

// TestHashLimitsMapping: FTPHashMaxSize and FTPHashCache reach
// loop.Limits (FTPHashCache 0 as NoLimit, no cache), and the flags win.
func TestHashLimitsMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	tests := []struct {
		name         string
		text         string
		flags        Flags
		maxBytes     int64
		cacheEntries int
	}{
		{"directives", fcVHost("FTPHashMaxSize 2G\nFTPHashCache 10"), Flags{}, 2 << 30, 10},
		{"no cache", fcVHost("FTPHashCache 0"), Flags{}, 0, loop.NoLimit},
		{"flags win", fcVHost("FTPHashMaxSize 2G\nFTPHashCache 10"), Flags{HashMaxSize: Given(int64(5)), HashCache: Given(7)}, 5, 7},
		{"unset", fcVHost(""), Flags{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors: %q", m.errs)
			}
			if l := m.cfg.Limits; l.HashMaxBytes != tt.maxBytes || l.HashCacheEntries != tt.cacheEntries {
				t.Errorf("HashMaxBytes %d HashCacheEntries %d, want %d and %d", l.HashMaxBytes, l.HashCacheEntries,
					tt.maxBytes, tt.cacheEntries)
			}
			if w := m.warnings(); len(w) > 0 {
				t.Errorf("warnings %q, want none", w)
			}
		})
	}
}
