package xfer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/valyala/bytebufferpool"
)

// ListFormat is the form of a directory listing.
type ListFormat uint8

const (
	FormatList ListFormat = iota // LIST: `ls -l` lines (codec.AppendList)
	FormatNLST                   // NLST: bare names
	FormatMLSD                   // MLSD: RFC 3659 fact lines (codec.AppendMLSx)
)

var listFormatNames = [...]string{"LIST", "NLST", "MLSD"}

func (f ListFormat) String() string {
	if int(f) < len(listFormatNames) {
		return listFormatNames[f]
	}
	return "ListFormat(?)"
}

// ListOptions says how to list. The zero value lists in LIST form, without
// dot files, with the clock read once per listing.
type ListOptions struct {
	Format ListFormat
	// Facts are the MLSD facts to send (OPTS MLST).
	Facts codec.Facts
	// Perm returns the MLSD perm fact for an entry; nil sends it empty.
	Perm func(fi fs.FileInfo) string
	// ShowHidden lists names starting with "." in LIST and NLST (LIST -a).
	// MLSD always lists them: RFC 3659 has no -a and clients filter themselves.
	ShowHidden bool
	// NLSTFilesOnly leaves directories (and links to them) out of NLST, as
	// mod_ftp does without FTPOptions NLSTShowDirs.
	NLSTFilesOnly bool
	// NoIDs leaves the owner and group columns out of LIST lines
	// (FTPOptions RemoveUserGroup).
	NoIDs bool
	// Now dates LIST lines (recent files show a time, old ones a year); zero
	// means time.Now().
	Now time.Time
	// Arg is the path argument as the client typed it (options removed);
	// NLST of a pattern names its matches after Arg's directory part.
	Arg string
	// GlobMaxScan caps the directory entries a pattern is matched against
	// (glob.go); zero or less means DefaultGlobMaxScan.
	GlobMaxScan int
}

const (
	// readdirBatch is how many entries one Readdir call returns.
	readdirBatch = 256
	// flushAt is how much listing text is gathered before a write.
	flushAt = 32 << 10
)

// sortLimit is the largest directory listed in name order; a bigger one is
// streamed in directory order so memory stays bounded. A variable only so
// tests need not create 10,000 files.
var sortLimit = 10000

// ErrNotListable is an MLSD of something that is not a directory (RFC 3659
// §7.2: 501).
var ErrNotListable = errors.New("xfer: MLSD target is not a directory")

// WriteListing writes the listing of vpath to w. A directory (or a link to
// one inside the root) lists its entries: sorted by name when there are at
// most 10,000, else in directory order, read 256 at a time and written in
// batches of about 32 KiB. Anything else gives one line for LIST and NLST, as
// ls does, and ErrNotListable for MLSD.
//
// Upload temporaries (fsys.IsTemp) and names holding CR or LF (which would
// forge lines) are never listed. LIST shows a symbolic link as
// "name -> target"; MLSD describes what a link points at when that is inside
// the root, else gives it type "OS.unix=symlink".
//
// For STAT <path> pass a *bytes.Buffer as w and send its lines in the 213
// reply. Errors from w match ErrDataConn; the others are the file system's
// (fsys sentinels).
func WriteListing(w io.Writer, root *fsys.FS, vpath string, o ListOptions) error {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	l := lister{w: w, root: root, dir: vpath, o: o, buf: bytebufferpool.Get()}
	defer bytebufferpool.Put(l.buf)

	fi, err := root.Lstat(vpath)
	if err != nil {
		return listErr(err)
	}
	isDir := fi.IsDir()
	if fi.Mode()&fs.ModeSymlink != 0 {
		if t, err := root.Stat(vpath); err == nil && t.IsDir() {
			isDir = true
		}
	}
	if !isDir {
		if fsys.IsTemp(path.Base(vpath)) {
			return listErr(fsys.ErrNotFound)
		}
		if o.Format == FormatMLSD {
			return listErr(ErrNotListable)
		}
		l.dir = path.Dir(vpath)
		l.entry(fi, path.Base(vpath))
		return l.flush()
	}

	d, err := root.OpenDir(vpath)
	if err != nil {
		return listErr(err)
	}
	defer d.Close()
	if o.Format == FormatNLST && !o.NLSTFilesOnly {
		err = l.names(d)
	} else {
		err = l.infos(d)
	}
	if err != nil {
		return err
	}
	return l.flush()
}

// lister carries one listing's state.
type lister struct {
	w    io.Writer
	root *fsys.FS
	dir  string // virtual path of the directory the entries are in
	o    ListOptions
	buf  *bytebufferpool.ByteBuffer
	werr error // the first error from w; nothing is written after it
}

