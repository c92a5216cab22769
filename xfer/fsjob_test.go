package xfer

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// TestFSJob runs each file-system operation on a real rooted tree, with no
// event loop: the outcome alone says what the session learns.
func TestFSJob(t *testing.T) {
	stamp := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	for _, tt := range []struct {
		name  string
		job   FSJob
		kind  Kind
		check func(t *testing.T, o Outcome, dir string)
	}{
		{name: "CWD to a directory", job: FSJob{Op: OpChdir, Path: "/d"}, kind: DirChanged,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Path != "/d" || o.Text != "" {
					t.Errorf("Path %q Text %q, want /d and no README", o.Path, o.Text)
				}
			}},
		{name: "CWD to a file", job: FSJob{Op: OpChdir, Path: "/f"}, kind: NotDir},
		{name: "CWD shows the README", job: FSJob{Op: OpChdir, Path: "/d", Readme: &Readme{Root: "/srv",
			Find: func(fsPath, vpath string) (string, string) {
				if fsPath != "/srv/d" || vpath != "/d" {
					return "wrong paths " + fsPath + " " + vpath, ""
				}
				return "", "README"
			}}}, kind: DirChanged,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Text != "line one\nline two" {
					t.Errorf("README text %q, want the file without CR and trailing newline", o.Text)
				}
			}},
		{name: "CWD with literal README text", job: FSJob{Op: OpChdir, Path: "/d", Readme: &Readme{
			Find: func(string, string) (string, string) { return "Welcome.", "" }}}, kind: DirChanged,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Text != "Welcome." {
					t.Errorf("README text %q", o.Text)
				}
			}},
		{name: "MKD", job: FSJob{Op: OpMkdir, Path: "/new"}, kind: DirCreated,
			check: func(t *testing.T, o Outcome, dir string) {
				if fi, err := os.Stat(filepath.Join(dir, "new")); err != nil || !fi.IsDir() || o.Path != "/new" {
					t.Errorf("MKD made %v (%v), outcome path %q", fi, err, o.Path)
				}
			}},
		{name: "MKD of an existing name", job: FSJob{Op: OpMkdir, Path: "/d"}, kind: Exists},
		{name: "RMD of the root", job: FSJob{Op: OpRmdir, Path: "/"}, kind: Denied},
		{name: "RMD of a full directory", job: FSJob{Op: OpRmdir, Path: "/d"}, kind: NotEmpty},
		{name: "RMD", job: FSJob{Op: OpRmdir, Path: "/empty"}, kind: DirRemoved},
		{name: "DELE", job: FSJob{Op: OpDelete, Path: "/f"}, kind: Deleted,
			check: func(t *testing.T, _ Outcome, dir string) {
				if _, err := os.Stat(filepath.Join(dir, "f")); err == nil {
					t.Error("DELE left the file")
				}
			}},
		{name: "DELE of nothing", job: FSJob{Op: OpDelete, Path: "/nothing"}, kind: NotExist},
		{name: "RNFR", job: FSJob{Op: OpRenameFrom, Path: "/f"}, kind: RenameReady,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Path != "/f" {
					t.Errorf("RNFR path %q, want /f", o.Path)
				}
			}},
		{name: "RNFR of nothing", job: FSJob{Op: OpRenameFrom, Path: "/nothing"}, kind: NotExist},
		{name: "RNTO", job: FSJob{Op: OpRenameTo, From: "/f", Path: "/g"}, kind: Renamed,
			check: func(t *testing.T, _ Outcome, dir string) {
				if b, err := os.ReadFile(filepath.Join(dir, "g")); err != nil || string(b) != "12345" {
					t.Errorf("after RNTO g holds %q (%v)", b, err)
				}
			}},
		{name: "SIZE", job: FSJob{Op: OpSize, Path: "/f"}, kind: Size,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Size != 5 {
					t.Errorf("SIZE %d, want 5", o.Size)
				}
			}},
		{name: "SIZE of a directory", job: FSJob{Op: OpSize, Path: "/d"}, kind: NoSize},
		{name: "MFMT then the time", job: FSJob{Op: OpSetModTime, Path: "/f", Time: stamp, Stamp: "20240506070809"}, kind: ModTimeSet,
			check: func(t *testing.T, o Outcome, dir string) {
				fi, err := os.Stat(filepath.Join(dir, "f"))
				if err != nil || !fi.ModTime().Equal(stamp) || o.Text != "20240506070809" || o.Path != "/f" {
					t.Errorf("MFMT: mtime %v (%v), outcome %+v", fi.ModTime(), err, o)
				}
			}},
		{name: "MDTM", job: FSJob{Op: OpModTime, Path: "/d/README"}, kind: ModTime,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Time.IsZero() {
					t.Error("MDTM carries no time")
				}
			}},
		{name: "SITE CHMOD", job: FSJob{Op: OpChmod, Path: "/f", Mode: 0o600}, kind: ModeChanged,
			check: func(t *testing.T, _ Outcome, dir string) {
				if fi, _ := os.Stat(filepath.Join(dir, "f")); fi.Mode().Perm() != 0o600 {
					t.Errorf("mode %v, want 0600", fi.Mode().Perm())
				}
			}},
		{name: "MLST", job: FSJob{Op: OpFacts, Path: "/f", Facts: codec.FactSize, Perm: func(os.FileInfo) string { return "r" }}, kind: Facts,
			check: func(t *testing.T, o Outcome, _ string) {
				if !strings.HasPrefix(o.Text, " ") || !strings.Contains(o.Text, "size=5;") || strings.ContainsAny(o.Text, "\r\n") {
					t.Errorf("MLST line %q, want one indented line with the size", o.Text)
				}
			}},
		{name: "STAT of a directory", job: FSJob{Op: OpStatus, Path: "/d", List: ListOptions{Format: FormatNLST}}, kind: Status,
			check: func(t *testing.T, o Outcome, _ string) {
				if o.Text != "README\nsub" {
					t.Errorf("STAT text %q, want the names, LF separated", o.Text)
				}
			}},
		{name: "STAT of nothing", job: FSJob{Op: OpStatus, Path: "/nothing"}, kind: NotExist},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := rootFS(t, map[string]string{"f": "12345", "d/README": "line one\r\nline two\n\n", "d/sub/x": ""})
			if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
			j := tt.job
			j.FS = f
			o := j.Run(context.Background(), nil)
			if o.Kind != tt.kind {
				t.Fatalf("outcome %v (%v), want %v", o.Kind, o.Err, tt.kind)
			}
			if tt.check != nil {
				tt.check(t, o, dir)
			}
		})
	}
}

