package fsys

import (
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path"
	"strconv"
	"syscall"
)

// UploadMode says how an upload meets an existing file.
type UploadMode uint8

const (
	// UploadReplace (STOR) writes a hidden temporary and renames it over the
	// final name on Commit; Abort removes the temporary and the old file, if
	// any, is untouched.
	UploadReplace UploadMode = iota
	// UploadResume (REST n + STOR) writes into the existing file from offset n,
	// cutting it to n bytes first; Abort keeps what arrived.
	UploadResume
	// UploadAppend (APPE) appends to the file, creating it if needed; Abort keeps
	// what arrived.
	UploadAppend
	// UploadUnique (STOU) creates a file under a name nobody uses yet; Abort
	// removes it.
	UploadUnique
)

var uploadModeNames = [...]string{"replace", "resume", "append", "unique"}

func (m UploadMode) String() string {
	if int(m) < len(uploadModeNames) {
		return uploadModeNames[m]
	}
	return "UploadMode(" + strconv.Itoa(int(m)) + ")"
}

// uploadState is where an Upload is in its life; the zero value is open.
type uploadState uint8

const (
	uploadOpen uploadState = iota
	uploadCommitted
	uploadAborted
)

// Upload is a file being written by a transfer. Write through File (the copy
// kernels take it as is), then call exactly one of Commit or Abort; calling
// Abort after a successful Commit does nothing, so `defer u.Abort()` is the
// safe pattern. An Upload belongs to one goroutine.
type Upload struct {
	// File is open for writing, positioned where the data goes.
	File *os.File
	// Name is the final virtual path; for UploadUnique the one that was chosen,
	// which the 150/226 reply must tell the client.
	Name string
	Mode UploadMode

	fs    *FS
	final string // root-relative final name
	tmp   string // root-relative temporary name, UploadReplace only
	state uploadState
}

// maxUniqueTries bounds the names STOU tries: the wanted name, then
// "<name>.1" … "<name>.<maxUniqueTries-1>", then a few random suffixes.
const (
	maxUniqueTries = 100
	maxRandomTries = 8
)

// CreateUpload opens vpath for an upload in the given mode. offset is the REST
// offset: it must be 0 except for UploadResume, where it must not exceed the
// file's size (ErrBadOffset otherwise). For UploadUnique vpath is the wanted
// name (for a bare STOU the caller picks one in the current directory) and
// Upload.Name the one obtained. New files get Options.FilePerm. Files that are
// not regular are refused (ErrNotRegular); opens use O_NONBLOCK so a FIFO
// cannot hang the worker.
func (f *FS) CreateUpload(vpath string, mode UploadMode, offset int64) (*Upload, error) {
	return f.createUpload(vpath, mode, offset, nil)
}

// CreateUnique is CreateUpload(vpath, UploadUnique, 0) that vets each name
// before creating a file under it: allow gets the virtual path of every
// name that does not exist yet, just before the O_EXCL create, and an
// error from it ends the upload with that error, nothing created. STOU
// checks the host's authorization this way, for the name it makes rather
// than the one the client asked for. A name that allow refuses is not
// skipped for the next one: a rule against the numbered names would
// otherwise only move the upload to a random suffix. Names that exist
// already are passed over without asking allow: no file is made there.
func (f *FS) CreateUnique(vpath string, allow func(vpath string) error) (*Upload, error) {
	return f.createUpload(vpath, UploadUnique, 0, allow)
}

// createUpload is CreateUpload with CreateUnique's allow (nil: allow all).
func (f *FS) createUpload(vpath string, mode UploadMode, offset int64, allow func(string) error) (*Upload, error) {
	const op = "upload"
	if f.opts.ReadOnly {
		return nil, wrap(op, vpath, ErrReadOnly)
	}
	if badNewName(vpath) {
		return nil, wrap(op, vpath, syscall.EINVAL)
	}
	name := rel(vpath)
	if name == "." {
		return nil, wrap(op, vpath, ErrIsDir)
	}
	if offset < 0 || offset != 0 && mode != UploadResume {
		return nil, wrap(op, vpath, ErrBadOffset)
	}
	u := &Upload{Name: vpath, Mode: mode, fs: f, final: name}
	var err error
	switch mode {
	case UploadReplace:
		err = u.createTemp()
	case UploadResume:
		err = u.openResume(offset)
	case UploadAppend:
		u.File, err = f.root.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE|syscall.O_NONBLOCK, f.opts.FilePerm())
		if err == nil {
			if err = checkRegular(u.File); err != nil {
				u.File.Close()
			}
		}
	case UploadUnique:
		err = u.createUnique(vpath, allow)
	default:
		err = errors.New("unknown upload mode " + mode.String())
	}
	if err != nil {
		return nil, wrap(op, vpath, err)
	}
	return u, nil
}

