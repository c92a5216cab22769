package loop

import (
	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// HOST across TLS settings (issue 21, item 3). ftpsd takes HOST before or
// after AUTH TLS (RFC 7151 asks that it come before USER), and a session
// keeps the TLS it started on the host it reached (Session.tlsBase): the
// certificate was presented, the data connections resume that session.
// What HOST must not do is move a session to a host whose settings
// contradict the protection the session has, or must have there: in
// Apache's model a virtual host's settings hold for every session it
// serves. Two cases are refused at HOST, so that the client learns why at
// once, rather than from PBSZ and PROT answering 502 on a host without
// TLS, or from a login that a RequireSSL host would never have taken in
// clear:
//
//   - the session is protected (the control connection is under TLS, or
//     PROT P is in force) and the host named has no TLS: 504 (RFC 959's
//     "not implemented for that parameter", which HOST already gives a
//     name no host has): that host cannot be had with this session;
//   - the host named requires TLS (RequireSSL) and the control connection
//     is clear with no way to protect it, after CCC (AUTH cannot be sent
//     again) or on a host without TLS: 530, the reply RequireTLS gives to
//     a login attempted in clear.
//
// A clear session that can still send AUTH TLS may choose a RequireSSL
// host: HOST before AUTH is the order in which the TLS handshake presents
// the named host's certificate, and that host then refuses USER with 530
// until AUTH TLS (the dispatcher's RequireTLS rule), so nothing goes out
// in clear. A refused HOST leaves the session on the host it was on.

// hostRefusal returns the reply refusing a HOST to v that would cost the
// session its protection, or the zero Reply when the session may move
// there. Runs on the loop: it reads session state only.
func (s *Session) hostRefusal(v *vhost) Reply {
	controlTLS := s.tlsState() == tlsstate.Secure
	if v.TLS == nil && (controlTLS || s.protect) {
		return Reply{codec.CodeParamNotImplemented, "HOST refused: that host has no TLS, and this session is protected."}
	}
	if v.RequireTLS && !controlTLS && (s.tls != nil || v.TLS == nil) {
		return Reply{codec.CodeNotLoggedIn, "HOST refused: that host requires TLS, which this connection can no longer have."}
	}
	return Reply{}
}
