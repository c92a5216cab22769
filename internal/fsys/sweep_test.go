package fsys

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSweepTemps: stale temporaries anywhere under the root go; fresh ones,
// look-alikes that are not ours, ordinary files and whatever a symbolic
// link points to outside the root stay.
func TestSweepTemps(t *testing.T) {
	root, outside := t.TempDir(), t.TempDir()
	old := time.Now().Add(-2 * time.Hour)
	write := func(dir, name string, mtime time.Time) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := []string{
		write(root, ".ftpsd-0123456789abcdef.part", old),
		write(root, "a/b/.ftpsd-fedcba9876543210.part", old),
	}
	kept := []string{
		write(root, "a/.ftpsd-00000000000000ff.part", time.Now()), // a live upload
		write(root, "a/b/file.part", old),
		write(root, "notes.txt", old),
		write(outside, ".ftpsd-1111111111111111.part", old), // reached only through the link
	}
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}

	st, err := SweepTemps(context.Background(), root, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if st.Removed != 2 || st.Kept != 1 || st.Errors != 0 {
		t.Errorf("stats %+v, want 2 removed, 1 kept, 0 errors", st)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s: %v, want removed", p, err)
		}
	}
	for _, p := range kept {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v, want kept", p, err)
		}
	}
}

// TestSweepTempsStops: a cancelled context ends the walk with its error.
func TestSweepTempsStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SweepTemps(ctx, t.TempDir(), time.Now()); err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}
