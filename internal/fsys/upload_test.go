package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// temps returns the upload temporaries left in the host directory dir.
func temps(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if IsTemp(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestUploadModes(t *testing.T) {
	const absent = "\x00absent"
	tests := []struct {
		name     string
		old      string // content before, or absent
		mode     UploadMode
		offset   int64
		commit   bool
		wantName string // Upload.Name, relative to the fixture's "/up"
		want     string // content under wantName afterwards, or absent
		wantOld  string // content under "/up" afterwards when wantName differs
	}{
		{"replace new commit", absent, UploadReplace, 0, true, "", "new", ""},
		{"replace old commit", "old content", UploadReplace, 0, true, "", "new", ""},
		{"replace old abort", "old content", UploadReplace, 0, false, "", "old content", ""},
		{"replace new abort", absent, UploadReplace, 0, false, "", absent, ""},
		{"resume commit", "0123456789", UploadResume, 4, true, "", "0123new", ""},
		{"resume abort keeps data", "0123456789", UploadResume, 4, false, "", "0123new", ""},
		{"resume at end", "0123", UploadResume, 4, true, "", "0123new", ""},
		{"resume at zero", "0123", UploadResume, 0, true, "", "new", ""},
		{"append commit", "abc", UploadAppend, 0, true, "", "abcnew", ""},
		{"append abort keeps data", "abc", UploadAppend, 0, false, "", "abcnew", ""},
		{"append creates", absent, UploadAppend, 0, true, "", "new", ""},
		{"unique free name", absent, UploadUnique, 0, true, "", "new", ""},
		{"unique taken name", "old", UploadUnique, 0, true, ".1", "new", "old"},
		{"unique abort removes", "old", UploadUnique, 0, false, ".1", absent, "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, Options{})
			host := filepath.Join(fx.root, "dir", "up")
			if tt.old != absent {
				mustWrite(t, host, tt.old)
			}
			u, err := fx.fs.CreateUpload("/dir/up", tt.mode, tt.offset)
			if err != nil {
				t.Fatal(err)
			}
			if want := "/dir/up" + tt.wantName; u.Name != want {
				t.Errorf("Name = %q, want %q", u.Name, want)
			}
			if _, err := u.File.WriteString("new"); err != nil {
				t.Fatal(err)
			}
			if tt.mode == UploadReplace {
				// Until Commit the final name shows the old state.
				if n := len(temps(t, filepath.Dir(host))); n != 1 {
					t.Errorf("%d temporaries during the upload, want 1", n)
				}
				if tt.old != absent && readHost(t, host) != tt.old {
					t.Error("the old file changed before Commit")
				}
			}
			if tt.commit {
				err = u.Commit()
			} else {
				err = u.Abort()
			}
			if err != nil {
				t.Fatal(err)
			}
			got := absent
			if b, err := os.ReadFile(host + tt.wantName); err == nil {
				got = string(b)
			} else if !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("content %q, want %q", got, tt.want)
			}
			if tt.wantName != "" && readHost(t, host) != tt.wantOld {
				t.Errorf("the taken name changed")
			}
			if left := temps(t, filepath.Dir(host)); len(left) != 0 {
				t.Errorf("temporaries left behind: %v", left)
			}
			// Abort after Commit or Abort is a no-op; Commit after either fails.
			if err := u.Abort(); err != nil {
				t.Errorf("second Abort: %v", err)
			}
			if err := u.Commit(); err == nil {
				t.Error("Commit after the end succeeded")
			}
		})
	}
}

func TestUniqueExhaustion(t *testing.T) {
	fx := newFixture(t, Options{})
	seen := map[string]bool{}
	for range maxUniqueTries + 2 {
		u, err := fx.fs.CreateUpload("/u", UploadUnique, 0)
		if err != nil {
			t.Fatal(err)
		}
		if seen[u.Name] {
			t.Fatalf("name %q handed out twice", u.Name)
		}
		seen[u.Name] = true
		if err := u.Commit(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCommitFailureCleansUp(t *testing.T) {
	fx := newFixture(t, Options{})
	u, err := fx.fs.CreateUpload("/dir/x", UploadReplace, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The final name became a non-empty directory while the data moved.
	if err := os.MkdirAll(filepath.Join(fx.root, "dir", "x", "y"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := u.Commit(); err == nil {
		t.Fatal("Commit over a non-empty directory succeeded")
	}
	if left := temps(t, filepath.Join(fx.root, "dir")); len(left) != 0 {
		t.Errorf("temporaries left behind: %v", left)
	}
}
