package loop

import (
	"net/netip"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/xfer"
)

// USER starts a login. The reply is the same for every name, so USER does
// not reveal which accounts exist.
func cmdUSER(s *Session, arg []byte) Reply {
	if s.addrBanned() {
		s.meterLogin(metrics.LoginRefused, s.methodOf(string(arg)))
		return s.refuseBanned()
	}
	if s.login == loginDone {
		return Reply{codec.CodeNotLoggedIn, "Can't change to another user."}
	}
	name, v := s.userName(string(arg))
	if v != nil {
		// USER user@host moves the session as HOST does, and is refused
		// as HOST is when the move would cost the session its protection.
		if r := s.hostRefusal(v); r.Code != 0 {
			return r
		}
	}
	if err := s.setLogin(loginUser); err != nil {
		return Reply{codec.CodeBadSequence, "Login with USER first."}
	}
	if v != nil {
		s.host = v
	}
	s.user = name
	if id, ok := s.certIdentity(s.user); ok {
		return s.startJob(false, nil, &xfer.Login{User: s.user, Proven: &id, Home: s.host.home()})
	}
	if s.host.Auth != nil && s.host.Auth.IsAnonymous(s.user) {
		return Reply{codec.CodeNeedPassword, "Anonymous login ok, send your e-mail address as password."}
	}
	return Reply{codec.CodeNeedPassword, "Please specify the password."}
}

// PASS checks the password on a worker. A failure is answered at a
// deadline set now, when PASS arrives: the fail delay, which grows with
// each failure of the session, and no sooner than one fail delay after
// the address's previous failure (ban.go), so the answer's time says
// nothing about the check and parallel guesses from one address
// serialize. A named user's check first takes a slot in the ban table,
// on the worker, waiting there while the address has as many checks in
// flight or failed as the ban allows; a banned address gets 421.
// Anonymous logins never count. The session limits settle on the loop
// (limits.go).
func cmdPASS(s *Session, arg []byte) Reply {
	if s.login == loginDone {
		return Reply{codec.CodeSuperfluous, "Already logged in."}
	}
	if s.addrBanned() {
		s.meterLogin(metrics.LoginRefused, s.methodOf(s.user))
		return s.refuseBanned()
	}
	if r := s.userAtLimit(); r.Code != 0 {
		s.meterLogin(metrics.LoginRefused, metrics.Password)
		return r
	}
	if err := s.setLogin(loginChecking); err != nil {
		return Reply{codec.CodeBadSequence, "Login with USER first."}
	}
	l := &xfer.Login{Auth: s.host.Auth, User: s.user, Pass: string(arg), Home: s.host.home()}
	if wait := s.loginFailDelay(); wait > 0 {
		l.FailAt = time.Now().Add(wait)
	}
	if s.srv.lim.ban != nil && (s.host.Auth == nil || !s.host.Auth.IsAnonymous(s.user)) {
		l.Slot = &slot{srv: s.srv, key: addrKey(s.peer.Addr()), peer: s.peer.Addr(), sess: s, failAt: l.FailAt}
	}
	return s.startJob(false, nil, l)
}

// home is where the host's logins land, for the login job.
func (v *vhost) home() xfer.Home {
	return xfer.Home{User: v.fsUser, Anon: v.fsAnon, Dir: v.HomeDir, Jail: v.Jail}
}

// settleLogin applies, on the loop, the outcome of a login job: a proven
// identity is counted against MaxSessionsPerUser (unless anonymous) and
// entered, answering the welcome; one over the cap gets 421 and its entry
// is dropped. A failure counts against the session and the address.
func (s *Session) settleLogin(o *xfer.Outcome) (codec.Code, string) {
	if o.Kind == xfer.LoginFailed {
		s.meterLogin(metrics.LoginFailed, s.methodOf(s.user))
		return s.settleFailedLogin()
	}
	method := loginMethod(o)
	if s.addrBanned() {
		s.meterLogin(metrics.LoginRefused, method)
		// The address was banned while the check ran: a right password
		// from it no longer gets in.
		o.Entry.Drop()
		s.resetLogin()
		r := s.refuseBanned()
		return r.Code, r.Msg
	}
	if r := s.countLogin(o.Identity.User, o.Identity.Anonymous); r.Code != 0 {
		s.meterLogin(metrics.LoginRefused, method)
		o.Entry.Drop()
		return r.Code, r.Msg
	}
	s.meterLogin(metrics.LoginOK, method)
	s.enterAs(o.Identity, o.Entry)
	r := outcomeReply(o)
	return r.Code, r.Msg
}

