package fsys

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"syscall"
	"time"
)

// kindError is a sentinel that also matches the io/fs error it stands for, so
// errors.Is(err, fs.ErrNotExist) keeps working for callers that only know io/fs.
type kindError struct {
	msg  string
	base error
}

func (k *kindError) Error() string { return k.msg }
func (k *kindError) Unwrap() error { return k.base }

// Sentinel errors. Every error returned by this package matches exactly one of
// them with errors.Is, or none when the cause is unusual (an I/O error, a full
// disk); the session maps the first group to 550 and the rest to 451.
var (
	ErrNotFound   error = &kindError{"fsys: no such file or directory", fs.ErrNotExist}
	ErrExist      error = &kindError{"fsys: file exists", fs.ErrExist}
	ErrPermission error = &kindError{"fsys: permission denied", fs.ErrPermission}
	ErrEscape           = errors.New("fsys: path escapes root")
	ErrNotDir           = errors.New("fsys: not a directory")
	ErrIsDir            = errors.New("fsys: is a directory")
	ErrReadOnly         = errors.New("fsys: read-only")
	// ErrNotRegular refuses to read or write a FIFO, socket or device: opening
	// one could block a worker forever or have side effects.
	ErrNotRegular = errors.New("fsys: not a regular file")
	// ErrBadOffset is a REST offset the upload mode cannot honour (beyond the end
	// of the file, or non-zero for a mode that has no offset); RFC 1123 gives 554.
	ErrBadOffset = errors.New("fsys: invalid restart offset")
)

// Options configures an FS. The zero value is a writable FS with umask 022.
type Options struct {
	// FileUmask and DirUmask clear permission bits of new files and directories.
	// They are used only when SetUmask is true; otherwise both are 022.
	FileUmask, DirUmask fs.FileMode
	SetUmask            bool
	// ReadOnly makes every method that would change the tree return ErrReadOnly.
	ReadOnly bool
}

// FilePerm is the mode new files are created with: 0666 minus the file umask.
// The process umask applies on top of it (the ftpsd binary sets it to 0 so this
// is the only one that counts).
func (o Options) FilePerm() fs.FileMode {
	if !o.SetUmask {
		return 0o644
	}
	return 0o666 &^ o.FileUmask.Perm()
}

// DirPerm is the mode new directories are created with: 0777 minus the
// directory umask, with the process umask on top as for FilePerm.
func (o Options) DirPerm() fs.FileMode {
	if !o.SetUmask {
		return 0o755
	}
	return 0o777 &^ o.DirUmask.Perm()
}

// FS is a file system rooted at a directory; see the package documentation.
// Its methods are safe for concurrent use; they block on the disk.
type FS struct {
	root *os.Root
	opts Options
}

// errRootEscape is os.Root's unexported "path escapes from parent" error,
// captured from a lexically escaping Stat so escapes are recognised by identity
// rather than by their text.
var (
	escapeOnce    sync.Once
	errRootEscape error
)

func captureEscape(r *os.Root) {
	escapeOnce.Do(func() {
		_, err := r.Stat("/")
		var pe *fs.PathError
		if errors.As(err, &pe) {
			errRootEscape = pe.Err
		}
	})
}

// Open opens dir as the root of a new FS. o is copied.
func Open(dir string, o Options) (*FS, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, wrap("open root", dir, err)
	}
	captureEscape(r)
	return &FS{root: r, opts: o}, nil
}

// Sub opens the directory vpath as the root of a new FS, for a user's home.
// The new FS is independent: closing f does not close it. It is read-only if
// f is, whatever o says.
func (f *FS) Sub(vpath string, o Options) (*FS, error) {
	r, err := f.root.OpenRoot(rel(vpath))
	if err != nil {
		return nil, wrap("open root", vpath, err)
	}
	o.ReadOnly = o.ReadOnly || f.opts.ReadOnly
	return &FS{root: r, opts: o}, nil
}

// Close releases the root directory. Files already open stay usable.
func (f *FS) Close() error { return f.root.Close() }

// Dir returns the host directory the FS is rooted at, for logs.
func (f *FS) Dir() string { return f.root.Name() }

// Options returns a copy of the options the FS was opened with.
func (f *FS) Options() Options { return f.opts }

// Stat returns the file info of vpath, following symbolic links that stay
// inside the root.
func (f *FS) Stat(vpath string) (fs.FileInfo, error) {
	fi, err := f.root.Stat(rel(vpath))
	if err != nil {
		return nil, wrap("stat", vpath, err)
	}
	return fi, nil
}

// Lstat returns the file info of vpath without following a final symbolic link.
func (f *FS) Lstat(vpath string) (fs.FileInfo, error) {
	fi, err := f.root.Lstat(rel(vpath))
	if err != nil {
		return nil, wrap("lstat", vpath, err)
	}
	return fi, nil
}

