package loop

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// fsJob runs fn on a worker with a path resolved against the working
// directory; fn must not touch the session.
func (s *Session) fsJob(arg []byte, fn func(fsys fsView, path string) delayed) Reply {
	path, fsys, acc, verb := codec.Join(s.cwd, string(arg)), s.fs, s.acc, s.verb
	return s.start(false, func(*job) delayed {
		if err := acc.check(verb, path); err != nil {
			return fromReply(fsReply(err))
		}
		return fn(fsys, path)
	})
}

// CWD changes the working directory once a worker has checked it exists.
func cmdCWD(s *Session, arg []byte) Reply {
	readme := s.readme()
	return s.fsJob(arg, func(f fsView, path string) delayed {
		fi, err := f.Stat(path)
		if err != nil {
			return fromReply(fsReply(err))
		}
		if !fi.IsDir() {
			return done(codec.CodeFileUnavailable, "Not a directory.")
		}
		msg := "Directory successfully changed."
		if readme != nil {
			if text := readme(f, path); text != "" {
				msg = text + "\n" + msg
			}
		}
		return doneApply(func(s *Session) (codec.Code, string) {
			s.cwd = path
			return codec.CodeFileActionOK, msg
		})
	})
}

// maxReadme bounds a README file shown with CWD's reply.
const maxReadme = 8 << 10

