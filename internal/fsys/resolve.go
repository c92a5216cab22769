package fsys

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Resolve returns the host path that vpath names, with every symbolic link
// resolved as the kernel resolved it opening vpath through the root: the
// answer cannot differ from what an operation on vpath reaches. A final
// component that does not exist yet (the target of STOR, MKD or RNTO) is
// resolved through its parent directory. Authorization that matches host
// paths uses it, so that a link cannot lead around a rule written for its
// target.
func (f *FS) Resolve(vpath string) (string, error) {
	name, err := f.followFinal(rel(vpath))
	if errors.Is(err, fs.ErrNotExist) {
		// The name that does not exist is the last one followed: a
		// dangling link's target, not the link. An operation that creates
		// the file (APPE, STOR through the link) creates it there.
		dir, base := ".", name
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			dir, base = name[:i], name[i+1:]
		}
		if base == "" || base == "." || base == ".." {
			return "", wrap("resolve", vpath, err)
		}
		p, derr := f.resolve(dir)
		if derr != nil {
			return "", wrap("resolve", vpath, derr)
		}
		return filepath.Join(p, base), nil
	}
	if err != nil {
		return "", wrap("resolve", vpath, err)
	}
	return f.resolve(name)
}

// resolve opens name, a path relative to the root, and returns the host
// path the kernel reached.
func (f *FS) resolve(name string) (string, error) {
	name, err := f.followFinal(name)
	if err != nil {
		return "", err
	}
	// O_PATH opens without reading: no FIFO can block it, and it needs no
	// permission on the file itself. os.Root opens it with O_NOFOLLOW,
	// which is why followFinal has already followed a final link.
	file, err := f.root.OpenFile(name, unix.O_PATH, 0)
	if err != nil {
		return "", err
	}
	defer file.Close()
	return os.Readlink("/proc/self/fd/" + strconv.Itoa(int(file.Fd())))
}

// maxLinks bounds the links followed at the end of one path, as the
// kernel's ELOOP limit does.
const maxLinks = 40

// followFinal replaces a final symbolic link by its target until name no
// longer ends in one. Targets are joined without cleaning: os.Root resolves
// ".." against the real directory, as the kernel does.
func (f *FS) followFinal(name string) (string, error) {
	for range maxLinks {
		fi, err := f.root.Lstat(name)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return name, err
		}
		target, err := f.root.Readlink(name)
		if err != nil {
			return "", err
		}
		if filepath.IsAbs(target) {
			return "", ErrEscape // os.Root refuses absolute links too
		}
		dir := "."
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			dir = name[:i]
		}
		name = dir + "/" + target
	}
	return "", syscall.ELOOP
}