// TestFSJobDenied: the Authorizer is asked before the operation, and a
// refusal leaves the tree as it was; a README the user may not RETR is
// not shown.
func TestFSJobDenied(t *testing.T) {
	f, dir := rootFS(t, map[string]string{"f": "x", "d/README": "secret"})
	az := &denyAll{}
	acc := &Access{Authorizer: az, View: f, Root: dir, RealRoot: dir}
	if o := (&FSJob{Op: OpDelete, FS: f, Path: "/f", Verb: "DELE", Access: acc}).Run(context.Background(), nil); o.Kind != Denied {
		t.Errorf("denied DELE: outcome %v, want Denied", o.Kind)
	}
	if _, err := os.Stat(filepath.Join(dir, "f")); err != nil {
		t.Errorf("a denied DELE removed the file: %v", err)
	}
	j := &FSJob{Op: OpChdir, FS: f, Path: "/d", Access: acc,
		Readme: &Readme{Find: func(string, string) (string, string) { return "", "README" }}}
	before := az.asked
	if text := j.readme(); text != "" || az.asked != before+1 {
		t.Errorf("README of a denied file: %q after %d questions, want nothing after one", text, az.asked-before)
	}
}

func TestPermFact(t *testing.T) {
	_, dir := rootFS(t, map[string]string{"f": "x"})
	d, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Stat(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		readOnly  bool
		fi        os.FileInfo
		want, why string
	}{
		{true, d, "el", "read-only directory"},
		{true, f, "r", "read-only file"},
		{false, d, "cdeflmp", "writable directory"},
		{false, f, "adfrw", "writable file"},
	} {
		if got := PermFact(tt.readOnly)(tt.fi); got != tt.want {
			t.Errorf("%s: perm=%s, want %s", tt.why, got, tt.want)
		}
	}
}
