package auth

import (
	"fmt"
	"os"
	"strings"

	htpasswd "github.com/tg123/go-htpasswd"
)

// Users is the standard Authenticator: an optional htpasswd file for named
// users (read-write) and optional anonymous access (read-only).
type Users struct {
	file      *htpasswd.File
	dummy     htpasswd.EncodedPasswd // checked for unknown users (dummy.go); nil without a file
	anonymous bool
	policy    AnonPolicy
}

// AnonPolicy is mod_authn_anon's say over anonymous logins. The zero value
// accepts anonymous and ftp with any password, and logs the password given.
type AnonPolicy struct {
	// Names are the accepted anonymous names (Anonymous), compared without
	// regard to case; "*" accepts any name that is not a named account.
	// Empty means anonymous and ftp.
	Names []string
	// MustGiveEmail refuses an empty password (Anonymous_MustGiveEmail).
	MustGiveEmail bool
	// VerifyEmail refuses a password that does not look like an e-mail
	// address: something, an @, then a dot somewhere after it
	// (Anonymous_VerifyEmail).
	VerifyEmail bool
	// NoLogEmail keeps the password out of Identity, and so out of the
	// transfer log (Anonymous_LogEmail Off).
	NoLogEmail bool
}

// SetAnonPolicy sets how anonymous logins are checked. Call it before the
// server uses u.
func (u *Users) SetAnonPolicy(p AnonPolicy) { u.policy = p }

// hashes are the htpasswd formats accepted: APR1-MD5, SHA1, bcrypt, salted
// SHA1 and SHA-crypt. The library's plain-text parser is left out on purpose:
// it matches any line, so a typo in a hash would become a password.
var hashes = []htpasswd.PasswdParser{
	htpasswd.AcceptMd5, htpasswd.AcceptSha, htpasswd.AcceptBcrypt,
	htpasswd.AcceptSsha, htpasswd.AcceptCryptSha,
}

// NewUsers loads an htpasswd file (bcrypt, SHA1, APR1-MD5, crypt) when path
// is not empty and allows anonymous logins when anonymous is true. A
// malformed line is an error naming the file and line.
func NewUsers(path string, anonymous bool) (*Users, error) {
	u := &Users{anonymous: anonymous}
	if path == "" {
		return u, nil
	}
	fields, err := checkLines(path)
	if err != nil {
		return nil, err
	}
	f, err := htpasswd.New(path, hashes, nil)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	if u.dummy, err = newDummy(fields); err != nil {
		return nil, err
	}
	u.file = f
	return u, nil
}

// checkLines parses the file one line at a time, so that an error can name
// its line. The library's own message is not used: it quotes the hash.
// It returns the password fields, for the dummy hash.
func checkLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	var fields []string
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		user, field, ok := strings.Cut(line, ":")
		if !ok || user == "" {
			return nil, fmt.Errorf("auth: %s:%d: not a user:hash line", path, i+1)
		}
		bad := false
		if _, err := htpasswd.NewFromReader(strings.NewReader(line), hashes, func(error) { bad = true }); err != nil || bad {
			return nil, fmt.Errorf("auth: %s:%d: user %q: unrecognised password hash (bcrypt, APR1-MD5, {SHA}, {SSHA} or SHA-crypt expected)", path, i+1, user)
		}
		fields = append(fields, field)
	}
	return fields, nil
}

// IsAnonymous reports whether user names the anonymous account and
// anonymous access is on.
func (u *Users) IsAnonymous(user string) bool {
	if !u.anonymous {
		return false
	}
	if len(u.policy.Names) == 0 {
		return isAnonymousName(user)
	}
	for _, n := range u.policy.Names {
		if n == "*" && (u.file == nil || !u.file.Exists(user)) || strings.EqualFold(n, user) {
			return true
		}
	}
	return false
}

func isAnonymousName(user string) bool {
	return strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")
}

// Authenticate checks the password of a named user, or admits an anonymous
// one with any password. An unknown user's password is checked against
// the dummy hash all the same, so that the two failures cost the same.
func (u *Users) Authenticate(user, password string) (Identity, error) {
	if u.IsAnonymous(user) {
		p := u.policy
		if p.MustGiveEmail && password == "" || p.VerifyEmail && !looksLikeEmail(password) {
			return Identity{}, ErrDenied
		}
		if p.NoLogEmail {
			password = ""
		}
		return Identity{User: "anonymous", Anonymous: true, ReadOnly: true, Password: password}, nil
	}
	if u.file == nil {
		return Identity{}, ErrDenied
	}
	if !u.file.Exists(user) {
		if u.dummy != nil {
			u.dummy.MatchesPassword(password)
		}
		return Identity{}, ErrDenied
	}
	if !u.file.Match(user, password) {
		return Identity{}, ErrDenied
	}
	return Identity{User: user}, nil
}

// looksLikeEmail is mod_authn_anon's check: an @ not first, and a dot
// after it.
func looksLikeEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at+1:], '.') >= 0
}

// Lookup reports whether user is a named account in the htpasswd file.
// Anonymous accounts are never looked up: a certificate is not needed to
// be anonymous.
func (u *Users) Lookup(user string) (Identity, bool) {
	if u.file == nil || isAnonymousName(user) || !u.file.Exists(user) {
		return Identity{}, false
	}
	return Identity{User: user}, true
}
