package xfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

// globRoot builds a tree with names a pattern must and must not reach:
// dot files, an upload temporary, a name with CR LF, a file literally
// called "a*b", a directory, and links inside and outside the root.
func globRoot(t testing.TB) (*fsys.FS, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.txt": "a", "b.txt": "bb", "c.log": "c", "ab.txt": "ab", "a*b": "literal",
		".hidden.txt": "h", ".ftpsd-0123456789abcdef.part": "upload in progress",
		"bad\r\n226 forged.txt": "x",
		"sub/x.txt":             "x", "sub/y.dat": "y", "sub/.ftpsd-fedcba9876543210.part": "t",
		"sub/deep/z.txt": "z",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"dirlink": "sub", "outlink": "/etc"} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, dir
}

func TestSplitGlob(t *testing.T) {
	for _, tt := range []struct {
		vpath, dir, pattern string
		ok                  bool
	}{
		{"/*.txt", "/", "*.txt", true},
		{"/pub/f1*", "/pub", "f1*", true},
		{"/pub/?", "/pub", "?", true},
		{"/pub/[ab].txt", "/pub", "[ab].txt", true},
		{"/p*b/x", "", "", false}, // a pattern only in the last component
		{"/pub/a.txt", "", "", false},
		{"/", "", "", false},
	} {
		t.Run(tt.vpath, func(t *testing.T) {
			dir, pattern, ok := splitGlob(tt.vpath)
			if dir != tt.dir || pattern != tt.pattern || ok != tt.ok {
				t.Errorf("splitGlob(%q) = %q, %q, %v; want %q, %q, %v", tt.vpath, dir, pattern, ok, tt.dir, tt.pattern, tt.ok)
			}
		})
	}
}

