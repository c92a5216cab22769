package loop

import (
	"net/netip"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/xfer"
)

// takeData hands the session's PASV/PORT setting to one transfer: each
// setting serves one transfer only (RFC 959).
func (s *Session) takeData() (xfer.DataSource, Reply) {
	cfg := &s.srv.cfg
	d := xfer.DataSource{Passive: s.pasv, Active: s.active, Local: s.local.Addr(), Timeout: cfg.dataTimeout(),
		Idle: cfg.dataIdleTimeout(), TLS: s.dataConfig(), Reuse: s.host.reusePolicy().mustResume(),
		ActiveLo: s.host.ActiveMin, ActiveHi: s.host.ActiveMax}
	if !d.Valid() {
		return d, Reply{codec.CodeCantOpenData, "Use PORT or PASV first."}
	}
	s.pasv, s.active = nil, netip.AddrPort{}
	return d, Reply{}
}

// transfer builds the job of a data-connection command from the session:
// the worker that runs it must not read session fields. It takes the
// session's PASV/PORT setting and its REST offset.
func (s *Session) transfer(op xfer.TransferOp, arg []byte) (*xfer.Transfer, Reply) {
	d, r := s.takeData()
	if r.Code != 0 {
		return nil, r
	}
	t := &xfer.Transfer{Op: op, FS: s.fs, Path: codec.Join(s.cwd, string(arg)), Verb: s.verb, Access: s.acc,
		ASCII: s.ascii, Rest: s.rest, Data: d, Log: s.host.Log, Debug: s.srv.cfg.logger()}
	t.Rates[0], t.Rates[1] = s.rates()
	t.Synth = s.srv.cfg.Synth
	if s.srv.faults.Load() != nil {
		s.faultTransfer(t) // fault.go
	}
	t.Metrics = s.srv.cfg.Metrics
	if t.Log.Wants(ftplog.Transfers) {
		t.Record = s.transferRecord(t.Path)
		t.Record.ASCII, t.Record.Secure, t.Record.Start = t.ASCII, d.TLS != nil, time.Now()
	}
	s.rest = 0
	return t, Reply{}
}

// startTransfer runs a transfer job; STAT reads its byte count meanwhile.
func (s *Session) startTransfer(t *xfer.Transfer) Reply {
	return s.startJob(true, &t.Moved, t)
}

// transferRecord starts a transfer-log record with what the session knows.
func (s *Session) transferRecord(path string) ftplog.Transfer {
	user := s.ident.User
	if s.ident.Anonymous && s.ident.Password != "" {
		user = s.ident.Password // xferlog: the e-mail an anonymous user gave
	}
	return ftplog.Transfer{Peer: s.peer, Local: s.local, Path: path, Anonymous: s.ident.Anonymous,
		User: user, ServerName: s.host.ServerName}
}

func modeName(ascii bool) string {
	if ascii {
		return "ASCII"
	}
	return "BINARY"
}

// RETR sends a file, from the REST offset if one was set.
func cmdRETR(s *Session, arg []byte) Reply { return s.dataCommand(xfer.Retr, arg) }

// STOR stores a file; with a REST offset it resumes an existing one.
func cmdSTOR(s *Session, arg []byte) Reply { return s.dataCommand(xfer.Stor, arg) }

// APPE appends to a file, creating it if needed.
func cmdAPPE(s *Session, arg []byte) Reply { return s.dataCommand(xfer.Appe, arg) }

// STOU stores under a name the server makes unique (RFC 959, RFC 1123 §4.1.2.9).
func cmdSTOU(s *Session, arg []byte) Reply {
	if len(arg) == 0 {
		arg = []byte("ftpsd")
	}
	return s.dataCommand(xfer.Stou, arg)
}

// dataCommand starts RETR, STOR, APPE or STOU.
func (s *Session) dataCommand(op xfer.TransferOp, arg []byte) Reply {
	t, r := s.transfer(op, arg)
	if t == nil {
		return r
	}
	return s.startTransfer(t)
}

// LIST sends an `ls -l` style listing. Options such as -a and -l, which
// clients send out of habit, are accepted; -a shows dot files.
func cmdLIST(s *Session, arg []byte) Reply {
	if s.host.Options.LISTIsNLST {
		return s.listing(arg, xfer.FormatNLST)
	}
	return s.listing(arg, xfer.FormatList)
}

// NLST sends names only.
func cmdNLST(s *Session, arg []byte) Reply {
	if s.host.Options.NLSTIsLIST {
		return s.listing(arg, xfer.FormatList)
	}
	return s.listing(arg, xfer.FormatNLST)
}

// MLSD sends RFC 3659 machine-readable facts for each entry.
func cmdMLSD(s *Session, arg []byte) Reply {
	return s.listing(arg, xfer.FormatMLSD)
}

func (s *Session) listing(arg []byte, format xfer.ListFormat) Reply {
	showHidden := format == xfer.FormatMLSD
	if format != xfer.FormatMLSD {
		var flags string
		arg, flags = splitListFlags(arg)
		showHidden = strings.ContainsRune(flags, 'a')
	}
	t, r := s.transfer(xfer.List, arg)
	if t == nil {
		return r
	}
	t.List = xfer.ListOptions{Format: format, Facts: s.facts, Perm: s.permFunc(), ShowHidden: showHidden,
		NLSTFilesOnly: s.host.Options.NLSTHideDirs, NoIDs: s.host.Options.RemoveUserGroup}
	// A pattern in the last component is matched on the worker (never for MLSD).
	t.List.Arg, t.List.GlobMaxScan = string(arg), s.srv.cfg.globMaxScan()
	return s.startTransfer(t)
}

// splitListFlags separates leading "-la"-style options from a LIST path.
func splitListFlags(arg []byte) (path []byte, flags string) {
	for len(arg) > 0 && arg[0] == '-' {
		end := 0
		for end < len(arg) && arg[end] != ' ' {
			end++
		}
		flags += string(arg[1:end])
		for end < len(arg) && arg[end] == ' ' {
			end++
		}
		arg = arg[end:]
	}
	return arg, flags
}