// readme returns the FTPReadmeMessage lookup for the session's host, to run
// on the worker for the directory entered; nil when there is none.
func (s *Session) readme() func(f fsView, dir string) string {
	find := s.host.Readme
	if find == nil {
		return nil
	}
	prefix, root, acc := s.viewPrefix, s.host.absRoot, s.acc
	return func(f fsView, dir string) string {
		text, file := find(hostPaths(root, prefix, dir))
		if file == "" {
			return text
		}
		file = codec.Join(dir, file)
		// Shown to whoever enters the directory: only if they could
		// RETR it (a README that is a link to a denied file stays unread).
		if acc.check("RETR", file) != nil {
			return ""
		}
		r, err := f.Open(file)
		if err != nil {
			return ""
		}
		defer r.Close()
		b, _ := io.ReadAll(io.LimitReader(r, maxReadme))
		return strings.TrimRight(strings.ReplaceAll(string(b), "\r", ""), "\n")
	}
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

func cmdMKD(s *Session, arg []byte) Reply {
	return s.fsJob(arg, func(f fsView, path string) delayed {
		if err := f.Mkdir(path); err != nil {
			return fromReply(fsReply(err))
		}
		return done(codec.CodePathCreated, quotedPath(path, " directory created."))
	})
}

func cmdRMD(s *Session, arg []byte) Reply {
	return s.fsJob(arg, func(f fsView, path string) delayed {
		if path == "/" {
			return done(codec.CodeFileUnavailable, "Permission denied.")
		}
		if err := f.RemoveDir(path); err != nil {
			if errors.Is(err, fsys.ErrExist) {
				return done(codec.CodeFileUnavailable, "Directory not empty.")
			}
			return fromReply(fsReply(err))
		}
		return done(codec.CodeFileActionOK, "Remove directory operation successful.")
	})
}

// DELE removes a file; the transfer log records it with direction d.
func cmdDELE(s *Session, arg []byte) Reply {
	log := s.host.Log
	var rec ftplog.Transfer
	if log.Wants(ftplog.Transfers) {
		rec = s.transferRecord(codec.Join(s.cwd, string(arg)))
	}
	return s.fsJob(arg, func(f fsView, path string) delayed {
		fi, _ := f.Lstat(path)
		if err := f.Remove(path); err != nil {
			return fromReply(fsReply(err))
		}
		if log.Wants(ftplog.Transfers) {
			rec.Start, rec.Direction, rec.Complete, rec.Status = time.Now(), ftplog.DirDeleted, true, int(codec.CodeFileActionOK)
			if fi != nil {
				rec.Bytes = fi.Size()
			}
			log.Transfer(&rec)
		}
		return done(codec.CodeFileActionOK, "Delete operation successful.")
	})
}

// RNFR remembers an existing path for the RNTO that must follow.
func cmdRNFR(s *Session, arg []byte) Reply {
	return s.fsJob(arg, func(f fsView, path string) delayed {
		if _, err := f.Lstat(path); err != nil {
			return fromReply(fsReply(err))
		}
		return doneApply(func(s *Session) (codec.Code, string) {
			s.renameFrom = path
			return codec.CodePending, "Ready for RNTO."
		})
	})
}

func cmdRNTO(s *Session, arg []byte) Reply {
	from := s.renameFrom
	s.renameFrom = ""
	if from == "" {
		return Reply{codec.CodeBadSequence, "RNFR required first."}
	}
	return s.fsJob(arg, func(f fsView, path string) delayed {
		if err := f.Rename(from, path); err != nil {
			return fromReply(fsReply(err))
		}
		return done(codec.CodeFileActionOK, "Rename successful.")
	})
}

// SIZE answers a regular file's size in bytes (RFC 3659 §4).
func cmdSIZE(s *Session, arg []byte) Reply {
	return s.fsJob(arg, func(f fsView, path string) delayed {
		fi, err := f.Stat(path)
		if err != nil {
			return fromReply(fsReply(err))
		}
		if !fi.Mode().IsRegular() {
			return done(codec.CodeFileUnavailable, "Could not get file size.")
		}
		return done(codec.CodeFileStatus, strconv.FormatInt(fi.Size(), 10))
	})
}

// MDTM answers a file's modification time in UTC (RFC 3659 §3).
func cmdMDTM(s *Session, arg []byte) Reply {
	return s.fsJob(arg, func(f fsView, path string) delayed {
		fi, err := f.Stat(path)
		if err != nil {
			return fromReply(fsReply(err))
		}
		return done(codec.CodeFileStatus, string(codec.AppendTime(nil, fi.ModTime())))
	})
}

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
	stamp := string(arg[:sp])
	return s.fsJob(arg[sp+1:], func(f fsView, path string) delayed {
		if err := f.Chtimes(path, t); err != nil {
			return fromReply(fsReply(err))
		}
		return done(codec.CodeFileStatus, "Modify="+stamp+"; "+path)
	})
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
		return s.fsJob(path, func(f fsView, path string) delayed {
			if err := f.Chmod(path, fs.FileMode(mode)); err != nil {
				return fromReply(fsReply(err))
			}
			return done(codec.CodeOK, "SITE CHMOD command ok.")
		})
	}
	return Reply{codec.CodeParamNotImplemented, "Unknown SITE command."}
}

// MLST answers one entry's facts on the control channel (RFC 3659 §7).
func cmdMLST(s *Session, arg []byte) Reply {
	facts, perm := s.facts, s.permFunc()
	return s.fsJob(arg, func(f fsView, path string) delayed {
		fi, err := f.Stat(path)
		if err != nil {
			return fromReply(fsReply(err))
		}
		line := append([]byte(" "), codec.AppendMLSx(nil, fi, path, facts, perm(fi))...)
		msg := "Listing " + path + "\n" + strings.TrimRight(string(line), "\r\n") + "\nEnd."
		return done(codec.CodeFileActionOK, msg)
	})
}

// permFunc returns the MLSx perm fact for the session's rights (RFC 3659 §7.5.5).
func (s *Session) permFunc() func(fs.FileInfo) string {
	if s.ident.ReadOnly {
		return func(fi fs.FileInfo) string {
			if fi.IsDir() {
				return "el"
			}
			return "r"
		}
	}
	return func(fi fs.FileInfo) string {
		if fi.IsDir() {
			return "cdeflmp"
		}
		return "adfrw"
	}
}

// fsView is the rooted file system a job works on.
type fsView = *fsys.FS
