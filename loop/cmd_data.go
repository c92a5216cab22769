package loop

import (
	"errors"
	"net/netip"
	"strconv"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// PORT sets an active-mode target: only the control peer's address and a
// port of 1024 or more, so the server cannot be used for an FTP bounce.
func cmdPORT(s *Session, arg []byte) Reply {
	ap, err := codec.ParsePORT(arg)
	if err != nil {
		return Reply{codec.CodeArgSyntax, "Illegal PORT command."}
	}
	return s.setActive(ap, "PORT command successful. Consider using PASV.")
}

// EPRT is PORT for any address family (RFC 2428).
func cmdEPRT(s *Session, arg []byte) Reply {
	ap, err := codec.ParseEPRT(arg)
	switch {
	case errors.Is(err, codec.ErrNetProto):
		return Reply{codec.CodeNetProtoUnsupported, "Network protocol not supported, use (1,2)."}
	case err != nil:
		return Reply{codec.CodeArgSyntax, "Illegal EPRT command."}
	}
	return s.setActive(ap, "EPRT command successful. Consider using EPSV.")
}

func (s *Session) setActive(ap netip.AddrPort, ok string) Reply {
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	if err := xfer.CheckActive(s.peer.Addr(), ap); err != nil {
		// 504 as RFC 2577 §3 suggests: a refused data address is a
		// command parameter not accepted, never a file error (550).
		return Reply{codec.CodeParamNotImplemented, "Illegal PORT command: only your own address and ports from 1024."}
	}
	s.closePassive()
	s.active = ap
	return Reply{codec.CodeOK, ok}
}

// PASV opens a passive listener and announces it (IPv4 only, RFC 959).
func cmdPASV(s *Session, _ []byte) Reply {
	announce := s.pasvAnnounceAddr()
	if !announce.Is4() {
		return Reply{codec.CodeNetProtoUnsupported, "PASV needs IPv4, use EPSV."}
	}
	port, r := s.listenPassive()
	if r.Code != 0 {
		return r
	}
	var b [64]byte
	msg := append(b[:0], "Entering Passive Mode ("...)
	msg = codec.AppendPASV(msg, netip.AddrPortFrom(announce, s.pasvAnnouncePort(port)))
	msg = append(msg, ")."...)
	return Reply{codec.CodePassive, string(msg)}
}

// EPSV opens a passive listener and announces only its port (RFC 2428).
func cmdEPSV(s *Session, arg []byte) Reply {
	all, proto, err := codec.ParseEPSVArg(arg)
	switch {
	case errors.Is(err, codec.ErrNetProto):
		return Reply{codec.CodeNetProtoUnsupported, "Network protocol not supported, use (" + s.family() + ")."}
	case err != nil:
		return Reply{codec.CodeArgSyntax, "Illegal EPSV command."}
	case all:
		s.epsvAll = true
		return Reply{codec.CodeOK, "EPSV ALL ok."}
	case proto != 0 && strconv.Itoa(proto) != s.family() && !s.host.EPSVIgnoreFamily:
		return Reply{codec.CodeNetProtoUnsupported, "Network protocol not supported, use (" + s.family() + ")."}
	}
	port, r := s.listenPassive()
	if r.Code != 0 {
		return r
	}
	var b [64]byte
	msg := append(b[:0], "Entering Extended Passive Mode "...)
	msg = codec.AppendEPSV(msg, s.pasvAnnouncePort(port))
	msg = append(msg, '.')
	return Reply{codec.CodeExtendedPassive, string(msg)}
}

// family is the control connection's RFC 2428 address family number.
func (s *Session) family() string {
	if s.local.Addr().Is4() {
		return "1"
	}
	return "2"
}

// listenPassive replaces any pending passive listener with a new one on
// the control connection's local address. Binding a socket is a
// non-blocking system call, so it runs on the loop.
func (s *Session) listenPassive() (uint16, Reply) {
	s.closePassive()
	s.active = netip.AddrPort{}
	h := s.host
	bind := s.local.Addr()
	if h.PasvBindAddr.IsValid() {
		bind = h.PasvBindAddr
	}
	p, err := xfer.Listen(bind, h.PasvMin, h.PasvMax, s.peer.Addr(), s.srv.cfg.dataTimeout())
	if err != nil {
		s.srv.cfg.logger().Warn("passive listen failed", "err", err)
		return 0, Reply{codec.CodeCantOpenData, "Can't open passive connection."}
	}
	s.expectProxyData(p)
	s.pasv = p
	s.trackPassive(p)
	return p.Addr().Port(), Reply{}
}

// TYPE selects ASCII (A, A N) or image (I, L 8) transfers.
func cmdTYPE(s *Session, arg []byte) Reply {
	switch string(upper(arg)) {
	case "A", "A N":
		s.ascii = true
		return Reply{codec.CodeOK, "Switching to ASCII mode."}
	case "I", "L 8", "L8":
		s.ascii = false
		return Reply{codec.CodeOK, "Switching to Binary mode."}
	case "A T", "A C", "E", "E N", "E T", "E C":
		return Reply{codec.CodeParamNotImplemented, "Unsupported TYPE."}
	}
	return Reply{codec.CodeArgSyntax, "Unrecognised TYPE command."}
}

// STRU accepts only File structure.
func cmdSTRU(_ *Session, arg []byte) Reply {
	switch string(upper(arg)) {
	case "F":
		return Reply{codec.CodeOK, "Structure set to F."}
	case "R", "P":
		return Reply{codec.CodeParamNotImplemented, "Bad STRU command."}
	}
	return Reply{codec.CodeArgSyntax, "Bad STRU command."}
}

// MODE accepts only Stream mode.
func cmdMODE(_ *Session, arg []byte) Reply {
	switch string(upper(arg)) {
	case "S":
		return Reply{codec.CodeOK, "Mode set to S."}
	case "B", "C", "Z":
		return Reply{codec.CodeParamNotImplemented, "Bad MODE command."}
	}
	return Reply{codec.CodeArgSyntax, "Bad MODE command."}
}

// REST sets the offset for the next RETR or STOR (RFC 3659 §5, STREAM mode).
func cmdREST(s *Session, arg []byte) Reply {
	n, err := strconv.ParseInt(string(arg), 10, 64)
	if err != nil || n < 0 {
		return Reply{codec.CodeArgSyntax, "Bad REST offset."}
	}
	s.rest = n
	return Reply{codec.CodePending, "Restart position accepted (" + strconv.FormatInt(n, 10) + ")."}
}

// ALLO is not needed by this server (RFC 959 allows 202).
func cmdALLO(*Session, []byte) Reply {
	return Reply{codec.CodeSuperfluous, "ALLO command ignored."}
}

// ABOR cancels the running transfer: the transfer answers 426, then ABOR
// answers 226 (RFC 959 §4.1.3). With nothing running it answers 225.
func cmdABOR(s *Session, _ []byte) Reply {
	s.closePassive()
	s.active = netip.AddrPort{}
	if !s.connState().transferring() {
		return Reply{codec.CodeDataOpen, "No transfer to abort."}
	}
	s.markAbort()
	s.job.cancel()
	return noReply
}

// upper returns an upper-cased copy of a short ASCII argument.
func upper(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		out[i] = c
	}
	return out
}
