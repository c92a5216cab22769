package setup

import (
	"context"
	"log/slog"
	"time"

	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/loop"
)

// tempCutoff is how old an upload temporary must be before the start-up
// sweep takes it for a crash's leftover: twice the data idle timeout, the
// longest a live upload goes without writing (and so refreshing its
// modification time) before the server aborts it itself.
func tempCutoff(cfg *loop.Config, now time.Time) time.Time {
	idle := cfg.DataIdleTimeout
	if idle <= 0 {
		idle = loop.DefaultDataIdleTimeout
	}
	return now.Add(-2 * idle)
}

// roots lists each distinct document root of the server and its virtual
// hosts once.
func roots(cfg *loop.Config) []string {
	seen := map[string]bool{}
	var out []string
	add := func(h *loop.Host) {
		r := h.Root
		if r == "" {
			r = "."
		}
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	add(&cfg.Host)
	for _, h := range cfg.VirtualHosts {
		add(h)
	}
	return out
}

// SweepTemps removes the upload temporaries a crash left under every
// document root (fsys.SweepTemps says which), logging what it found. It
// reads whole trees: run it on a goroutine of its own after the listeners
// are up, never on the loop; it stops when ctx is done.
func (s *Server) SweepTemps(ctx context.Context, log *slog.Logger) {
	cutoff := tempCutoff(&s.Config, time.Now())
	for _, root := range roots(&s.Config) {
		start := time.Now()
		st, err := fsys.SweepTemps(ctx, root, cutoff)
		switch {
		case err != nil && ctx.Err() != nil:
			return
		case err != nil:
			log.Warn("upload temporaries: sweep failed", "root", root, "err", err)
		case st.Removed > 0 || st.Errors > 0:
			log.Info("upload temporaries left by a crash removed", "root", root,
				"removed", st.Removed, "kept", st.Kept, "errors", st.Errors,
				"dirs", st.Dirs, "took", time.Since(start).Round(time.Millisecond))
		}
	}
}