// ACCT is superfluous here: no account is ever needed.
func cmdACCT(*Session, []byte) Reply {
	return Reply{codec.CodeSuperfluous, "ACCT not needed."}
}

// REIN logs out and resets the session, keeping the connection (RFC 959).
func cmdREIN(s *Session, _ []byte) Reply {
	s.resetLogin()
	s.host = s.hosts[0] // REIN forgets HOST too (RFC 7151 §3.3)
	return Reply{codec.CodeServiceReady, s.host.banner()}
}

// QUIT closes the session; during a transfer it waits for the transfer's
// final reply (RFC 959 §4.1.1).
func cmdQUIT(s *Session, _ []byte) Reply {
	if s.connState().transferring() {
		s.markQuit()
		return noReply
	}
	s.closeConn()
	return Reply{codec.CodeClosing, s.host.exitMessage()}
}

// certIdentity returns the account a verified client certificate vouches
// for: its subject CN must equal the USER name, and the name must be a
// known account. Other users still need their password.
//
// The certificate was verified against the client CAs of the host TLS
// started on; after HOST or user@host moved the session to another host,
// it vouches for nobody there.
func (s *Session) certIdentity(user string) (auth.Identity, bool) {
	if !s.secure() || s.host.Auth == nil || s.host.TLS != s.tlsBase {
		return auth.Identity{}, false
	}
	cs := s.tls.ConnectionState()
	if len(cs.VerifiedChains) == 0 || len(cs.PeerCertificates) == 0 || cs.PeerCertificates[0].Subject.CommonName != user {
		return auth.Identity{}, false
	}
	return s.host.Auth.Lookup(user)
}

// HOST chooses a name-based virtual host before login (RFC 7151). A literal
// address ("[192.0.2.1]") names the host the connection reached. A host
// that cannot keep the session's protection is refused (hostRefusal).
func cmdHOST(s *Session, arg []byte) Reply {
	if s.login != loginNone {
		return Reply{codec.CodeBadSequence, "HOST must come before USER."}
	}
	name := string(arg)
	v := s.findHost(name)
	if v == nil {
		if _, err := netip.ParseAddr(strings.Trim(name, "[]")); err != nil {
			return Reply{codec.CodeParamNotImplemented, "Unknown host."}
		}
		v = s.hosts[0]
	}
	if r := s.hostRefusal(v); r.Code != 0 {
		return r // the session stays where it is (host_tls.go)
	}
	s.host = v
	return Reply{codec.CodeServiceReady, v.banner()}
}

// findHost returns the host among those the connection reached that name
// names, or nil.
func (s *Session) findHost(name string) *vhost {
	name = hostKey(name)
	for _, v := range s.hosts {
		if v.matches(name) {
			return v
		}
	}
	return nil
}

// userName applies StripHostname and VirtualHostLogin to a USER argument:
// "user@host" logs in as user, the latter on the host named host, which
// it returns (nil: the session stays on its host).
func (s *Session) userName(arg string) (string, *vhost) {
	at := strings.LastIndexByte(arg, '@')
	if at <= 0 {
		return arg, nil
	}
	opts := s.host.Options
	switch {
	case opts.VirtualHostLogin:
		if v := s.findHost(arg[at+1:]); v != nil {
			return arg[:at], v
		}
	case opts.StripHostname:
		return arg[:at], nil
	}
	return arg, nil
}