func TestGlob(t *testing.T) {
	f, _ := globRoot(t)
	for _, tt := range []struct {
		name, dir, pattern string
		hidden             bool
		max                int
		want               []string
		err                error
	}{
		{name: "star", dir: "/", pattern: "*.txt", want: []string{"a.txt", "ab.txt", "b.txt"}},
		{name: "prefix", dir: "/", pattern: "a*", want: []string{"a*b", "a.txt", "ab.txt"}},
		{name: "question", dir: "/", pattern: "?.txt", want: []string{"a.txt", "b.txt"}},
		{name: "class", dir: "/", pattern: "[bc].*", want: []string{"b.txt", "c.log"}},
		{name: "negated class", dir: "/", pattern: "[^a]*", want: []string{"b.txt", "c.log", "dirlink", "outlink", "sub"}},
		{name: "range", dir: "/", pattern: "[a-b].txt", want: []string{"a.txt", "b.txt"}},
		{name: "escaped star", dir: "/", pattern: `a\*b`, want: []string{"a*b"}},
		{name: "dot files need a dot", dir: "/", pattern: "*hidden*", want: nil},
		{name: "leading dot", dir: "/", pattern: ".*", want: []string{".hidden.txt"}},
		{name: "-a shows dot files", dir: "/", pattern: "*.txt", hidden: true, want: []string{".hidden.txt", "a.txt", "ab.txt", "b.txt"}},
		{name: "temporaries never", dir: "/", pattern: ".ftpsd-*", hidden: true, want: nil},
		{name: "temporaries never in sub", dir: "/sub", pattern: "*", hidden: true, want: []string{"deep", "x.txt", "y.dat"}},
		{name: "subdirectory", dir: "/sub", pattern: "*.txt", want: []string{"x.txt"}},
		{name: "through a link inside", dir: "/dirlink", pattern: "?.dat", want: []string{"y.dat"}},
		{name: "no match", dir: "/", pattern: "*.zip", want: nil},
		{name: "bound exactly", dir: "/sub", pattern: "*", max: 4, want: []string{"deep", "x.txt", "y.dat"}},
		{name: "bound exceeded", dir: "/sub", pattern: "*", max: 3, err: ErrTooManyEntries},
		{name: "bad pattern", dir: "/", pattern: "[a", err: ErrBadPattern},
		{name: "bad escape", dir: "/", pattern: `a\`, err: ErrBadPattern},
		{name: "too long", dir: "/", pattern: strings.Repeat("*", MaxPatternLen+1), err: ErrBadPattern},
		{name: "longest", dir: "/", pattern: strings.Repeat("?", MaxPatternLen), want: nil},
		{name: "link out of the root", dir: "/outlink", pattern: "*", err: fsys.ErrEscape},
		{name: "above the root", dir: "..", pattern: "*", err: fsys.ErrEscape},
		{name: "missing directory", dir: "/nope", pattern: "*", err: fs.ErrNotExist},
		{name: "file as directory", dir: "/a.txt", pattern: "*", err: fsys.ErrNotDir},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Glob(f, tt.dir, tt.pattern, tt.hidden, tt.max)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Glob = %q, %v; want error %v", got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("Glob = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestGlobScanBound: the bound counts every entry read, hidden ones and
// temporaries included, so a directory's size alone decides.
func TestGlobScanBound(t *testing.T) {
	files := map[string]string{}
	for i := range 600 {
		files["f"+strconv.Itoa(i)] = ""
	}
	f, _ := rootFS(t, files)
	if _, err := Glob(f, "/", "nomatch*", false, 599); !errors.Is(err, ErrTooManyEntries) {
		t.Errorf("600 entries under a bound of 599: %v, want ErrTooManyEntries", err)
	}
	got, err := Glob(f, "/", "f1?", false, 600)
	if err != nil || len(got) != 10 {
		t.Errorf("600 entries under a bound of 600: %d matches, %v; want f10..f19", len(got), err)
	}
}

// TestGlobListing: what LIST, NLST and STAT send for a pattern: NLST names
// after the directory as typed, LIST lines under bare names, a literal
// name first, MLSD never a pattern.
func TestGlobListing(t *testing.T) {
	f, _ := globRoot(t)
	for _, tt := range []struct {
		name, path string
		o          ListOptions
		want       []string // lines; for LIST the names they end with
		err        error
	}{
		{name: "NLST", path: "/*.txt", o: ListOptions{Format: FormatNLST, Arg: "*.txt"}, want: []string{"a.txt", "ab.txt", "b.txt"}},
		{name: "NLST in sub", path: "/sub/*.txt", o: ListOptions{Format: FormatNLST, Arg: "sub/*.txt"}, want: []string{"sub/x.txt"}},
		{name: "NLST absolute", path: "/sub/*", o: ListOptions{Format: FormatNLST, Arg: "/sub/*"}, want: []string{"/sub/deep", "/sub/x.txt", "/sub/y.dat"}},
		{name: "NLST files only", path: "/sub/*", o: ListOptions{Format: FormatNLST, Arg: "sub/*", NLSTFilesOnly: true}, want: []string{"sub/x.txt", "sub/y.dat"}},
		{name: "LIST", path: "/sub/?.*", o: ListOptions{Format: FormatList, Arg: "sub/?.*"}, want: []string{" x.txt", " y.dat"}},
		{name: "LIST a directory match is an entry", path: "/s?b", o: ListOptions{Format: FormatList, Arg: "s?b"}, want: []string{" sub"}},
		{name: "LIST link in the root", path: "/dir*", o: ListOptions{Format: FormatList, Arg: "dir*"}, want: []string{" dirlink -> sub"}},
		{name: "LIST link out of the root", path: "/out*", o: ListOptions{Format: FormatList, Arg: "out*"}, want: []string{" outlink"}},
		{name: "no match", path: "/*.zip", o: ListOptions{Format: FormatNLST, Arg: "*.zip"}, err: fs.ErrNotExist},
		{name: "MLSD never globs", path: "/*.txt", o: ListOptions{Format: FormatMLSD, Arg: "*.txt"}, err: fs.ErrNotExist},
		{name: "pattern in a directory component", path: "/s*/x.txt", o: ListOptions{Format: FormatNLST, Arg: "s*/x.txt"}, err: fs.ErrNotExist},
		{name: "bad pattern", path: "/[x", o: ListOptions{Format: FormatNLST, Arg: "[x"}, err: ErrBadPattern},
		{name: "too long to be a name", path: "/" + strings.Repeat("?", 300), o: ListOptions{Format: FormatNLST}, err: ErrBadPattern},
		{name: "too long, no pattern", path: "/" + strings.Repeat("x", 300), o: ListOptions{Format: FormatNLST}, err: syscall.ENAMETOOLONG},
		{name: "too many", path: "/*", o: ListOptions{Format: FormatNLST, Arg: "*", GlobMaxScan: 5}, err: ErrTooManyEntries},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, statErr := f.Stat(tt.path)
			g, err := expandGlob(f, tt.path, statErr, tt.o)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || g != nil {
					t.Fatalf("expandGlob = %v, %v; want error %v", g, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := g.write(&buf, f, tt.o); err != nil {
				t.Fatal(err)
			}
			got := lines(t, buf.Bytes())
			if len(got) != len(tt.want) {
				t.Fatalf("lines %q, want %q", got, tt.want)
			}
			for i, line := range got {
				if tt.o.Format == FormatNLST && line != tt.want[i] || !strings.HasSuffix(line, tt.want[i]) {
					t.Errorf("line %q, want %q", line, tt.want[i])
				}
			}
		})
	}
}

// TestGlobStatus: STAT <pattern> lists the matches on the control channel;
// a name that exists as typed is itself, not a pattern.
func TestGlobStatus(t *testing.T) {
	f, _ := globRoot(t)
	for _, tt := range []struct {
		name, path string
		kind       Kind
		want       []string // names the text's lines end with
	}{
		{"pattern", "/[ab].txt", Status, []string{" a.txt", " b.txt"}},
		{"literal first", "/a*b", Status, []string{" a*b"}},
		{"no match", "/*.zip", NotExist, nil},
		{"bad pattern", "/a[", BadPattern, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := FSJob{Op: OpStatus, FS: f, Path: tt.path, List: ListOptions{Format: FormatList, Arg: tt.path}}
			o := j.Run(context.Background(), nil)
			if o.Kind != tt.kind {
				t.Fatalf("outcome %v (%v), want %v", o.Kind, o.Err, tt.kind)
			}
			if tt.kind != Status {
				return
			}
			got := strings.Split(o.Text, "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("STAT text %q, want lines ending %q", o.Text, tt.want)
			}
			for i, line := range got {
				if !strings.HasSuffix(line, tt.want[i]) {
					t.Errorf("line %q, want it to end %q", line, tt.want[i])
				}
			}
		})
	}
}

// TestGlobDenied: the directory a pattern is matched in is authorized as
// a listing of it would be.
func TestGlobDenied(t *testing.T) {
	f, dir := globRoot(t)
	az := &denyDir{deny: filepath.Join(dir, "sub")}
	acc := &Access{Authorizer: az, User: "u", View: f, Root: dir, RealRoot: dir}
	j := FSJob{Op: OpStatus, FS: f, Path: "/sub/*.txt", Verb: "STAT", Access: acc, List: ListOptions{Format: FormatNLST, Arg: "sub/*.txt"}}
	if o := j.Run(context.Background(), nil); o.Kind != Denied {
		t.Errorf("STAT in a denied directory: %v (%q), want Denied", o.Kind, o.Text)
	}
	j.Path, j.List.Arg = "/*.txt", "*.txt"
	if o := j.Run(context.Background(), nil); o.Kind != Status {
		t.Errorf("STAT in an allowed directory: %v (%v), want Status", o.Kind, o.Err)
	}
}

// denyDir refuses the one host path deny.
type denyDir struct{ deny string }

func (d *denyDir) Allow(_, _, fsPath, _ string) bool { return fsPath != d.deny }

// TestTransferListGlob: NLST of a pattern over a real data connection, and
// the refusals that come before any 150.
func TestTransferListGlob(t *testing.T) {
	f, _ := globRoot(t)
	d, dial := passive(t)
	got := make(chan string, 1)
	go func() {
		c := dial()
		if c == nil {
			got <- ""
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	p := &progress{}
	o := (&Transfer{Op: List, FS: f, Path: "/sub/*.txt", Data: d, List: ListOptions{Format: FormatNLST, Arg: "sub/*.txt"}}).Run(context.Background(), p)
	if o.Kind != Complete {
		t.Fatalf("outcome %v (%v), want Complete", o.Kind, o.Err)
	}
	if b := within(t, 5*time.Second, got); b != "sub/x.txt\r\n" {
		t.Errorf("NLST sent %q, want sub/x.txt", b)
	}
	for _, tt := range []struct {
		path string
		o    ListOptions
		kind Kind
	}{
		{"/*.zip", ListOptions{Format: FormatNLST}, NotExist},
		{"/[", ListOptions{Format: FormatList}, BadPattern},
		{"/*", ListOptions{Format: FormatList, GlobMaxScan: 2}, TooMany},
		{"/*.txt", ListOptions{Format: FormatMLSD}, NotExist},
	} {
		d, _ := passive(t)
		p := &progress{}
		o := (&Transfer{Op: List, FS: f, Path: tt.path, Data: d, List: tt.o}).Run(context.Background(), p)
		if o.Kind != tt.kind || len(p.messages()) != 0 {
			t.Errorf("%s %s: %v and %q, want %v before any 150", tt.o.Format, tt.path, o.Kind, p.messages(), tt.kind)
		}
	}
}
