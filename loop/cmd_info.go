package loop

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

func cmdNOOP(*Session, []byte) Reply { return Reply{codec.CodeOK, "NOOP ok."} }

func cmdSYST(*Session, []byte) Reply { return Reply{codec.CodeSystemType, "UNIX Type: L8"} }

// FEAT lists the extensions in the command table (RFC 2389).
func cmdFEAT(s *Session, _ []byte) Reply {
	var b strings.Builder
	b.WriteString("Features:")
	cfg := s.host
	for _, c := range commandList {
		if c.flags&needTLSConfig != 0 && cfg.TLS == nil || c.flags&weakensTLS != 0 && cfg.RequireTLS {
			continue
		}
		line := c.feat
		if c.featLine != nil {
			line = c.featLine(s)
		}
		if line != "" {
			b.WriteString("\n ")
			b.WriteString(line)
		}
	}
	b.WriteString("\n TVFS\nEnd")
	return Reply{codec.CodeSystemStatus, b.String()}
}

// featUTF8 is OPTS's FEAT line, which FTPOptions NoUTF8Feature hides.
func featUTF8(s *Session) string {
	if s.host.Options.NoUTF8Feature {
		return ""
	}
	return "UTF8"
}

// featMLST is MLST's FEAT line: the facts, with the session's selection
// marked (RFC 3659 §7.8).
func featMLST(s *Session) string {
	return "MLST " + string(codec.AppendFeatMLST(nil, s.facts))
}

// OPTS UTF8 (RFC 2640: paths are always UTF-8 here), OPTS MLST (RFC 3659
// §7.9) and OPTS HASH (draft-bryan-ftpext-hash-02 §3.2, cmd_hash.go).
func cmdOPTS(s *Session, arg []byte) Reply {
	name, val, _ := bytes.Cut(arg, []byte(" "))
	switch string(upper(name)) {
	case "UTF8", "UTF-8":
		if v := string(upper(val)); v == "" || v == "ON" {
			return Reply{codec.CodeOK, "Always in UTF8 mode."}
		}
		return Reply{codec.CodeParamNotImplemented, "UTF8 cannot be turned off."}
	case "MLST":
		s.facts = codec.ParseOptsMLST(val)
		facts := codec.AppendOptsMLST(nil, s.facts)
		if len(facts) == 0 {
			facts = append(facts, ';') // as before; pyftpdlib and BSD ftpd send no list here
		}
		return Reply{codec.CodeOK, "MLST OPTS " + string(facts)}
	case "HASH":
		return optsHASH(s, val)
	}
	return Reply{codec.CodeArgSyntax, "Option not understood."}
}

// HELP lists the commands, or one command's syntax.
func cmdHELP(_ *Session, arg []byte) Reply {
	if len(arg) == 0 {
		return Reply{codec.CodeHelp, helpReply}
	}
	if c := commands[string(upper(arg))]; c != nil {
		return Reply{codec.CodeHelp, "Syntax: " + c.syntax}
	}
	return Reply{codec.CodeArgSyntax, "Unknown command."}
}

// STAT without an argument (or during a transfer) reports the session;
// with a path it lists it on the control channel (RFC 959 §4.1.3).
func cmdSTAT(s *Session, arg []byte) Reply {
	if s.job != nil || len(arg) == 0 {
		return Reply{codec.CodeSystemStatus, s.status()}
	}
	if s.login != loginDone {
		return Reply{codec.CodeNotLoggedIn, "Please login with USER and PASS."}
	}
	arg, flags := splitListFlags(arg)
	opts := xfer.ListOptions{Format: xfer.FormatList, Perm: s.permFunc(), ShowHidden: strings.ContainsRune(flags, 'a'), Now: time.Now(),
		NoIDs: s.host.Options.RemoveUserGroup}
	opts.Arg, opts.GlobMaxScan = string(arg), s.srv.cfg.globMaxScan() // STAT of a pattern lists its matches
	j := s.fsJob(xfer.OpStatus, arg)
	j.List = opts
	return s.startFS(j)
}

func (s *Session) status() string {
	var b strings.Builder
	b.WriteString("FTP server status:\n Connected to ")
	b.WriteString(s.peer.Addr().String())
	if s.login == loginDone {
		b.WriteString("\n Logged in as ")
		b.WriteString(s.ident.User)
	} else {
		b.WriteString("\n Not logged in")
	}
	b.WriteString("\n TYPE: ")
	b.WriteString(modeName(s.ascii))
	if s.connState().transferring() {
		b.WriteString("\n Transfer in progress: ")
		b.WriteString(strconv.FormatInt(s.job.bytes.Load(), 10))
		b.WriteString(" bytes moved")
	}
	b.WriteString("\nEnd of status")
	return b.String()
}
