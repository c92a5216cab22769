package loop

import "testing"

func TestWorthTrimming(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name                string
		live, objects, free uint64
		want                bool
	}{
		{"after a burst of handshakes", 75 * mb, 81 * mb, 39 * mb, true},
		{"just collected", 75 * mb, 76 * mb, 2 * mb, false},
		{"small heap, all slack", 1 * mb, 2 * mb, 2 * mb, false},
		{"small heap, more than the slack", 1 * mb, 3 * mb, 3 * mb, true},
	} {
		if got := worthTrimming(tc.live, tc.objects, tc.free); got != tc.want {
			t.Errorf("%s: worthTrimming = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestTrimAfterCloses: once sessions have closed and a quiet period has
// passed, the ticker starts a trim even though the heap's figures (the
// last collection's, from before the closes) do not show the garbage;
// with nothing opened or closed since, it does not look again.
func TestTrimAfterCloses(t *testing.T) {
	addr, _ := startServer(t, Config{MemoryTrimQuiet: 50e6})
	srv := serverAt(t, addr)
	c := dial(t, addr)
	c.cmd(221, "QUIT")
	expectClosed(t, c, 5e9)
	if !eventually(5e9, func() bool { return srv.lastClose.Load() != 0 }) {
		t.Fatal("the close was not recorded")
	}
	// Past the quiet period and any earlier trim's period.
	now := srv.lastClose.Load() + int64(trimEvery) + 1e9
	srv.lastTrim.Store(0)
	srv.maybeTrim(now)
	if got := srv.lastTrim.Load(); got != now {
		t.Fatalf("no trim after sessions closed: lastTrim %d, want %d", got, now)
	}
	if !eventually(10e9, func() bool { return !srv.trimming.Load() }) {
		t.Fatal("the trim did not finish")
	}
	srv.maybeTrim(now + 2*int64(trimEvery))
	if got := srv.lastTrim.Load(); got != now {
		t.Errorf("a second trim with nothing opened or closed since: lastTrim %d", got)
	}
}
