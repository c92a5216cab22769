package loop

import (
	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/loop/auth"
)

// USER starts a login. The reply is the same for every name, so USER does
// not reveal which accounts exist.
func cmdUSER(s *Session, arg []byte) Reply {
	if s.login == loginDone {
		return Reply{codec.CodeNotLoggedIn, "Can't change to another user."}
	}
	if err := s.setLogin(loginUser); err != nil {
		return Reply{codec.CodeBadSequence, "Login with USER first."}
	}
	s.user = string(arg)
	if id, ok := s.certIdentity(s.user); ok {
		if code, msg, ok := s.settleLogin(id.User, false); !ok {
			return Reply{code, msg}
		}
		if err := s.setLogin(loginDone); err == nil {
			s.ident, s.fs, s.cwd = id, s.srv.fsUser, "/"
			return Reply{codec.CodeLoggedInSecure, "User logged in, authorized by TLS client certificate."}
		}
	}
	if s.srv.cfg.Auth != nil && s.srv.cfg.Auth.IsAnonymous(s.user) {
		return Reply{codec.CodeNeedPassword, "Anonymous login ok, send your e-mail address as password."}
	}
	return Reply{codec.CodeNeedPassword, "Please specify the password."}
}

// PASS checks the password on a worker; a failure is answered after a
// pause that holds no worker and grows with each failure of the session.
// The session limits settle on the loop (limits.go).
func cmdPASS(s *Session, arg []byte) Reply {
	if s.login == loginDone {
		return Reply{codec.CodeSuperfluous, "Already logged in."}
	}
	if r := s.userAtLimit(); r.Code != 0 {
		return r
	}
	if err := s.setLogin(loginChecking); err != nil {
		return Reply{codec.CodeBadSequence, "Login with USER first."}
	}
	authn, user, pass := s.srv.cfg.Auth, s.user, string(arg)
	delay := s.loginFailDelay()
	anon, users := s.srv.fsAnon, s.srv.fsUser
	return s.start(false, func(*job) delayed {
		if authn == nil {
			return delayed{result: failedLogin(), after: delay}
		}
		id, err := authn.Authenticate(user, pass)
		if err != nil {
			return delayed{result: failedLogin(), after: delay}
		}
		fsys := users
		if id.ReadOnly {
			fsys = anon
		}
		return delayed{result: result{settle: func(s *Session) (codec.Code, string) {
			code, msg, ok := s.settleLogin(id.User, id.Anonymous)
			if ok && s.setLogin(loginDone) == nil {
				s.ident, s.fs, s.cwd = id, fsys, "/"
			}
			return code, msg
		}}}
	})
}

func failedLogin() result {
	return result{settle: (*Session).settleFailedLogin}
}

// ACCT is superfluous here: no account is ever needed.
func cmdACCT(*Session, []byte) Reply {
	return Reply{codec.CodeSuperfluous, "ACCT not needed."}
}

// REIN logs out and resets the session, keeping the connection (RFC 959).
func cmdREIN(s *Session, _ []byte) Reply {
	s.resetLogin()
	return Reply{codec.CodeServiceReady, s.srv.cfg.banner()}
}

// QUIT closes the session; during a transfer it waits for the transfer's
// final reply (RFC 959 §4.1.1).
func cmdQUIT(s *Session, _ []byte) Reply {
	if s.job != nil {
		s.quitPending = true
		return noReply
	}
	s.closing = true
	return Reply{codec.CodeClosing, s.srv.cfg.exitMessage()}
}

// certIdentity returns the account a verified client certificate vouches
// for: its subject CN must equal the USER name, and the name must be a
// known account. Other users still need their password.
func (s *Session) certIdentity(user string) (auth.Identity, bool) {
	if !s.secure() || s.srv.cfg.Auth == nil {
		return auth.Identity{}, false
	}
	cs := s.tls.ConnectionState()
	if len(cs.VerifiedChains) == 0 || len(cs.PeerCertificates) == 0 || cs.PeerCertificates[0].Subject.CommonName != user {
		return auth.Identity{}, false
	}
	return s.srv.cfg.Auth.Lookup(user)
}