// readdir is the part of *os.File a listing reads.
type readdir interface {
	Readdir(n int) ([]fs.FileInfo, error)
	Readdirnames(n int) ([]string, error)
}

// names lists NLST entries: names only, so no stat per entry.
func (l *lister) names(d readdir) error {
	return collect(l, func() ([]string, error) { return d.Readdirnames(readdirBatch) },
		func(s string) string { return s },
		func(s string) { l.nameLine(s) })
}

func (l *lister) infos(d readdir) error {
	return collect(l, func() ([]fs.FileInfo, error) { return d.Readdir(readdirBatch) },
		fs.FileInfo.Name,
		func(fi fs.FileInfo) { l.entry(fi, fi.Name()) })
}

// collect reads batches, holds entries back until it knows whether the
// directory is small enough to sort, and emits them.
func collect[T any](l *lister, next func() ([]T, error), name func(T) string, emit func(T)) error {
	var held []T
	sorted := true
	for {
		batch, err := next()
		for _, e := range batch {
			if !l.keep(name(e)) {
				continue
			}
			if !sorted {
				emit(e)
				continue
			}
			held = append(held, e)
			if len(held) > sortLimit {
				sorted = false
				for _, h := range held {
					emit(h)
				}
				held = nil
			}
		}
		if l.werr != nil {
			return l.werr
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return listErr(err)
		}
	}
	slices.SortFunc(held, func(a, b T) int { return strings.Compare(name(a), name(b)) })
	for _, h := range held {
		emit(h)
	}
	return l.werr
}

// keep filters names that are never listed, and dot files unless asked.
func (l *lister) keep(name string) bool {
	switch {
	case fsys.IsTemp(name), strings.ContainsAny(name, "\r\n"):
		return false
	case name[0] == '.' && !l.o.ShowHidden && l.o.Format != FormatMLSD:
		return false
	}
	return true
}

func (l *lister) nameLine(name string) {
	l.buf.B = codec.AppendName(l.buf.B, name)
	l.buf.B = append(l.buf.B, '\r', '\n')
	l.maybeFlush()
}

// isDir reports whether an entry is a directory or a link to one inside the root.
func (l *lister) isDir(fi fs.FileInfo, name string) bool {
	if fi.Mode()&fs.ModeSymlink != 0 {
		t, err := l.root.Stat(path.Join(l.dir, name))
		return err == nil && t.IsDir()
	}
	return fi.IsDir()
}

// entry appends the line for fi, whose lstat is given, under name.
func (l *lister) entry(fi fs.FileInfo, name string) {
	if strings.ContainsAny(name, "\r\n") {
		return
	}
	isLink := fi.Mode()&fs.ModeSymlink != 0
	switch l.o.Format {
	case FormatNLST:
		if l.o.NLSTFilesOnly && l.isDir(fi, name) {
			return
		}
		l.nameLine(name)
		return
	case FormatMLSD:
		if isLink {
			t, err := l.root.Stat(path.Join(l.dir, name))
			if err != nil {
				l.buf.B = codec.AppendMLSxType(l.buf.B, fi, name, "OS.unix=symlink", l.o.Facts, l.perm(fi))
				break
			}
			fi = t
		}
		l.buf.B = codec.AppendMLSx(l.buf.B, fi, name, l.o.Facts, l.perm(fi))
	default:
		var target string
		if isLink {
			// Show where a link points only when it stays inside the root:
			// the target of one that leaves it is a host path, and none of
			// the client's business.
			p := path.Join(l.dir, name)
			if _, err := l.root.Stat(p); err == nil {
				target, _ = l.root.Readlink(p)
			}
			if strings.ContainsAny(target, "\r\n") {
				target = ""
			}
		}
		if l.o.NoIDs {
			l.buf.B = codec.AppendListNoIDs(l.buf.B, fi, name, target, l.o.Now)
		} else {
			l.buf.B = codec.AppendList(l.buf.B, fi, name, target, l.o.Now)
		}
	}
	l.maybeFlush()
}

func (l *lister) perm(fi fs.FileInfo) string {
	if l.o.Perm == nil {
		return ""
	}
	return l.o.Perm(fi)
}

func (l *lister) maybeFlush() {
	if len(l.buf.B) >= flushAt {
		l.flush()
	}
}

// flush writes what is gathered; after a write error it only discards.
func (l *lister) flush() error {
	if l.werr == nil && len(l.buf.B) > 0 {
		if _, err := l.w.Write(l.buf.B); err != nil {
			l.werr = fmt.Errorf("xfer: list: %w", connErr(err))
		}
	}
	l.buf.Reset()
	return l.werr
}

func listErr(err error) error { return fmt.Errorf("xfer: list: %w", err) }
