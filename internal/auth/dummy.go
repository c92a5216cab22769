package auth

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	htpasswd "github.com/tg123/go-htpasswd"
	"golang.org/x/crypto/bcrypt"
)

// The dummy hash answers for users the file does not know: an unknown
// user's password is checked against it, so that a failed login costs
// the same work whether the user exists or not (issue 18). It has the
// scheme and cost of the file's strongest entry, because an attacker who
// can time PASS would otherwise tell a bcrypt-12 account from a name that
// is not there.

// hashWork ranks a hash by roughly how long checking a password against
// it takes, in units of about 50 µs on one core. The figures only need to
// order the schemes: bcrypt doubles per cost step (cost 10 ≈ 50 ms),
// SHA-crypt is linear in its rounds (5,000 ≈ 5 ms), APR1-MD5 is a fixed
// 1,000 MD5 rounds, {SHA} and {SSHA} one SHA-1.
func hashWork(hash string) int {
	switch {
	case strings.HasPrefix(hash, "$2"):
		cost, err := bcrypt.Cost([]byte(hash))
		if err != nil {
			return 0
		}
		return 1 << cost
	case strings.HasPrefix(hash, "$5$"), strings.HasPrefix(hash, "$6$"):
		rounds := 5000 // SHA-crypt's default when "rounds=" is absent
		if r, ok := strings.CutPrefix(hash[3:], "rounds="); ok {
			if n, err := strconv.Atoi(r[:strings.IndexByte(r+"$", '$')]); err == nil {
				rounds = n
			}
		}
		return rounds / 50
	case strings.HasPrefix(hash, "$apr1$"):
		return 10
	}
	return 1
}

// dummyHash returns the stand-in for unknown users, for the strongest of
// hashes (the file's password fields); "" when there are none. A bcrypt
// one is made afresh, from a random password, at the same cost; for the
// other schemes, which go-htpasswd can check but not make, the strongest
// entry's own hash is used: the result of the check is thrown away
// (Authenticate refuses an unknown user whatever it says), so only its
// cost matters, and that is exactly the entry's.
func dummyHash(hashes []string) (string, error) {
	best, work := "", 0
	for _, h := range hashes {
		if w := hashWork(h); best == "" || w > work {
			best, work = h, w
		}
	}
	if !strings.HasPrefix(best, "$2") {
		return best, nil
	}
	cost, err := bcrypt.Cost([]byte(best))
	if err != nil {
		return "", fmt.Errorf("auth: dummy hash: %w", err)
	}
	h, err := bcrypt.GenerateFromPassword([]byte(randomPassword()), cost)
	if err != nil {
		return "", fmt.Errorf("auth: dummy hash: %w", err)
	}
	return string(h), nil
}

// newDummy parses dummyHash's result; nil when the file has no entry.
func newDummy(fields []string) (htpasswd.EncodedPasswd, error) {
	h, err := dummyHash(fields)
	if err != nil || h == "" {
		return nil, err
	}
	for _, p := range hashes {
		if e, err := p(h); err == nil && e != nil {
			return e, nil
		}
	}
	return nil, fmt.Errorf("auth: dummy hash: no parser accepts the strongest entry")
}

// randomPassword is a password nobody knows, for the dummy hash.
func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return base64.RawStdEncoding.EncodeToString(b)
}
