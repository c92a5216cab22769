package xfer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// FSOp is the file-system command an FSJob carries out.
type FSOp uint8

const (
	OpChdir      FSOp = iota // CWD, CDUP: Path must be a directory; its README is read
	OpMkdir                  // MKD
	OpRmdir                  // RMD
	OpDelete                 // DELE, logged in the transfer log
	OpRenameFrom             // RNFR: Path must exist
	OpRenameTo               // RNTO: From becomes Path
	OpSize                   // SIZE
	OpModTime                // MDTM
	OpSetModTime             // MFMT: Path gets Time (sent as Stamp)
	OpChmod                  // SITE CHMOD: Path gets Mode
	OpFacts                  // MLST
	OpStatus                 // STAT with a path: the listing on the control channel
)

var fsOpNames = [...]string{
	OpChdir: "CWD", OpMkdir: "MKD", OpRmdir: "RMD", OpDelete: "DELE", OpRenameFrom: "RNFR", OpRenameTo: "RNTO",
	OpSize: "SIZE", OpModTime: "MDTM", OpSetModTime: "MFMT", OpChmod: "SITE CHMOD", OpFacts: "MLST", OpStatus: "STAT",
}

func (o FSOp) String() string {
	if int(o) < len(fsOpNames) {
		return fsOpNames[o]
	}
	return "FSOp(" + strconv.Itoa(int(o)) + ")"
}

// maxReadme bounds a README file shown with CWD's reply.
const maxReadme = 8 << 10

// Readme is a host's FTPReadmeMessage for CWD: Find gets the paths
// Authorizer.Allow gets (HostPaths of Root, Prefix and the directory) and
// returns literal text, or a file of the directory to show.
type Readme struct {
	Find   func(fsPath, virtualPath string) (text, file string)
	Root   string // the host's Root, absolute
	Prefix string // where the login's view is rooted under Root
}

// FSJob is one file-system command that answers on the control channel.
// The loop builds it from the session; Run checks the Authorizer, does the
// operation and returns its Outcome, whose Path and Text carry what the
// session applies (CWD's new directory, RNFR's source) and what the reply
// shows.
type FSJob struct {
	Op     FSOp
	FS     *fsys.FS
	Path   string  // the virtual path, joined to the working directory
	Verb   string  // the command as the Authorizer sees it
	Access *Access // nil: no Authorizer

	From   string      // OpRenameTo: the path RNFR accepted
	Mode   fs.FileMode // OpChmod
	Time   time.Time   // OpSetModTime
	Stamp  string      // OpSetModTime: the time as the client wrote it, for the reply
	Readme *Readme     // OpChdir: nil when the host shows none
	Facts  codec.Facts // OpFacts
	Perm   func(fs.FileInfo) string
	List   ListOptions // OpStatus

	// OpDelete: when Log wants transfers, Record (as far as the loop
	// filled it) is completed and written after the removal.
	Log    *ftplog.Logger
	Record ftplog.Transfer

	// Synth is the synthetic tree and the sink, a file system beside FS
	// chosen by path prefix (synth.go); nil: none.
	Synth *synth.FS
}

