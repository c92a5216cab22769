package auth

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// fuzzMaxBcryptCost keeps the fuzzer's bcrypt hashes cheap: the dummy is made afresh at the
// strongest entry's cost, and a cost-20 one would take a minute per input.
const fuzzMaxBcryptCost = 6

// FuzzDummyHash picks the dummy hash for random htpasswd password fields (one per line), as
// NewUsers does for the fields checkLines accepted (dummy.go). Whatever the fields: no panic; an
// error only when the strongest entry is a bcrypt hash whose cost cannot be read; otherwise the
// dummy is "" exactly when there are no fields, a parser of the file's formats accepts it, and it
// costs at least as much work as every entry (hashWork), so an unknown user's failed PASS is
// never the cheaper one.
func FuzzDummyHash(f *testing.F) {
	b4, _ := bcrypt.GenerateFromPassword([]byte("a"), 4)
	b5, _ := bcrypt.GenerateFromPassword([]byte("b"), 5)
	for _, s := range []string{
		"",
		"{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
		"$apr1$s4ltS4lt$B.F4OQiCzHO9zdBvhVFi7/\n{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=",
		"$5$s4ltS4lt$89IUFaBLbmJpi5lu8XsLXl1BmVLnNbjxMohc8kFs/NB\n" + string(b4),
		"$6$rounds=400000$s4ltS4lt$xyz\n" + string(b5),
		"$6$rounds=$s$h\n$5$rounds=-7$s$h\n$5$rounds=99999999999999999999$s$h\n$5$rounds=12",
		string(b4) + "\n" + string(b5),
		"$2y$garbage\n{SHA}x",
		"$2y$",
		"$2a$31$" + strings.Repeat("a", 53),
		"{SSHA}c2FsdHNhbHQ=\n$apr1$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var fields []string
		for _, l := range strings.Split(raw, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || !accepted(l) {
				continue // checkLines would refuse the file
			}
			if strings.HasPrefix(l, "$2") {
				if c, err := bcrypt.Cost([]byte(l)); err == nil && c > fuzzMaxBcryptCost {
					return
				}
			}
			fields = append(fields, l)
		}
		got, err := dummyHash(fields)
		if err != nil {
			best, work := "", 0
			for _, h := range fields {
				if w := hashWork(h); best == "" || w > work {
					best, work = h, w
				}
			}
			if _, cerr := bcrypt.Cost([]byte(best)); !strings.HasPrefix(best, "$2") || cerr == nil {
				t.Fatalf("dummyHash(%q): %v, the strongest entry %q being fine", fields, err, best)
			}
			return
		}
		if (got == "") != (len(fields) == 0) {
			t.Fatalf("dummyHash(%q) = %q", fields, got)
		}
		if got == "" {
			return
		}
		if !accepted(got) {
			t.Fatalf("dummyHash(%q) = %q, which no parser accepts", fields, got)
		}
		if d, err := newDummy(fields); err != nil || d == nil {
			t.Fatalf("newDummy(%q) = %v, %v", fields, d, err)
		}
		for _, h := range fields {
			if hashWork(got) < hashWork(h) {
				t.Fatalf("dummy %q (work %d) is cheaper than entry %q (work %d)", got, hashWork(got), h, hashWork(h))
			}
		}
	})
}

// accepted reports whether one of the file formats' parsers takes h, as checkLines asks.
func accepted(h string) bool {
	for _, p := range hashes {
		if e, err := p(h); err == nil && e != nil {
			return true
		}
	}
	return false
}
