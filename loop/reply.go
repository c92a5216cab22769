package loop

import (
	"errors"
	"io/fs"
	"syscall"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/xfer"
)

// Reply is what a handler returns. The zero Reply (noReply) means a job
// was started and will answer.
type Reply struct {
	Code codec.Code
	Msg  string
}

var noReply = Reply{}

// parseErrorReply maps codec's command-parsing errors to replies.
func parseErrorReply(err error) Reply {
	switch {
	case errors.Is(err, codec.ErrBadChar):
		return Reply{codec.CodeArgSyntax, "Invalid character in command."}
	case errors.Is(err, codec.ErrEmpty):
		return Reply{codec.CodeSyntax, "Empty command."}
	default:
		return Reply{codec.CodeSyntax, "Syntax error, command unrecognized."}
	}
}

// fsReply maps a file-system error to the reply a client gets. It is the
// only place that does: err.Error() never reaches a client.
func fsReply(err error) Reply {
	switch {
	case errors.Is(err, fsys.ErrEscape), errors.Is(err, fsys.ErrReadOnly), errors.Is(err, fs.ErrPermission),
		errors.Is(err, errDenied):
		return Reply{codec.CodeFileUnavailable, "Permission denied."}
	case errors.Is(err, fsys.ErrBadOffset):
		return Reply{codec.CodeBadRestOffset, "Invalid REST offset."}
	case errors.Is(err, fsys.ErrNotRegular):
		return Reply{codec.CodeFileUnavailable, "Not a regular file."}
	case errors.Is(err, fsys.ErrIsDir):
		return Reply{codec.CodeFileUnavailable, "Is a directory."}
	case errors.Is(err, fsys.ErrNotDir):
		return Reply{codec.CodeFileUnavailable, "Not a directory."}
	case errors.Is(err, fs.ErrNotExist):
		return Reply{codec.CodeFileUnavailable, "No such file or directory."}
	case errors.Is(err, fs.ErrExist):
		return Reply{codec.CodeFileUnavailable, "File exists."}
	case errors.Is(err, syscall.ENOTEMPTY):
		return Reply{codec.CodeFileUnavailable, "Directory not empty."}
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return Reply{codec.CodeInsufficientStorage, "Insufficient storage space."}
	case errors.Is(err, syscall.EFBIG):
		// The file outgrew what the file system or RLIMIT_FSIZE allows.
		return Reply{codec.CodeExceededStorage, "Exceeded storage allocation."}
	case errors.Is(err, syscall.ENAMETOOLONG), errors.Is(err, syscall.EINVAL):
		return Reply{codec.CodeBadFileName, "File name not allowed."}
	case errors.Is(err, xfer.ErrDataConn):
		return Reply{codec.CodeTransferAborted, "Connection closed; transfer aborted."}
	case errors.Is(err, xfer.ErrBusy):
		return Reply{codec.CodeFileBusy, "Server busy, try again later."}
	default:
		return Reply{codec.CodeLocalError, "Requested action aborted: local error in processing."}
	}
}
