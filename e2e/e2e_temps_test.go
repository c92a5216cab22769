package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCrashTempsSwept: upload temporaries a crash left behind are removed
// when the server starts; one still fresh (another instance's live upload
// on a shared root) stays, and so does everything else.
func TestCrashTempsSwept(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": helloText, "sub/keep.txt": "x"})
	stale := filepath.Join(root, "sub", ".ftpsd-0123456789abcdef.part")
	fresh := filepath.Join(root, ".ftpsd-fedcba9876543210.part")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("half an upload"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	// -data-timeout 10s: temporaries untouched for 20 s are leftovers.
	s := startServer(t, serverConfig{root: root})
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(stale); os.IsNotExist(err) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stale temporary still there after 10 s\n%s", s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range []string{fresh, filepath.Join(root, "hello.txt"), filepath.Join(root, "sub", "keep.txt")} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v, want kept", p, err)
		}
	}
	deadline = time.Now().Add(5 * time.Second)
	for !strings.Contains(s.log.String(), "removed=1 kept=1") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the sweep:\n%s", s.log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
