package loop

import (
	"crypto/tls"
	"strconv"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// AUTH TLS upgrades the control connection (RFC 4217 §4). TLS-C is a
// synonym; SSL and TLS-P, from the drafts before the RFC, also set PBSZ 0
// and PROT P, as the clients that send them expect.
func cmdAUTH(s *Session, arg []byte) Reply {
	if s.tls != nil {
		return Reply{codec.CodeBadSequence, "Already using TLS."}
	}
	private := false
	switch string(upper(arg)) {
	case "TLS", "TLS-C":
	case "SSL", "TLS-P":
		private = true
	default:
		return Reply{codec.CodeParamNotImplemented, "AUTH mechanism not supported; use AUTH TLS."}
	}
	// Credentials sent before TLS do not carry over: log in again, protected.
	s.resetLogin()
	s.pbsz, s.protect = private, private
	s.moveConn(connTLSPending)
	return Reply{codec.CodeAuthOK, "AUTH TLS successful."}
}

// PBSZ is accepted only after AUTH; TLS needs no buffer size (RFC 4217 §8).
func cmdPBSZ(s *Session, arg []byte) Reply {
	if !s.secure() {
		return Reply{codec.CodeBadSequence, "PBSZ needs AUTH TLS first."}
	}
	if _, err := strconv.ParseUint(string(arg), 10, 32); err != nil {
		return Reply{codec.CodeArgSyntax, "Bad PBSZ size."}
	}
	s.pbsz = true
	return Reply{codec.CodeOK, "PBSZ=0"}
}

// PROT sets the data channel protection level (RFC 4217 §9): C and P are
// supported, S and E are not (536).
func cmdPROT(s *Session, arg []byte) Reply {
	if !s.secure() {
		return Reply{codec.CodeBadSequence, "PROT needs AUTH TLS and PBSZ first."}
	}
	// RFC 4217 §9 wants PBSZ before PROT, but vsftpd, ProFTPD and
	// Pure-FTPd all take a PROT after AUTH without one, and clients rely
	// on it (Python's FTP_TLS.prot_c() sends PROT C alone): a PROT that
	// is accepted implies PBSZ 0, the only size TLS allows.
	switch string(upper(arg)) {
	case "C":
		if s.host.RequireTLS {
			return Reply{codec.CodePolicyDenied, "PROT C refused: data connections must be protected."}
		}
		s.pbsz, s.protect = true, false
		return Reply{codec.CodeOK, "Protection level set to Clear."}
	case "P":
		s.pbsz, s.protect = true, true
		return Reply{codec.CodeOK, "Protection level set to Private."}
	case "S", "E":
		return Reply{codec.CodeProtUnsupported, "Protection level not supported."}
	}
	return Reply{codec.CodeParamNotImplemented, "Unknown protection level."}
}

// CCC returns the control connection to clear text after a close_notify
// exchange (RFC 4217 §12); the data protection level is unchanged.
func cmdCCC(s *Session, _ []byte) Reply {
	if s.tlsState() != tlsstate.Secure {
		return Reply{codec.CodeBadSequence, "CCC needs a TLS-protected control connection."}
	}
	if s.host.RequireTLS {
		return Reply{codec.CodePolicyDenied, "CCC refused: the control connection must stay protected."}
	}
	s.moveConn(connCCCPending)
	return Reply{codec.CodeOK, "Control connection returns to clear text."}
}

// dataConfig is the TLS config of this session's PROT P data connections,
// made on first use, or nil for clear data.
func (s *Session) dataConfig() *tls.Config {
	if !s.protect {
		return nil
	}
	if s.dataTLS == nil {
		// The control connection's config, not the host's: HOST after
		// AUTH TLS must not change the ticket keys the data connections
		// resume with.
		s.dataTLS = s.newDataConfig()
	}
	return s.dataTLS
}
