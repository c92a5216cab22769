package loop

import (
	"errors"
	"strconv"

	"github.com/ftpsd/ftpsd/codec"
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

// outcomeText is the reply text of each outcome kind whose text is fixed;
// the code is the kind's (xfer.Kind.Code). Together with outcomeReply it is
// the one table from a job's outcome to its reply.
var outcomeText = [...]string{
	xfer.LocalError:   "Requested action aborted: local error in processing.",
	xfer.LoggedIn:     "Login successful.",
	xfer.CertLoggedIn: "User logged in, authorized by TLS client certificate.",
	xfer.LoginFailed:  "Login incorrect.",
	xfer.Denied:       "Permission denied.",
	xfer.BadOffset:    "Invalid REST offset.",
	xfer.NotRegular:   "Not a regular file.",
	xfer.IsDir:        "Is a directory.",
	xfer.NotDir:       "Not a directory.",
	xfer.NotExist:     "No such file or directory.",
	xfer.Exists:       "File exists.",
	xfer.NotEmpty:     "Directory not empty.",
	xfer.NoSpace:      "Insufficient storage space.",
	xfer.TooBig:       "Exceeded storage allocation.",
	xfer.BadName:      "File name not allowed.",
	xfer.Busy:         "Server busy, try again later.",
	xfer.Aborted:      "Connection closed; transfer aborted.",
	xfer.NoData:       "Can't open data connection.",
	xfer.NoReuse:      "TLS session of data connection not resumed: session reuse required.",
	xfer.DataTLS:      "TLS handshake on the data connection failed.",
	xfer.Complete:     "Transfer complete.",
	xfer.DirRemoved:   "Remove directory operation successful.",
	xfer.Deleted:      "Delete operation successful.",
	xfer.RenameReady:  "Ready for RNTO.",
	xfer.Renamed:      "Rename successful.",
	xfer.NoSize:       "Could not get file size.",
	xfer.ModeChanged:  "SITE CHMOD command ok.",
	xfer.BadPattern:   "Bad pattern.",
	xfer.TooMany:      "Too many directory entries to match a pattern against; list the directory instead.",
	xfer.HashRange:    "Range exceeds the file size.",
	xfer.HashTooBig:   "File too large to hash.",
	xfer.NotHashable:  "Not a regular file.",
}

// outcomeReply maps a job's outcome to the reply a client gets. It is the
// only place that does, and it looks at the kind and the values the
// outcome carries, never at its error: err.Error() never reaches a client.
func outcomeReply(o *xfer.Outcome) Reply {
	code := o.Kind.Code()
	switch o.Kind {
	case xfer.StoredAs:
		return Reply{code, "Transfer complete, stored as " + codec.ShownName(o.Name) + "."}
	case xfer.DirChanged:
		if o.Text != "" {
			return Reply{code, o.Text + "\nDirectory successfully changed."}
		}
		return Reply{code, "Directory successfully changed."}
	case xfer.DirCreated:
		return Reply{code, quotedPath(o.Path, " directory created.")}
	case xfer.Size:
		return Reply{code, strconv.FormatInt(o.Size, 10)}
	case xfer.ModTime:
		return Reply{code, string(codec.AppendTime(nil, o.Time))}
	case xfer.ModTimeSet:
		return Reply{code, "Modify=" + o.Text + "; " + codec.ShownName(o.Path)}
	case xfer.Facts:
		return Reply{code, "Listing " + codec.ShownName(o.Path) + "\n" + o.Text + "\nEnd."}
	case xfer.Hashed, xfer.XHashed:
		return Reply{code, o.Text}
	case xfer.Verified, xfer.Mismatch:
		return Reply{code, o.Text} // the sink's verdict (xfer/synth.go)
	case xfer.Status:
		if o.Text == "" {
			// An empty directory: no blank line between the two.
			return Reply{code, "Status of " + codec.ShownName(o.Path) + ":\nEnd of status."}
		}
		return Reply{code, "Status of " + codec.ShownName(o.Path) + ":\n" + o.Text + "\nEnd of status."}
	}
	if int(o.Kind) < len(outcomeText) && outcomeText[o.Kind] != "" {
		return Reply{code, outcomeText[o.Kind]}
	}
	return Reply{codec.CodeLocalError, outcomeText[xfer.LocalError]}
}

// settle applies, on the loop, what a job's outcome changes in the
// session, and returns its reply: CWD enters the directory, RNFR
// remembers its source for RNTO.
func (s *Session) settle(o *xfer.Outcome) (codec.Code, string) {
	switch o.Kind {
	case xfer.LoggedIn, xfer.CertLoggedIn, xfer.LoginFailed:
		return s.settleLogin(o)
	case xfer.DirChanged:
		s.cwd = o.Path
	case xfer.RenameReady:
		s.renameFrom = o.Path
	case xfer.NoReuse:
		s.logNoReuse()
	}
	r := outcomeReply(o)
	return r.Code, r.Msg
}
