package xfer

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// listRoot builds a document root with every kind of entry a listing must
// handle and opens it.
func listRoot(t *testing.T) *fsys.FS {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{
		"b.txt":                            "bb",
		"a.txt":                            "a",
		".hidden":                          "h",
		".ftpsd-0123456789abcdef.part":     "upload in progress",
		"bad\r\n226 forged reply":          "x",
		"sub/inner":                        "i",
		"sub/.ftpsd-fedcba9876543210.part": "t",
	} {
		name = filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"link": "a.txt", "dirlink": "sub", "outlink": "/etc"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	root, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// lines splits a listing into its lines, checking every one ends in CRLF.
func lines(t *testing.T, b []byte) []string {
	t.Helper()
	if len(b) == 0 {
		return nil
	}
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatalf("listing does not end in CRLF: %q", b)
	}
	out := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	for _, l := range out {
		if strings.ContainsAny(l, "\r\n") {
			t.Fatalf("stray CR or LF in line %q", l)
		}
	}
	return out
}

func TestWriteListing(t *testing.T) {
	root := listRoot(t)
	permR := func(fs.FileInfo) string { return "r" }
	mlsd := ListOptions{Format: FormatMLSD, Facts: codec.FactType | codec.FactSize | codec.FactPerm, Perm: permR}
	tests := []struct {
		name  string
		vpath string
		o     ListOptions
		// NLST lines are these; MLSD lines end with these; LIST lines are
		// "<type char> <size> <name>", sizes only for regular files.
		want []string
	}{
		{"NLST", "/", ListOptions{Format: FormatNLST},
			[]string{"a.txt", "b.txt", "dirlink", "link", "outlink", "sub"}},
		{"NLST -a", "/", ListOptions{Format: FormatNLST, ShowHidden: true},
			[]string{".hidden", "a.txt", "b.txt", "dirlink", "link", "outlink", "sub"}},
		{"NLST file", "/b.txt", ListOptions{Format: FormatNLST}, []string{"b.txt"}},
		{"NLST explicit dot file", "/.hidden", ListOptions{Format: FormatNLST}, []string{".hidden"}},
		{"NLST through dir link", "/dirlink", ListOptions{Format: FormatNLST}, []string{"inner"}},
		{"LIST", "/", ListOptions{}, []string{
			"- 1 a.txt", "- 2 b.txt", "l dirlink -> sub", "l link -> a.txt", "l outlink", "d sub"}},
		{"LIST file", "/b.txt", ListOptions{}, []string{"- 2 b.txt"}},
		{"LIST link", "/link", ListOptions{}, []string{"l link -> a.txt"}},
		{"MLSD", "/", mlsd, []string{
			"type=file;size=1;perm=r; .hidden", "type=file;size=1;perm=r; a.txt", "type=file;size=2;perm=r; b.txt",
			"type=dir;perm=r; dirlink", "type=file;size=1;perm=r; link", "type=OS.unix=symlink;perm=r; outlink",
			"type=dir;perm=r; sub"}},
		{"MLSD subdir", "/sub", mlsd, []string{"type=file;size=1;perm=r; inner"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteListing(&buf, root, tt.vpath, tt.o); err != nil {
				t.Fatal(err)
			}
			got := lines(t, buf.Bytes())
			if len(got) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%s", len(got), len(tt.want), buf.String())
			}
			for i, w := range tt.want {
				ok := got[i] == w
				switch tt.o.Format {
				case FormatMLSD:
					ok = strings.HasSuffix(got[i], w)
				case FormatList:
					ok = listLineMatches(got[i], w)
				}
				if !ok {
					t.Errorf("line %d = %q, want %q", i, got[i], w)
				}
			}
		})
	}
}

// listLineMatches checks an `ls -l` line against "<type char> [size] name".
func listLineMatches(line, want string) bool {
	typ, rest, _ := strings.Cut(want, " ")
	f := strings.Fields(line)
	if len(f) < 9 || f[0][:1] != typ {
		return false
	}
	if typ == "-" {
		var size string
		size, rest, _ = strings.Cut(rest, " ")
		if f[4] != size {
			return false
		}
	}
	return strings.HasSuffix(line, " "+rest)
}

func TestWriteListingErrors(t *testing.T) {
	root := listRoot(t)
	tests := []struct {
		name  string
		vpath string
		o     ListOptions
		want  error
	}{
		{"missing", "/nope", ListOptions{}, fsys.ErrNotFound},
		{"MLSD of a file", "/a.txt", ListOptions{Format: FormatMLSD}, ErrNotListable},
		{"temporary by name", "/.ftpsd-0123456789abcdef.part", ListOptions{}, fsys.ErrNotFound},
		{"escape", "/outlink/passwd", ListOptions{}, fsys.ErrEscape},
		{"dotdot", "/../x", ListOptions{Format: FormatNLST}, fsys.ErrEscape},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteListing(&buf, root, tt.vpath, tt.o)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q before failing", buf.Bytes())
			}
		})
	}
}

// failWriter accepts limit writes, then fails; it counts them.
type failWriter struct{ writes, limit int }

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes > w.limit {
		return 0, os.ErrDeadlineExceeded
	}
	return len(p), nil
}

func TestWriteListingLarge(t *testing.T) {
	defer func(old int) { sortLimit = old }(sortLimit)
	sortLimit = 300
	dir := t.TempDir()
	const n = 700 // more than sortLimit and than two Readdir batches
	for i := range n {
		f, err := os.Create(filepath.Join(dir, "f"+strconv.Itoa(i)))
		if err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	root, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	tests := []struct {
		name   string
		limit  int
		sorted bool
	}{
		{"above the sort limit", 300, false},
		{"at the sort limit", n, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sortLimit = tt.limit
			var buf bytes.Buffer
			if err := WriteListing(&buf, root, "/", ListOptions{Format: FormatNLST}); err != nil {
				t.Fatal(err)
			}
			got := lines(t, buf.Bytes())
			seen := map[string]bool{}
			for _, l := range got {
				if seen[l] {
					t.Fatalf("%q listed twice", l)
				}
				seen[l] = true
			}
			if len(seen) != n {
				t.Errorf("listed %d names, want %d", len(seen), n)
			}
			if tt.sorted && !slices.IsSorted(got) {
				t.Error("a directory within the limit is not sorted")
			}
		})
	}

	// LIST lines are ~60 bytes, so 700 of them go out in two writes of about
	// 32 KiB and a last one; a writer that fails stops the listing with
	// ErrDataConn.
	w := &failWriter{limit: 1}
	err = WriteListing(w, root, "/", ListOptions{Now: time.Now()})
	if !errors.Is(err, ErrDataConn) {
		t.Errorf("err = %v, want ErrDataConn", err)
	}
	if w.writes != 2 {
		t.Errorf("%d writes, want the one that succeeded and the failing one", w.writes)
	}
}

func BenchmarkWriteListing(b *testing.B) {
	dir := b.TempDir()
	for i := range 1000 {
		f, err := os.Create(filepath.Join(dir, "file"+strconv.Itoa(i)))
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	root, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer root.Close()
	for _, f := range []ListFormat{FormatList, FormatNLST, FormatMLSD} {
		b.Run(f.String(), func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := WriteListing(&buf, root, "/", ListOptions{Format: f, Facts: codec.DefaultFacts}); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
