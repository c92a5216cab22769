package testserver

import "github.com/ftpsd/ftpsd/internal/auth"

// Users is an auth.Authenticator for tests: the named accounts, with their
// passwords, may read and write; when Anonymous is set, "anonymous" and
// "ftp" log in read-only with any password. It never blocks and is safe
// for concurrent use as long as nobody changes Named.
type Users struct {
	// Named maps user names to passwords.
	Named map[string]string
	// Anonymous admits the anonymous accounts.
	Anonymous bool
}

// Alice is the accounts most tests use: anonymous (read-only) and "alice"
// with password "secret".
var Alice = Users{Named: map[string]string{"alice": "secret"}, Anonymous: true}

// IsAnonymous reports whether u admits user as an anonymous account.
func (u Users) IsAnonymous(user string) bool {
	return u.Anonymous && (user == "anonymous" || user == "ftp")
}

// Authenticate admits an anonymous account with any password, keeping the
// password as the server logs it, or a named one with its password.
func (u Users) Authenticate(user, password string) (auth.Identity, error) {
	if u.IsAnonymous(user) {
		return auth.Identity{User: "anonymous", Anonymous: true, ReadOnly: true, Password: password}, nil
	}
	if p, ok := u.Named[user]; ok && p == password {
		return auth.Identity{User: user}, nil
	}
	return auth.Identity{}, auth.ErrDenied
}

// Lookup returns a named account, for a login vouched for by a client
// certificate; anonymous accounts are never looked up.
func (u Users) Lookup(user string) (auth.Identity, bool) {
	if _, ok := u.Named[user]; ok {
		return auth.Identity{User: user}, true
	}
	return auth.Identity{}, false
}

var _ auth.Authenticator = Users{}
