package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func writeHtpasswd(t *testing.T, lines string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(p, []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUsers(t *testing.T) {
	hash, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	// {SHA} of "secret".
	file := writeHtpasswd(t, "alice:"+string(hash)+"\nbob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\n")
	u, err := NewUsers(file, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, pass string
		want             Identity
		err              error
	}{
		{name: "bcrypt", user: "alice", pass: "secret", want: Identity{User: "alice"}},
		{name: "sha1", user: "bob", pass: "secret", want: Identity{User: "bob"}},
		{name: "wrong password", user: "alice", pass: "nope", err: ErrDenied},
		{name: "unknown user", user: "carol", pass: "secret", err: ErrDenied},
		{name: "anonymous", user: "anonymous", pass: "me@example.com", want: Identity{User: "anonymous", Anonymous: true, ReadOnly: true, Password: "me@example.com"}},
		{name: "ftp is anonymous", user: "FTP", pass: "", want: Identity{User: "anonymous", Anonymous: true, ReadOnly: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := u.Authenticate(tc.user, tc.pass)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Errorf("Authenticate(%q) = %+v, %v; want %+v, %v", tc.user, got, err, tc.want, tc.err)
			}
		})
	}
	if _, ok := u.Lookup("alice"); !ok {
		t.Error("Lookup(alice) failed")
	}
	for _, name := range []string{"carol", "anonymous", "ftp"} {
		if _, ok := u.Lookup(name); ok {
			t.Errorf("Lookup(%q) succeeded", name)
		}
	}
}

func TestAnonymousOff(t *testing.T) {
	u, err := NewUsers("", false)
	if err != nil {
		t.Fatal(err)
	}
	if u.IsAnonymous("anonymous") {
		t.Error("anonymous allowed while off")
	}
	if _, err := u.Authenticate("anonymous", "x"); !errors.Is(err, ErrDenied) {
		t.Errorf("anonymous login while off: %v", err)
	}
}

// TestPlainTextRefused: a line whose hash no parser accepts is an error at
// start-up, not a plain-text password.
func TestPlainTextRefused(t *testing.T) {
	file := writeHtpasswd(t, "# users\nbob:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=\nalice:secret\n")
	_, err := NewUsers(file, false)
	if err == nil {
		t.Fatal("a plain-text htpasswd line was accepted")
	}
	if want := file + ":3: user \"alice\""; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q quotes the password field", err)
	}
}

func TestMissingFile(t *testing.T) {
	if _, err := NewUsers(filepath.Join(t.TempDir(), "none"), false); err == nil {
		t.Fatal("a missing htpasswd file was accepted")
	}
}

func TestAnonPolicy(t *testing.T) {
	for _, tc := range []struct {
		name       string
		p          AnonPolicy
		user, pass string
		ok         bool
		logged     string
	}{
		{"default accepts any password", AnonPolicy{}, "ftp", "", true, ""},
		{"MustGiveEmail refuses empty", AnonPolicy{MustGiveEmail: true}, "anonymous", "", false, ""},
		{"MustGiveEmail accepts any text", AnonPolicy{MustGiveEmail: true}, "anonymous", "me", true, "me"},
		{"VerifyEmail refuses a non-address", AnonPolicy{VerifyEmail: true}, "anonymous", "me@host", false, ""},
		{"VerifyEmail accepts an address", AnonPolicy{VerifyEmail: true}, "anonymous", "me@host.example", true, "me@host.example"},
		{"NoLogEmail drops the password", AnonPolicy{NoLogEmail: true}, "anonymous", "me@host.example", true, ""},
		{"Names replace the defaults", AnonPolicy{Names: []string{"guest"}}, "Guest", "x", true, "x"},
		{"Names replace anonymous too", AnonPolicy{Names: []string{"guest"}}, "anonymous", "x", false, ""},
		{"* accepts any name", AnonPolicy{Names: []string{"*"}}, "whoever", "x", true, "x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := NewUsers("", true)
			if err != nil {
				t.Fatal(err)
			}
			u.SetAnonPolicy(tc.p)
			id, err := u.Authenticate(tc.user, tc.pass)
			if (err == nil) != tc.ok {
				t.Fatalf("Authenticate(%q, %q) = %v, want ok %v", tc.user, tc.pass, err, tc.ok)
			}
			if tc.ok && (!id.Anonymous || !id.ReadOnly || id.Password != tc.logged) {
				t.Fatalf("identity %+v, want anonymous read-only with password %q", id, tc.logged)
			}
		})
	}
}