// Readlink returns the target of the symbolic link vpath as stored, which may
// name a place outside the root (following it would still be refused).
func (f *FS) Readlink(vpath string) (string, error) {
	s, err := f.root.Readlink(rel(vpath))
	if err != nil {
		return "", wrap("readlink", vpath, err)
	}
	return s, nil
}

// Open opens the regular file vpath for reading. A directory gives ErrIsDir and
// anything else that is not a regular file ErrNotRegular. The file is opened
// with O_NONBLOCK so a FIFO cannot hang the worker; for a regular file the flag
// has no effect, and sendfile works as usual.
func (f *FS) Open(vpath string) (*os.File, error) {
	file, err := f.root.OpenFile(rel(vpath), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, wrap("open", vpath, err)
	}
	if err := checkRegular(file); err != nil {
		file.Close()
		return nil, wrap("open", vpath, err)
	}
	return file, nil
}

// checkRegular returns nil when file is a regular file.
func checkRegular(file *os.File) error {
	fi, err := file.Stat()
	switch {
	case err != nil:
		return err
	case fi.IsDir():
		return ErrIsDir
	case !fi.Mode().IsRegular():
		return ErrNotRegular
	}
	return nil
}

// OpenDir opens the directory vpath for reading its entries; anything else
// gives ErrNotDir.
func (f *FS) OpenDir(vpath string) (*os.File, error) {
	d, err := f.root.OpenFile(rel(vpath), os.O_RDONLY|syscall.O_DIRECTORY, 0)
	if err != nil {
		return nil, wrap("opendir", vpath, err)
	}
	return d, nil
}

// Mkdir creates the directory vpath with Options.DirPerm.
func (f *FS) Mkdir(vpath string) error {
	if f.opts.ReadOnly {
		return wrap("mkdir", vpath, ErrReadOnly)
	}
	if badNewName(vpath) {
		return wrap("mkdir", vpath, syscall.EINVAL)
	}
	return wrap("mkdir", vpath, f.root.Mkdir(rel(vpath), f.opts.DirPerm()))
}

// Remove deletes the file (or symbolic link) vpath; a directory gives ErrIsDir.
func (f *FS) Remove(vpath string) error {
	if f.opts.ReadOnly {
		return wrap("remove", vpath, ErrReadOnly)
	}
	name := rel(vpath)
	fi, err := f.root.Lstat(name)
	if err != nil {
		return wrap("remove", vpath, err)
	}
	if fi.IsDir() {
		return wrap("remove", vpath, ErrIsDir)
	}
	return wrap("remove", vpath, f.root.Remove(name))
}

// RemoveDir deletes the empty directory vpath. A directory that is not empty
// gives ErrExist, anything that is not a directory ErrNotDir, the root itself
// ErrPermission.
func (f *FS) RemoveDir(vpath string) error {
	if f.opts.ReadOnly {
		return wrap("rmdir", vpath, ErrReadOnly)
	}
	name := rel(vpath)
	if name == "." {
		return wrap("rmdir", vpath, ErrPermission)
	}
	fi, err := f.root.Lstat(name)
	if err != nil {
		return wrap("rmdir", vpath, err)
	}
	if !fi.IsDir() {
		return wrap("rmdir", vpath, ErrNotDir)
	}
	return wrap("rmdir", vpath, f.root.Remove(name))
}

// Rename moves from to to, replacing a file already there as rename(2) does.
// Neither may be the root.
func (f *FS) Rename(from, to string) error {
	if f.opts.ReadOnly {
		return wrap("rename", from, ErrReadOnly)
	}
	if badNewName(to) {
		return wrap("rename", to, syscall.EINVAL)
	}
	a, b := rel(from), rel(to)
	if a == "." || b == "." {
		return wrap("rename", from, ErrPermission)
	}
	return wrap("rename", from, f.root.Rename(a, b))
}

// Chmod sets the permission bits of vpath. Only the 0777 bits are used: an FTP
// client never gets to set setuid, setgid or sticky.
func (f *FS) Chmod(vpath string, mode fs.FileMode) error {
	if f.opts.ReadOnly {
		return wrap("chmod", vpath, ErrReadOnly)
	}
	return wrap("chmod", vpath, f.root.Chmod(rel(vpath), mode.Perm()))
}

// Chtimes sets the modification time of vpath (MFMT, SITE UTIME) and leaves the
// access time alone.
func (f *FS) Chtimes(vpath string, mtime time.Time) error {
	if f.opts.ReadOnly {
		return wrap("chtimes", vpath, ErrReadOnly)
	}
	return wrap("chtimes", vpath, f.root.Chtimes(rel(vpath), time.Time{}, mtime))
}
