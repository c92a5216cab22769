package xfer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"syscall"

	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/valyala/bytebufferpool"
)

// Globbing in LIST, NLST and STAT <path>, as vsftpd does it: a pattern
// only in the last path component, matched against the entries of the
// directory the rest of the path names, inside the rooted file system.
// path.Match is the matcher (*, ?, [...] with ranges and ^ negation, \ to
// escape): it is the standard library's, needs no recursion, and reports a
// malformed pattern, where vsftpd hand-writes its own and ignores one.
//
// A name that exists as typed is listed as itself, never as a pattern (a
// file really called "a*b" lists just that file); MLSD and MLST never
// glob (RFC 3659 §2.2.2: the argument is a literal name).

// MaxPatternLen is the longest pattern (the last path component) a
// listing matches; a longer one is refused as bad (501). Names are at most
// 255 bytes on the file systems ftpsd runs on, so nothing useful is lost.
const MaxPatternLen = 256

// DefaultGlobMaxScan is how many directory entries one pattern may be
// matched against unless ListOptions.GlobMaxScan says otherwise.
const DefaultGlobMaxScan = 10000

var (
	// ErrBadPattern is a malformed pattern (path.ErrBadPattern) or one
	// longer than MaxPatternLen (501).
	ErrBadPattern = errors.New("xfer: bad pattern")
	// ErrTooManyEntries is a pattern in a directory with more entries
	// than GlobMaxScan (550): the listing is refused rather than cut
	// short, so that mget never fetches a silently partial set.
	ErrTooManyEntries = errors.New("xfer: too many directory entries to match a pattern against")
)

// globMeta are the bytes that make a last path component a pattern.
const globMeta = "*?["

// splitGlob splits vpath, a cleaned absolute virtual path, into the
// directory it names and its last component when that component holds a
// pattern metacharacter. Pure string work; runs anywhere.
func splitGlob(vpath string) (dir, pattern string, ok bool) {
	i := strings.LastIndexByte(vpath, '/')
	pattern = vpath[i+1:]
	if !strings.ContainsAny(pattern, globMeta) {
		return "", "", false
	}
	dir = vpath[:i+1]
	if dir == "" {
		dir = "."
	}
	return path.Clean(dir), pattern, true
}

// checkPattern returns ErrBadPattern for a pattern path.Match cannot use or
// that is too long. path.Match validates the whole pattern even when the
// name fails to match early, so matching the empty name checks it all.
func checkPattern(pattern string) error {
	if len(pattern) > MaxPatternLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrBadPattern, MaxPatternLen)
	}
	if _, err := path.Match(pattern, ""); err != nil {
		return fmt.Errorf("%w: %w", ErrBadPattern, err)
	}
	return nil
}

// Glob returns the names in the directory dir of root that pattern
// matches, sorted. Names starting with "." match only when hidden is true
// or the pattern itself starts with "." (as in a shell, and vsftpd's
// implied -a); upload temporaries and names holding CR or LF never match.
// More than maxScan entries in dir (DefaultGlobMaxScan when maxScan <= 0)
// give ErrTooManyEntries; a malformed pattern ErrBadPattern; errors
// opening or reading dir are the file system's (fsys sentinels).
//
// Matching reads names only, 256 at a time, with no stat per entry, so a
// directory up to the bound costs one pass of getdents and the memory of
// its matching names. Runs on a worker.
func Glob(root *fsys.FS, dir, pattern string, hidden bool, maxScan int) ([]string, error) {
	if err := checkPattern(pattern); err != nil {
		return nil, err
	}
	if maxScan <= 0 {
		maxScan = DefaultGlobMaxScan
	}
	d, err := root.OpenDir(dir)
	if err != nil {
		return nil, globErr(err)
	}
	defer d.Close()
	// The lister's filter, so a glob hides exactly what a listing hides.
	keep := lister{o: ListOptions{ShowHidden: hidden || pattern[0] == '.'}}
	var names []string
	scanned := 0
	for {
		batch, err := d.Readdirnames(readdirBatch)
		if scanned += len(batch); scanned > maxScan {
			return nil, fmt.Errorf("%w (more than %d in %s)", ErrTooManyEntries, maxScan, dir)
		}
		for _, name := range batch {
			if !keep.keep(name) {
				continue
			}
			if ok, _ := path.Match(pattern, name); ok {
				names = append(names, name)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, globErr(err)
		}
	}
	slices.Sort(names)
	return names, nil
}

// globbed is what a pattern in a listing's argument matched: names in dir,
// which NLST shows after prefix (the directory part of the argument as the
// client typed it, as ls and vsftpd do, so that mget can RETR each name).
type globbed struct {
	dir, prefix string
	names       []string
}

// expandGlob decides whether a listing of vpath is a pattern's. statErr is
// what Stat answered for vpath as a literal name, never nil (a name that
// exists is listed as itself): only a name that does not exist (and is not
// MLSD's) is tried as a pattern. It returns the matches,
// or nil and the error the listing fails with: statErr when vpath is no
// pattern, fsys.ErrNotFound when nothing matched, ErrBadPattern,
// ErrTooManyEntries. Runs on a worker.
func expandGlob(root *fsys.FS, vpath string, statErr error, o ListOptions) (*globbed, error) {
	// A name too long to exist may still be a pattern: MaxPatternLen
	// answers for it, so an over-long pattern is always a bad one.
	if o.Format == FormatMLSD || !errors.Is(statErr, fs.ErrNotExist) && !errors.Is(statErr, syscall.ENAMETOOLONG) {
		return nil, statErr
	}
	dir, pattern, ok := splitGlob(vpath)
	if !ok {
		return nil, statErr
	}
	names, err := Glob(root, dir, pattern, o.ShowHidden, o.GlobMaxScan)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, globErr(fsys.ErrNotFound)
	}
	return &globbed{dir: dir, prefix: o.Arg[:strings.LastIndexByte(o.Arg, '/')+1], names: names}, nil
}

// write writes the listing of the matches to w in o's format: LIST lines
// under the bare name (as vsftpd), NLST names after the typed directory.
// A match that vanished since it was read is left out. A matched
// directory is shown as an entry, not listed. Errors from w match
// ErrDataConn. Runs on a worker.
func (g *globbed) write(w io.Writer, root *fsys.FS, o ListOptions) error {
	l := lister{w: w, root: root, dir: g.dir, o: o, buf: bytebufferpool.Get()}
	defer bytebufferpool.Put(l.buf)
	namesOnly := o.Format == FormatNLST && !o.NLSTFilesOnly
	for _, name := range g.names {
		if l.werr != nil {
			return l.werr
		}
		if namesOnly {
			l.nameLine(g.prefix + name)
			continue
		}
		fi, err := root.Lstat(path.Join(g.dir, name))
		if err != nil {
			continue
		}
		if o.Format == FormatNLST {
			if !l.isDir(fi, name) {
				l.nameLine(g.prefix + name)
			}
			continue
		}
		l.entry(fi, name)
	}
	return l.flush()
}

func globErr(err error) error { return fmt.Errorf("xfer: glob: %w", err) }