// createTemp opens a fresh temporary beside the final name. The final name is
// checked first so that a STOR onto a directory, or through a link that leaves
// the root, fails before any data moves rather than at Commit.
func (u *Upload) createTemp() error {
	r := u.fs.root
	fi, err := r.Stat(u.final)
	switch {
	case err == nil && fi.IsDir():
		return ErrIsDir
	case err != nil && !errors.Is(err, os.ErrNotExist):
		return err
	}
	dir := path.Dir(u.final)
	for range maxRandomTries {
		u.tmp = tempName(dir)
		u.File, err = r.OpenFile(u.tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, u.fs.opts.FilePerm())
		if !errors.Is(err, os.ErrExist) {
			return err
		}
	}
	return err
}

// openResume opens the existing file and cuts it at offset, so the result is
// exactly the first offset bytes followed by what the client sends.
func (u *Upload) openResume(offset int64) error {
	file, err := u.fs.root.OpenFile(u.final, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	fi, err := file.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = ErrNotRegular
	case offset > fi.Size():
		err = ErrBadOffset
	default:
		if err = file.Truncate(offset); err == nil {
			_, err = file.Seek(offset, io.SeekStart)
		}
	}
	if err != nil {
		file.Close()
		return err
	}
	u.File = file
	return nil
}

// createUnique tries the wanted name, numbered variants, then random ones,
// each with O_EXCL so two sessions can never get the same file. allow, if
// not nil, vets each name that does not exist yet before it is created
// (CreateUnique).
func (u *Upload) createUnique(vpath string, allow func(string) error) error {
	r := u.fs.root
	var err error
	for i := range maxUniqueTries + maxRandomTries {
		name, v := u.final, vpath
		if i > 0 {
			var sfx []byte
			if i < maxUniqueTries {
				sfx = strconv.AppendInt([]byte{'.'}, int64(i), 10)
			} else {
				sfx = strconv.AppendUint([]byte{'.'}, uint64(rand.Uint32()), 16)
			}
			name += string(sfx)
			v += string(sfx)
		}
		if allow != nil {
			if _, lerr := r.Lstat(name); lerr == nil {
				err = os.ErrExist
				continue // taken: O_EXCL would refuse it anyway
			}
			if err = allow(v); err != nil {
				return err
			}
		}
		u.File, err = r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, u.fs.opts.FilePerm())
		if err == nil {
			u.final, u.Name = name, v
			return nil
		}
		if !errors.Is(err, os.ErrExist) {
			return err
		}
	}
	return err
}

// Commit finishes the upload: it closes File and, for UploadReplace, renames the
// temporary over the final name. When Commit fails the upload is cleaned up as
// Abort would have (a replaced file stays as it was).
func (u *Upload) Commit() error {
	const op = "commit"
	if u.state != uploadOpen {
		return wrap(op, u.Name, os.ErrClosed)
	}
	err := u.File.Close()
	if err == nil && u.Mode == UploadReplace {
		err = u.fs.root.Rename(u.tmp, u.final)
	}
	if err != nil {
		u.state = uploadAborted
		u.cleanup()
		return wrap(op, u.Name, err)
	}
	u.state = uploadCommitted
	return nil
}

// Abort ends a failed upload: it closes File and removes the temporary
// (UploadReplace) or the new file (UploadUnique); a resumed or appended file
// keeps what was written. It does nothing after Commit or a previous Abort.
func (u *Upload) Abort() error {
	if u.state != uploadOpen {
		return nil
	}
	u.state = uploadAborted
	u.File.Close()
	return wrap("abort", u.Name, u.cleanup())
}

// cleanup removes what a failed upload must not leave behind.
func (u *Upload) cleanup() error {
	switch u.Mode {
	case UploadReplace:
		return u.fs.root.Remove(u.tmp)
	case UploadUnique:
		return u.fs.root.Remove(u.final)
	}
	return nil
}
