package loop

import (
	"bytes"
	"io/fs"
	"strconv"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/xfer"
)

// fsJob builds the job of a file-system command on arg, a path resolved
// against the working directory. The worker that runs it must not read
// session fields: everything it needs is copied in here.
func (s *Session) fsJob(op xfer.FSOp, arg []byte) *xfer.FSJob {
	j := &xfer.FSJob{Op: op, FS: s.fs, Path: codec.Join(s.cwd, string(arg)), Verb: s.verb, Access: s.acc}
	j.Synth = s.srv.cfg.Synth
	return j
}

// startFS runs a file-system job; its outcome answers the command.
func (s *Session) startFS(j *xfer.FSJob) Reply { return s.startJob(false, nil, j) }

// CWD changes the working directory once a worker has checked it exists;
// the session enters it when the outcome comes back (settle).
func cmdCWD(s *Session, arg []byte) Reply {
	j := s.fsJob(xfer.OpChdir, arg)
	if find := s.host.Readme; find != nil {
		j.Readme = &xfer.Readme{Find: find, Root: s.host.absRoot, Prefix: s.viewPrefix}
	}
	return s.startFS(j)
}

// CDUP is CWD "..".
func cmdCDUP(s *Session, _ []byte) Reply { return cmdCWD(s, []byte("..")) }

// PWD answers from the session: no disk access.
func cmdPWD(s *Session, _ []byte) Reply {
	return Reply{codec.CodePathCreated, quotedPath(s.cwd, " is the current directory.")}
}

// quotedPath formats a 257 text: the path in quotes with embedded quotes
// doubled (RFC 959 appendix II).
func quotedPath(path, tail string) string {
	b := codec.AppendQuoted(make([]byte, 0, len(path)+len(tail)+4), path)
	return string(append(b, tail...))
}

func cmdMKD(s *Session, arg []byte) Reply { return s.startFS(s.fsJob(xfer.OpMkdir, arg)) }

func cmdRMD(s *Session, arg []byte) Reply { return s.startFS(s.fsJob(xfer.OpRmdir, arg)) }

// DELE removes a file; the transfer log records it with direction d.
func cmdDELE(s *Session, arg []byte) Reply {
	j := s.fsJob(xfer.OpDelete, arg)
	if log := s.host.Log; log.Wants(ftplog.Transfers) {
		j.Log, j.Record = log, s.transferRecord(j.Path)
	}
	return s.startFS(j)
}

// RNFR remembers an existing path for the RNTO that must follow; the
// session remembers it when the outcome comes back (settle).
func cmdRNFR(s *Session, arg []byte) Reply { return s.startFS(s.fsJob(xfer.OpRenameFrom, arg)) }

func cmdRNTO(s *Session, arg []byte) Reply {
	from := s.renameFrom
	s.renameFrom = ""
	if from == "" {
		return Reply{codec.CodeBadSequence, "RNFR required first."}
	}
	j := s.fsJob(xfer.OpRenameTo, arg)
	j.From = from
	return s.startFS(j)
}

// SIZE answers a regular file's size in bytes (RFC 3659 §4).
func cmdSIZE(s *Session, arg []byte) Reply { return s.startFS(s.fsJob(xfer.OpSize, arg)) }

// MDTM answers a file's modification time in UTC (RFC 3659 §3).
func cmdMDTM(s *Session, arg []byte) Reply { return s.startFS(s.fsJob(xfer.OpModTime, arg)) }

// MFMT sets a file's modification time (draft-somers-ftp-mfxx).
func cmdMFMT(s *Session, arg []byte) Reply {
	sp := bytes.IndexByte(arg, ' ')
	if sp <= 0 || sp == len(arg)-1 {
		return Reply{codec.CodeArgSyntax, "Syntax: MFMT YYYYMMDDHHMMSS path."}
	}
	t, err := codec.ParseTime(arg[:sp])
	if err != nil {
		return Reply{codec.CodeArgSyntax, "Bad time value."}
	}
	j := s.fsJob(xfer.OpSetModTime, arg[sp+1:])
	j.Time, j.Stamp = t, string(arg[:sp])
	return s.startFS(j)
}

// SITE CHMOD and SITE HELP.
func cmdSITE(s *Session, arg []byte) Reply {
	sub, rest, _ := bytes.Cut(arg, []byte(" "))
	switch string(upper(sub)) {
	case "HELP":
		return Reply{codec.CodeHelp, "CHMOD HELP"}
	case "CHMOD":
		if s.ident.ReadOnly {
			return Reply{codec.CodeFileUnavailable, "Permission denied."}
		}
		modeArg, path, ok := bytes.Cut(rest, []byte(" "))
		mode, err := strconv.ParseUint(string(modeArg), 8, 32)
		if !ok || len(path) == 0 || err != nil || mode > 0o7777 {
			return Reply{codec.CodeArgSyntax, "Syntax: SITE CHMOD mode path."}
		}
		j := s.fsJob(xfer.OpChmod, path)
		j.Mode = fs.FileMode(mode)
		return s.startFS(j)
	}
	return Reply{codec.CodeParamNotImplemented, "Unknown SITE command."}
}

// MLST answers one entry's facts on the control channel (RFC 3659 §7).
func cmdMLST(s *Session, arg []byte) Reply {
	j := s.fsJob(xfer.OpFacts, arg)
	j.Facts, j.Perm = s.facts, s.permFunc()
	return s.startFS(j)
}

// permFunc returns the MLSx perm fact for the session's rights (RFC 3659
// §7.5.5); the workers that write facts call it.
func (s *Session) permFunc() func(fs.FileInfo) string { return xfer.PermFact(s.ident.ReadOnly) }
