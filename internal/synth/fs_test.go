package synth

import (
	"errors"
	"io/fs"
	"testing"
)

func newFS(t *testing.T, o Options) *FS {
	t.Helper()
	f, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestNewRejectsBadMounts(t *testing.T) {
	for _, o := range []Options{
		{Mount: "/"}, {Mount: "synthetic"}, {Mount: "/a/../b"}, {Sink: "/sink/"},
		{Mount: "/a", Sink: "/a/b"}, {Mount: "/a/b", Sink: "/a"}, {Mount: "/a", Sink: "/a"},
	} {
		if _, err := New(o); !errors.Is(err, ErrBadMount) {
			t.Errorf("New(%+v): %v, want ErrBadMount", o, err)
		}
	}
	if _, err := New(Options{Mount: "/s", Tree: MaxTree + 1}); err == nil {
		t.Error("a tree above MaxTree was accepted")
	}
	if _, err := New(Options{Mount: "/a", Sink: "/ab"}); err != nil {
		t.Errorf("/a and /ab do not overlap: %v", err)
	}
}

func TestLookup(t *testing.T) {
	f := newFS(t, Options{Mount: "/synthetic", Sink: "/sink", Max: 1 << 30, Tree: 10})
	for _, c := range []struct {
		path string
		kind NodeKind
		name string
		size int64
	}{
		{"/", NotMine, "", 0},
		{"/synthetics", NotMine, "", 0},
		{"/pub/1G.bin", NotMine, "", 0},
		{"/synthetic", Dir, "synthetic", 0},
		{"/synthetic/1G.bin", File, "1G.bin", 1 << 30},
		{"/synthetic/2G.bin", Missing, "", 0}, // above Max
		{"/synthetic/hello.txt", Missing, "", 0},
		{"/synthetic/sub/1K.bin", Missing, "", 0},
		{"/synthetic/tree", Dir, "tree", 0},
		{"/synthetic/tree/d000009", Dir, "d000009", 0},
		{"/synthetic/tree/d000010", Missing, "", 0}, // Tree is 10
		{"/synthetic/tree/d00001", Missing, "", 0},
		{"/synthetic/tree/d000003/f000001-4K.bin", File, "f000001-4K.bin", 4096},
		{"/synthetic/tree/d000003/f000001-1K.bin", Missing, "", 0}, // not file 1's size
		{"/synthetic/tree/d000003/f000010-16K.bin", Missing, "", 0},
		{"/synthetic/tree/d000003/f000002-16K.bin/x", Missing, "", 0},
		{"/sink", SinkDir, "sink", 0},
		{"/sink/1G.bin", SinkFile, "1G.bin", 1 << 30},
		{"/sink/4T.bin", SinkFile, "4T.bin", 4 << 40}, // checked beyond Max: Max bounds downloads
		{"/sink/notes.txt", SinkFile, "notes.txt", -1},
		{"/sink/a/1K.bin", Missing, "", 0},
	} {
		n := f.Lookup(c.path)
		if n.Kind != c.kind || (c.kind != Missing && c.kind != NotMine && (n.Name != c.name || n.Size != c.size)) {
			t.Errorf("Lookup(%q) = %+v, want kind %d %q %d", c.path, n, c.kind, c.name, c.size)
		}
	}
	var none *FS
	if n := none.Lookup("/synthetic"); n.Kind != NotMine {
		t.Errorf("nil FS owns %+v", n)
	}
}

func names(f *FS, path string) (out []string, sizes []int64, dirs int) {
	f.List(f.Lookup(path), func(fi fs.FileInfo) bool {
		out = append(out, fi.Name())
		sizes = append(sizes, fi.Size())
		if fi.IsDir() {
			dirs++
		}
		return true
	})
	return
}

func TestList(t *testing.T) {
	f := newFS(t, Options{Mount: "/synthetic", Max: 100 << 20, Tree: 1234})
	got, sizes, dirs := names(f, "/synthetic")
	want := []string{"100M.bin", "16M.bin", "1K.bin", "1M.bin", "64K.bin", "tree"}
	if len(got) != len(want) || dirs != 1 {
		t.Fatalf("mount lists %v (%d dirs), want %v", got, dirs, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d %q, want %q", i, got[i], want[i])
		}
		if n := f.Lookup("/synthetic/" + got[i]); (n.Kind == File) != (got[i] != "tree") || (n.Kind == File && n.Size != sizes[i]) {
			t.Errorf("listed %q (%d bytes) looks up as %+v", got[i], sizes[i], n)
		}
	}
	if e := f.Entries(f.Lookup("/synthetic")); e != len(want) {
		t.Errorf("Entries of the mount %d, want %d", e, len(want))
	}
	if e := f.Entries(f.Lookup("/synthetic/tree/d000001")); e != 1234 {
		t.Errorf("Entries of a tree directory %d, want 1234", e)
	}
	got, _, dirs = names(f, "/synthetic/tree")
	if len(got) != 1234 || dirs != 1234 || got[0] != "d000000" || got[1233] != "d001233" {
		t.Errorf("tree lists %d entries (%d dirs), first %q last %q", len(got), dirs, got[0], got[len(got)-1])
	}
	got, sizes, dirs = names(f, "/synthetic/tree/d000007")
	if len(got) != 1234 || dirs != 0 {
		t.Fatalf("tree dir lists %d entries, %d dirs", len(got), dirs)
	}
	for i, name := range got {
		n := f.Lookup("/synthetic/tree/d000007/" + name)
		if n.Kind != File || n.Size != sizes[i] {
			t.Fatalf("listed %q (%d bytes) looks up as %+v", name, sizes[i], n)
		}
		if i > 0 && got[i-1] >= name {
			t.Fatalf("not in name order: %q then %q", got[i-1], name)
		}
	}
	stop := 0
	f.List(f.Lookup("/synthetic/tree"), func(fs.FileInfo) bool { stop++; return stop < 3 })
	if stop != 3 {
		t.Errorf("List went on after yield returned false: %d calls", stop)
	}
}

func TestListAllocations(t *testing.T) {
	f := newFS(t, Options{Mount: "/s", Tree: 1000})
	n := f.Lookup("/s/tree/d000001")
	count := 0
	allocs := testing.AllocsPerRun(3, func() {
		f.List(n, func(fs.FileInfo) bool { count++; return true })
	})
	// Two strings per entry (its name), never the whole directory at once.
	if allocs > 3*1000 {
		t.Errorf("%v allocations for 1000 entries", allocs)
	}
}
