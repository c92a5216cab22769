package auth

import (
	"errors"
)

// ErrDenied is returned for a wrong password or an unknown user. Callers
// must not tell the two apart in what they send to a client.
var ErrDenied = errors.New("auth: login denied")

// Identity is a logged-in user.
type Identity struct {
	// User is the account name (for anonymous logins, "anonymous").
	User string
	// Anonymous is true for USER anonymous / ftp.
	Anonymous bool
	// ReadOnly forbids every command that changes the file system.
	ReadOnly bool
	// Password is what an anonymous user gave (their e-mail, by custom).
	Password string
}

// Authenticator checks a user name and password. Implementations must be
// safe for concurrent use; Authenticate may block.
type Authenticator interface {
	// IsAnonymous reports whether user is an anonymous account name. It is
	// called on the event loop and must not block.
	IsAnonymous(user string) bool
	Authenticate(user, password string) (Identity, error)
	// Lookup returns the identity of a named account without checking a
	// password, for a login vouched for by a verified TLS client
	// certificate (RFC 4217 §11). It is called on the event loop and must
	// not block.
	Lookup(user string) (Identity, bool)
}
