package auth

import (
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHash: the stand-in for unknown users has the scheme and cost
// of the file's strongest entry.
func TestDummyHash(t *testing.T) {
	b4, _ := bcrypt.GenerateFromPassword([]byte("a"), 4)
	b6, _ := bcrypt.GenerateFromPassword([]byte("b"), 6)
	b8, _ := bcrypt.GenerateFromPassword([]byte("c"), 8)
	const (
		sha    = "{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ="
		apr1   = "$apr1$s4ltS4lt$B.F4OQiCzHO9zdBvhVFi7/"
		sha256 = "$5$s4ltS4lt$89IUFaBLbmJpi5lu8XsLXl1BmVLnNbjxMohc8kFs/NB"
		rounds = "$6$rounds=400000$s4ltS4lt$xyz"
	)
	for _, tc := range []struct {
		name   string
		fields []string
		cost   int    // want a fresh bcrypt hash of this cost
		same   string // or want this entry itself
	}{
		{name: "none", same: ""},
		{name: "bcrypt-8 beats the rest", fields: []string{sha, string(b4), apr1, sha256, string(b8)}, cost: 8},
		{name: "the higher bcrypt cost", fields: []string{string(b4), string(b6), sha}, cost: 6},
		{name: "SHA-crypt beats APR1, SHA and bcrypt-4", fields: []string{sha, apr1, sha256, string(b4)}, same: sha256},
		{name: "many SHA-crypt rounds beat low-cost bcrypt", fields: []string{string(b4), rounds}, same: rounds},
		{name: "APR1 beats SHA", fields: []string{sha, apr1}, same: apr1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := dummyHash(tc.fields)
			if err != nil {
				t.Fatal(err)
			}
			if tc.cost == 0 {
				if got != tc.same {
					t.Fatalf("dummy %q, want %q", got, tc.same)
				}
				return
			}
			c, err := bcrypt.Cost([]byte(got))
			if err != nil || c != tc.cost {
				t.Fatalf("dummy %q: cost %d (%v), want bcrypt cost %d", got, c, err, tc.cost)
			}
			for _, f := range tc.fields {
				if got == f {
					t.Fatal("the dummy is a user's own hash, not a fresh one")
				}
			}
		})
	}
}

// countingHash counts the passwords checked against it.
type countingHash struct{ n int }

func (c *countingHash) MatchesPassword(string) bool { c.n++; return false }

// TestUnknownUserChecksDummy: an unknown user's password is checked
// against the dummy, and still refused.
func TestUnknownUserChecksDummy(t *testing.T) {
	h, _ := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	u, err := NewUsers(writeHtpasswd(t, "alice:"+string(h)+"\n"), false)
	if err != nil {
		t.Fatal(err)
	}
	if u.dummy == nil {
		t.Fatal("no dummy hash for a file with a bcrypt entry")
	}
	c := &countingHash{}
	u.dummy = c
	if _, err := u.Authenticate("mallory", "secret"); !errors.Is(err, ErrDenied) {
		t.Fatalf("unknown user: %v, want ErrDenied", err)
	}
	if _, err := u.Authenticate("alice", "wrong"); !errors.Is(err, ErrDenied) {
		t.Fatalf("wrong password: %v, want ErrDenied", err)
	}
	if c.n != 1 {
		t.Fatalf("dummy checked %d times, want once (for the unknown user only)", c.n)
	}
	if _, err := u.Authenticate("alice", "secret"); err != nil {
		t.Fatalf("right password: %v", err)
	}
}