// Run carries out the operation. Runs on a worker.
func (j *FSJob) Run(_ context.Context, _ Progress) Outcome {
	if err := j.Access.Check(j.Verb, j.Path); err != nil {
		return Fail(err)
	}
	if n := j.Synth.Lookup(j.Path); n.Kind != synth.NotMine {
		return j.runSynth(n) // synth.go
	}
	if j.Op == OpRenameTo && j.Synth.Lookup(j.From).Kind != synth.NotMine {
		return synthDenied
	}
	f, p := j.FS, j.Path
	switch j.Op {
	case OpChdir:
		return j.chdir()
	case OpMkdir:
		if err := f.Mkdir(p); err != nil {
			return Fail(err)
		}
		return Outcome{Kind: DirCreated, Path: p}
	case OpRmdir:
		if p == "/" {
			return Outcome{Kind: Denied}
		}
		if err := f.RemoveDir(p); err != nil {
			if errors.Is(err, fsys.ErrExist) {
				return Outcome{Kind: NotEmpty, Err: err}
			}
			return Fail(err)
		}
		return Outcome{Kind: DirRemoved}
	case OpDelete:
		return j.delete()
	case OpRenameFrom:
		if _, err := f.Lstat(p); err != nil {
			return Fail(err)
		}
		return Outcome{Kind: RenameReady, Path: p}
	case OpRenameTo:
		if err := f.Rename(j.From, p); err != nil {
			return Fail(err)
		}
		return Outcome{Kind: Renamed}
	case OpSize:
		fi, err := f.Stat(p)
		if err != nil {
			return Fail(err)
		}
		if !fi.Mode().IsRegular() {
			return Outcome{Kind: NoSize}
		}
		return Outcome{Kind: Size, Size: fi.Size()}
	case OpModTime:
		fi, err := f.Stat(p)
		if err != nil {
			return Fail(err)
		}
		return Outcome{Kind: ModTime, Time: fi.ModTime()}
	case OpSetModTime:
		if err := f.Chtimes(p, j.Time); err != nil {
			return Fail(err)
		}
		return Outcome{Kind: ModTimeSet, Path: p, Text: j.Stamp}
	case OpChmod:
		if err := f.Chmod(p, j.Mode); err != nil {
			return Fail(err)
		}
		return Outcome{Kind: ModeChanged}
	case OpFacts:
		fi, err := f.Stat(p)
		if err != nil {
			return Fail(err)
		}
		line := append([]byte(" "), codec.AppendMLSx(nil, fi, p, j.Facts, j.Perm(fi))...)
		return Outcome{Kind: Facts, Path: p, Text: strings.TrimRight(string(line), "\r\n")}
	case OpStatus:
		// Stat follows links, so one that leaves the root is refused
		// here as for LIST and CWD.
		var buf bytes.Buffer
		if _, err := f.Stat(p); err != nil {
			// Not a name: perhaps a pattern (glob.go).
			g, err := expandGlob(f, p, err, j.List)
			if err == nil {
				err = j.Access.Check(j.Verb, g.dir)
			}
			if err == nil {
				err = g.write(&buf, f, j.List)
			}
			if err != nil {
				return Fail(err)
			}
		} else if err := WriteListing(&buf, f, p, j.List); err != nil {
			return Fail(err)
		}
		text := strings.TrimRight(strings.ReplaceAll(buf.String(), "\r\n", "\n"), "\n")
		return Outcome{Kind: Status, Path: p, Text: text}
	}
	return Outcome{Kind: LocalError}
}

// chdir checks that the directory exists and reads its README. Runs on a
// worker.
func (j *FSJob) chdir() Outcome {
	fi, err := j.FS.Stat(j.Path)
	if err != nil {
		return Fail(err)
	}
	if !fi.IsDir() {
		return Outcome{Kind: NotDir}
	}
	return Outcome{Kind: DirChanged, Path: j.Path, Text: j.readme()}
}

// readme returns the README text for the directory entered, "" when there
// is none or it may not be read. Runs on a worker.
func (j *FSJob) readme() string {
	if j.Readme == nil || j.Readme.Find == nil {
		return ""
	}
	dir := j.Path
	text, file := j.Readme.Find(HostPaths(j.Readme.Root, j.Readme.Prefix, dir))
	if file == "" {
		return text
	}
	file = codec.Join(dir, file)
	// Shown to whoever enters the directory: only if they could RETR it
	// (a README that is a link to a denied file stays unread).
	if j.Access.Check("RETR", file) != nil {
		return ""
	}
	r, err := j.FS.Open(file)
	if err != nil {
		return ""
	}
	defer r.Close()
	b, _ := io.ReadAll(io.LimitReader(r, maxReadme))
	return strings.TrimRight(strings.ReplaceAll(string(b), "\r", ""), "\n")
}

// delete removes a file and writes its transfer-log line. Runs on a worker.
func (j *FSJob) delete() Outcome {
	fi, _ := j.FS.Lstat(j.Path)
	if err := j.FS.Remove(j.Path); err != nil {
		return Fail(err)
	}
	if j.Log.Wants(ftplog.Transfers) {
		rec := &j.Record
		rec.Start, rec.Direction = time.Now(), ftplog.DirDeleted
		if fi != nil {
			rec.Bytes = fi.Size()
		}
		logTransfer(j.Log, rec, Deleted)
	}
	return Outcome{Kind: Deleted}
}

// PermFact returns the MLSx perm fact of a login's rights (RFC 3659
// §7.5.5), for ListOptions.Perm and FSJob.Perm. The function it returns
// runs on a worker.
func PermFact(readOnly bool) func(fs.FileInfo) string {
	if readOnly {
		return permReadOnly
	}
	return permReadWrite
}

func permReadOnly(fi fs.FileInfo) string {
	if fi.IsDir() {
		return "el"
	}
	return "r"
}

func permReadWrite(fi fs.FileInfo) string {
	if fi.IsDir() {
		return "cdeflmp"
	}
	return "adfrw"
}
