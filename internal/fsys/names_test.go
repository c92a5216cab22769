package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestTempNamesAreUnreachable: an upload temporary's name cannot be
// created (EINVAL), nor opened, statted, renamed or removed (not found),
// through the FS, even while such a file really exists.
func TestTempNamesAreUnreachable(t *testing.T) {
	dir := t.TempDir()
	const temp = ".ftpsd-0123456789abcdef.part"
	if err := os.WriteFile(filepath.Join(dir, temp), []byte("half an upload"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for name, tt := range map[string]struct {
		op   func() error
		want error
	}{
		"Stat":   {func() error { _, err := f.Stat("/" + temp); return err }, ErrNotFound},
		"Open":   {func() error { _, err := f.Open(temp); return err }, ErrNotFound},
		"Remove": {func() error { return f.Remove(temp) }, ErrNotFound},
		"Rename": {func() error { return f.Rename(temp, "stolen") }, ErrNotFound},
		"Below":  {func() error { _, err := f.Stat(temp + "/x"); return err }, ErrNotFound},
		"Upload": {func() error { _, err := f.CreateUpload(temp, UploadReplace, 0); return err }, syscall.EINVAL},
		"Append": {func() error { _, err := f.CreateUpload(temp, UploadAppend, 0); return err }, syscall.EINVAL},
		"Mkdir":  {func() error { return f.Mkdir("sub/" + temp) }, syscall.EINVAL},
		"RNTO":   {func() error { return f.Rename("sub", temp) }, syscall.EINVAL},
	} {
		if err := tt.op(); !errors.Is(err, tt.want) {
			t.Errorf("%s of %s: %v, want %v", name, temp, err, tt.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, temp)); err != nil {
		t.Errorf("the temporary itself was touched: %v", err)
	}
	// Names that only look alike are ordinary.
	for _, ok := range []string{".ftpsd-.part", "ftpsd-0123456789abcdef.part", ".ftpsd-x.partial"} {
		up, err := f.CreateUpload(ok, UploadReplace, 0)
		if err != nil {
			t.Errorf("upload %q: %v", ok, err)
			continue
		}
		if err := up.Commit(); err != nil {
			t.Errorf("commit %q: %v", ok, err)
		}
	}
}

// TestControlCharactersRefusedOnCreation: a new name holding a byte below
// 0x20 or DEL is refused; an existing one stays reachable.
func TestControlCharactersRefusedOnCreation(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old\x01name"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, bad := range []string{"new\x01file", "tab\tfile", "del\x7f", "dir/esc\x1b[31m"} {
		if _, err := f.CreateUpload(bad, UploadReplace, 0); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("upload %q: %v, want EINVAL", bad, err)
		}
		if err := f.Mkdir(bad); !errors.Is(err, syscall.EINVAL) {
			t.Errorf("mkdir %q: %v, want EINVAL", bad, err)
		}
	}
	if err := f.Rename("old\x01name", "still\x02bad"); !errors.Is(err, syscall.EINVAL) {
		t.Errorf("rename to a control character: %v, want EINVAL", err)
	}
	if _, err := f.Stat("old\x01name"); err != nil {
		t.Errorf("an existing name with a control character: %v", err)
	}
	if err := f.Rename("old\x01name", "clean"); err != nil {
		t.Errorf("renaming it to a clean name: %v", err)
	}
}
