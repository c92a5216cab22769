package loop

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/ftpsd/ftpsd/tlsstate"
)

// ReusePolicy says which TLS session a PROT P data connection must resume
// (-tls-reuse, FTPTLSSessionReuse). A data connection that resumes
// nothing it may is refused with 522, as vsftpd and ProFTPD do: resuming
// a session ftpsd issued proves the data connection comes from a client
// that holds it, which an attacker racing for the passive port does not.
// The zero value is the default, ReuseUser.
type ReusePolicy uint8

const (
	// ReuseUser accepts a ticket ftpsd issued to any open control session
	// logged in as the same user, on the same host, from the same client
	// address. rclone 1.60 (Debian 12's) and other clients keep one TLS
	// session cache for all their connections, so a data connection often
	// offers a sibling control connection's ticket. A thief still needs a
	// ticket issued to the victim's account from the victim's address
	// while that session is open. Anonymous logins follow the same rule
	// with the anonymous account name.
	ReuseUser ReusePolicy = iota
	// ReuseSession accepts only the data connection's own control
	// session's tickets (vsftpd's require_ssl_reuse).
	ReuseSession
	// ReuseOptional accepts a data connection that did not resume at all:
	// for clients that never resume (Python's ftplib, unless given its
	// control session) or cannot (curl over TLS 1.2, or after CCC).
	ReuseOptional
)

// The words of -tls-reuse and FTPTLSSessionReuse; "required", the word of
// earlier versions for ReuseSession, is accepted too.
var reuseWords = map[string]ReusePolicy{
	"user": ReuseUser, "session": ReuseSession, "required": ReuseSession, "optional": ReuseOptional,
}

// ParseReusePolicy reads a -tls-reuse value, in any case.
func ParseReusePolicy(word string) (ReusePolicy, error) {
	p, ok := reuseWords[strings.ToLower(word)]
	if !ok {
		return 0, fmt.Errorf("loop: TLS reuse policy %q is not session, user or optional", word)
	}
	return p, nil
}

func (p ReusePolicy) String() string {
	switch p {
	case ReuseUser:
		return "user"
	case ReuseSession:
		return "session"
	case ReuseOptional:
		return "optional"
	}
	return fmt.Sprintf("ReusePolicy(%d)", uint8(p))
}

// mustResume reports whether a data connection that did not resume is
// refused (522).
func (p ReusePolicy) mustResume() bool { return p != ReuseOptional }

// reusePolicy is the host's policy, with the older AllowDataWithoutReuse
// switch still meaning ReuseOptional.
func (h *Host) reusePolicy() ReusePolicy {
	if h.AllowDataWithoutReuse {
		return ReuseOptional
	}
	return h.TLSReuse
}

// newDataConfig makes the session's data-connection TLS config for the
// host's policy, from the config the control connection started TLS with:
// HOST after AUTH TLS must not change the ticket keys the data
// connections resume with. Runs on the loop; the config's ticket check
// runs on the worker serving each data handshake and reads only the
// server's owner registry, which is safe there.
func (s *Session) newDataConfig() *tls.Config {
	if s.host.reusePolicy() == ReuseUser {
		return tlsstate.UserDataConfig(s.tlsBase, s.id, &s.srv.owners)
	}
	return tlsstate.DataConfig(s.tlsBase, s.id)
}

// registerOwner records, at login, who the session is, so that its
// tickets vouch for the data connections of its owner's other sessions
// (ReuseUser). Runs on the loop.
func (s *Session) registerOwner() {
	s.srv.owners.Set(s.id, tlsstate.Owner{Host: s.host, User: s.ident.User, Anonymous: s.ident.Anonymous,
		Addr: s.peer.Addr()})
}

// forgetOwner removes the session from the registry at logout (REIN, AUTH,
// a failed login) and at close: from then on its tickets vouch for no
// other session. Runs on the loop.
func (s *Session) forgetOwner() { s.srv.owners.Delete(s.id) }
