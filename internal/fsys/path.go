package fsys

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io/fs"
	"math/rand/v2"
	"strings"
	"syscall"
)

// rel turns a virtual path into a name relative to the root. It does no
// cleaning of its own: ".." is left for os.Root, which resolves it inside the
// root and refuses it when it would climb out. A path through an upload
// temporary's name becomes a name os.Root refuses (EINVAL; wrap reports it
// as not found, except to a create, which gets 553): nobody can create,
// open, list or SIZE another upload's temporary file, or pass one off as
// their own.
func rel(vpath string) string {
	name := strings.TrimLeft(vpath, "/")
	if name == "" {
		return "."
	}
	if strings.Contains(name, tempPrefix) && reserved(name) {
		return invalidName
	}
	return name
}

// creates are the operations that make a new name: a reserved one is
// refused there as a bad name (553), and is simply not found elsewhere.
var creates = map[string]bool{"upload": true, "mkdir": true}

// invalidName is a name every file system call refuses with EINVAL.
const invalidName = "\x00"

// reserved reports whether a component of the root-relative name is an
// upload temporary's.
func reserved(name string) bool {
	for seg := range strings.SplitSeq(name, "/") {
		if IsTemp(seg) {
			return true
		}
	}
	return false
}

// badNewName reports whether the last component of vpath may not be
// created: bytes below 0x20 and DEL would corrupt listings and logs that
// show the name (553).
func badNewName(vpath string) bool {
	base := vpath[strings.LastIndexByte(vpath, '/')+1:]
	for i := 0; i < len(base); i++ {
		if c := base[i]; c < 0x20 || c == 0x7f {
			return true
		}
	}
	return false
}

// Upload temporaries are named tempPrefix + 16 hex digits + tempSuffix.
const (
	tempPrefix = ".ftpsd-"
	tempSuffix = ".part"
)

// IsTemp reports whether the base name belongs to an upload in progress
// (".ftpsd-<random>.part"). Listings never show such files.
func IsTemp(base string) bool {
	return len(base) > len(tempPrefix)+len(tempSuffix) &&
		strings.HasPrefix(base, tempPrefix) && strings.HasSuffix(base, tempSuffix)
}

// tempName returns a fresh temporary name in the root-relative directory dir.
func tempName(dir string) string {
	var r [8]byte
	binary.LittleEndian.PutUint64(r[:], rand.Uint64())
	b := make([]byte, 0, len(dir)+1+len(tempPrefix)+16+len(tempSuffix))
	if dir != "." {
		b = append(b, dir...)
		b = append(b, '/')
	}
	b = append(b, tempPrefix...)
	b = hex.AppendEncode(b, r[:])
	b = append(b, tempSuffix...)
	return string(b)
}

// pathError is what every method returns: the operation and virtual path for
// logs, the sentinel that classifies it, and the cause from the OS.
type pathError struct {
	op, path string
	kind     error // one of the sentinels, or nil
	cause    error // the error from os, or nil when kind says it all
}

func (e *pathError) Error() string {
	err := e.cause
	if err == nil {
		err = e.kind
	}
	return "fsys: " + e.op + " " + e.path + ": " + err.Error()
}

func (e *pathError) Unwrap() []error {
	switch {
	case e.kind == nil:
		return []error{e.cause}
	case e.cause == nil:
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// wrap classifies err (nil stays nil) and names the operation and path.
func wrap(op, vpath string, err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*pathError); ok {
		return pe
	}
	if !creates[op] && errors.Is(err, syscall.EINVAL) && reserved(strings.TrimLeft(vpath, "/")) {
		// rel hid an upload temporary's name: to anything but a create
		// it is not there at all, as listings already do not show it.
		err = ErrNotFound
	}
	kind := classify(err)
	if kind == err {
		return &pathError{op: op, path: vpath, kind: kind}
	}
	return &pathError{op: op, path: vpath, kind: kind, cause: err}
}

// classify returns the sentinel for an error from os, or nil.
func classify(err error) error {
	for _, k := range [...]error{ErrEscape, ErrNotDir, ErrIsDir, ErrReadOnly, ErrNotRegular, ErrBadOffset, ErrNotFound, ErrExist, ErrPermission} {
		if err == k {
			return k
		}
	}
	switch {
	case errRootEscape != nil && errors.Is(err, errRootEscape):
		return ErrEscape
	case errors.Is(err, syscall.ENOTDIR):
		return ErrNotDir
	case errors.Is(err, syscall.EISDIR):
		return ErrIsDir
	case errors.Is(err, syscall.ENXIO): // a FIFO without a reader, a socket
		return ErrNotRegular
	case errors.Is(err, syscall.EROFS):
		return ErrReadOnly
	case errors.Is(err, fs.ErrNotExist):
		return ErrNotFound
	case errors.Is(err, fs.ErrExist): // EEXIST and ENOTEMPTY
		return ErrExist
	case errors.Is(err, fs.ErrPermission): // EACCES and EPERM
		return ErrPermission
	}
	return nil
}
