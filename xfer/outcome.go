package xfer

import (
	"errors"
	"io/fs"
	"strconv"
	"syscall"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// Kind says how a job ended. The zero Kind is LocalError, so an outcome
// nobody filled in answers 451 rather than success.
type Kind uint8

// The kinds of outcome. The comment of each is the reply code it answers
// with (Kind.Code); the reply's text is the loop's (loop/reply.go).
const (
	LocalError Kind = iota // 451: an error with no better class (or none at all)

	// File-system errors, classified by Fail.
	Denied     // 550: the Authorizer, the root or the read-only view refused
	BadOffset  // 554: REST beyond what the file allows
	NotRegular // 550: not a regular file
	IsDir      // 550: a directory where a file was wanted
	NotDir     // 550: not a directory (also CWD and MLSD on a file)
	NotExist   // 550: no such file or directory
	Exists     // 550: the name is taken
	NotEmpty   // 550: RMD of a directory that is not empty
	NoSpace    // 452: ENOSPC or EDQUOT
	TooBig     // 552: EFBIG
	BadName    // 553: ENAMETOOLONG or EINVAL
	Busy       // 450: the worker pool is full
	BadPattern // 501: a LIST/NLST/STAT pattern path.Match refuses, or too long (glob.go)
	TooMany    // 550: a pattern in a directory with more entries than GlobMaxScan

	// Transfers.
	Aborted  // 426: ABOR, the session closing, or the data connection failing
	NoData   // 425: the data connection never opened
	NoReuse  // 522: a PROT P data connection did not resume the control session
	DataTLS  // 425: the PROT P handshake on the data connection failed
	Complete // 226: the transfer completed
	StoredAs // 226: STOU completed, under Name

	// File-system commands.
	DirChanged  // 250: CWD to Path, with the README text in Text
	DirCreated  // 257: MKD of Path
	DirRemoved  // 250: RMD
	Deleted     // 250: DELE
	RenameReady // 350: RNFR of Path, waiting for RNTO
	Renamed     // 250: RNTO
	Size        // 213: SIZE, in Size
	NoSize      // 550: SIZE of something that is not a regular file
	ModTime     // 213: MDTM, in Time
	ModTimeSet  // 213: MFMT of Path, to the stamp in Text
	ModeChanged // 200: SITE CHMOD
	Facts       // 250: MLST of Path, its facts line in Text
	Status      // 213: STAT of Path, the listing in Text

	// Logins. Their replies depend on session state (the welcome, the
	// count of failures), so the loop's settle builds them.
	LoggedIn     // 230: the password was right; Identity lands at Entry
	CertLoggedIn // 232: a client certificate vouched for Identity, landing at Entry
	LoginFailed  // 530: wrong password, unknown user, or no home to land in

	// Checksum commands (hash.go).
	Hashed      // 213: HASH, the reply's text in Text
	XHashed     // 250: XCRC, XMD5, XSHA1, XSHA256, XSHA512, the reply's text in Text
	HashRange   // 501: a checksum range that ends beyond the end of the file
	HashTooBig  // 556: HASH of more bytes than HashJob.MaxBytes (the X* commands get Denied)
	NotHashable // 553: HASH of a directory or a special file (the X* commands get NotRegular or IsDir)
	// The verifying sink (synth.go): the reply's text, in Text, says what
	// was checked or the first offset that went wrong.
	Verified // 226: an upload into the sink matched (or was counted only)
	Mismatch // 451: an upload into the sink differed from its synthetic content

	kindCount
)

var kindNames = [kindCount]string{
	LocalError: "LocalError", Denied: "Denied", BadOffset: "BadOffset", NotRegular: "NotRegular", IsDir: "IsDir",
	NotDir: "NotDir", NotExist: "NotExist", Exists: "Exists", NotEmpty: "NotEmpty", NoSpace: "NoSpace",
	TooBig: "TooBig", BadName: "BadName", Busy: "Busy", Aborted: "Aborted", NoData: "NoData", NoReuse: "NoReuse",
	DataTLS: "DataTLS", Complete: "Complete", StoredAs: "StoredAs", DirChanged: "DirChanged",
	DirCreated: "DirCreated", DirRemoved: "DirRemoved", Deleted: "Deleted", RenameReady: "RenameReady",
	Renamed: "Renamed", Size: "Size", NoSize: "NoSize", ModTime: "ModTime", ModTimeSet: "ModTimeSet",
	ModeChanged: "ModeChanged", Facts: "Facts", Status: "Status", LoggedIn: "LoggedIn",
	CertLoggedIn: "CertLoggedIn", LoginFailed: "LoginFailed",
	BadPattern: "BadPattern", TooMany: "TooMany",
	Hashed: "Hashed", XHashed: "XHashed", HashRange: "HashRange", HashTooBig: "HashTooBig", NotHashable: "NotHashable",
	Verified: "Verified", Mismatch: "Mismatch",
}

var kindCodes = [kindCount]codec.Code{
	LocalError: codec.CodeLocalError, Denied: codec.CodeFileUnavailable, BadOffset: codec.CodeBadRestOffset,
	NotRegular: codec.CodeFileUnavailable, IsDir: codec.CodeFileUnavailable, NotDir: codec.CodeFileUnavailable,
	NotExist: codec.CodeFileUnavailable, Exists: codec.CodeFileUnavailable, NotEmpty: codec.CodeFileUnavailable,
	NoSpace: codec.CodeInsufficientStorage, TooBig: codec.CodeExceededStorage, BadName: codec.CodeBadFileName,
	Busy: codec.CodeFileBusy, Aborted: codec.CodeTransferAborted, NoData: codec.CodeCantOpenData,
	NoReuse: codec.CodeNetProtoUnsupported, DataTLS: codec.CodeCantOpenData, Complete: codec.CodeTransferComplete,
	StoredAs: codec.CodeTransferComplete, DirChanged: codec.CodeFileActionOK, DirCreated: codec.CodePathCreated,
	DirRemoved: codec.CodeFileActionOK, Deleted: codec.CodeFileActionOK, RenameReady: codec.CodePending,
	Renamed: codec.CodeFileActionOK, Size: codec.CodeFileStatus, NoSize: codec.CodeFileUnavailable,
	ModTime: codec.CodeFileStatus, ModTimeSet: codec.CodeFileStatus, ModeChanged: codec.CodeOK,
	Facts: codec.CodeFileActionOK, Status: codec.CodeFileStatus,
	LoggedIn: codec.CodeLoggedIn, CertLoggedIn: codec.CodeLoggedInSecure, LoginFailed: codec.CodeNotLoggedIn,
	BadPattern: codec.CodeArgSyntax, TooMany: codec.CodeFileUnavailable,
	Hashed: codec.CodeFileStatus, XHashed: codec.CodeFileActionOK, HashRange: codec.CodeArgSyntax,
	HashTooBig: codec.CodeHashPolicy, NotHashable: codec.CodeHashNotFile,
	Verified: codec.CodeTransferComplete, Mismatch: codec.CodeLocalError,
}

func (k Kind) String() string {
	if k < kindCount {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Code is the reply code an outcome of kind k answers with. It lives here,
// beside the kinds, because the worker needs it too: the transfer log
// records the final reply's code, and the log line is written on the
// worker, also for a session that is gone before its result is read.
func (k Kind) Code() codec.Code {
	if k < kindCount {
		return kindCodes[k]
	}
	return codec.CodeLocalError
}

// Outcome is what a job returns: how it ended and the few values the reply
// or the session needs. Which fields are set depends on Kind (see the
// constants). Err is the first error, kept for logs and tests: it never
// reaches a client, since the reply is chosen by Kind alone.
type Outcome struct {
	Kind Kind
	Err  error
	Path string    // the virtual path the outcome is about (CWD, MKD, RNFR, MFMT, MLST, STAT)
	Text string    // README text (CWD), facts line (MLST), listing (STAT), time stamp (MFMT), the sink's verdict
	Name string    // the name STOU chose
	Size int64     // SIZE
	Time time.Time // MDTM

	Identity auth.Identity // LoggedIn, CertLoggedIn: who
	Entry    Entry         // LoggedIn, CertLoggedIn: where the login lands
}

// Release frees what the outcome holds when nobody will apply it (the
// session closed first): a jailed login's root.
func (o *Outcome) Release() {
	if o.Kind == LoggedIn || o.Kind == CertLoggedIn {
		o.Entry.Drop()
	}
}

// Fail classifies a file-system, copy or data-connection error into its
// outcome. It is the only place that does: the reply then follows from
// the Kind. Runs on a worker.
func Fail(err error) Outcome {
	return Outcome{Kind: classify(err), Err: err}
}

// classify is Fail's table, in the order the errors are told apart: an
// error matching several sentinels takes the first. Runs on a worker.
func classify(err error) Kind {
	switch {
	case err == nil:
		return LocalError
	case errors.Is(err, fsys.ErrEscape), errors.Is(err, fsys.ErrReadOnly), errors.Is(err, fs.ErrPermission),
		errors.Is(err, ErrDenied):
		return Denied
	case errors.Is(err, fsys.ErrBadOffset):
		return BadOffset
	case errors.Is(err, fsys.ErrNotRegular):
		return NotRegular
	case errors.Is(err, fsys.ErrIsDir):
		return IsDir
	case errors.Is(err, fsys.ErrNotDir):
		return NotDir
	case errors.Is(err, fs.ErrNotExist):
		return NotExist
	case errors.Is(err, fs.ErrExist):
		return Exists
	case errors.Is(err, syscall.ENOTEMPTY):
		return NotEmpty
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return NoSpace
	case errors.Is(err, syscall.EFBIG):
		// The file outgrew what the file system or RLIMIT_FSIZE allows.
		return TooBig
	case errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.EINVAL):
		return BadName
	case errors.Is(err, ErrDataConn):
		return Aborted
	case errors.Is(err, ErrBusy):
		return Busy
	case errors.Is(err, ErrBadPattern):
		return BadPattern
	case errors.Is(err, ErrTooManyEntries):
		return TooMany
	default:
		return LocalError
	}
}

// logTransfer finishes rec with how the transfer went and writes it.
// Logger.Transfer never blocks. Runs on a worker.
func logTransfer(log *ftplog.Logger, rec *ftplog.Transfer, k Kind) {
	rec.Status = int(k.Code())
	rec.Complete = rec.Status == int(codec.CodeTransferComplete) || k == Deleted
	log.Transfer(rec)
}
