package xfer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// oneUser admits alice with password "secret".
type oneUser struct{}

func (oneUser) IsAnonymous(string) bool { return false }
func (oneUser) Authenticate(u, p string) (auth.Identity, error) {
	if u == "alice" && p == "secret" {
		return auth.Identity{User: "alice"}, nil
	}
	return auth.Identity{}, auth.ErrDenied
}
func (oneUser) Lookup(string) (auth.Identity, bool) { return auth.Identity{}, false }

// TestLogin runs the login job without an event loop: the password, the
// certificate's proven identity, and where each login lands.
func TestLogin(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "home", "alice"), 0o755); err != nil {
		t.Fatal(err)
	}
	base, err := fsys.Open(root, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { base.Close() })
	bob := auth.Identity{User: "bob"}
	tests := []struct {
		name   string
		login  Login
		kind   Kind
		cwd    string
		jailed bool
	}{
		{"right password", Login{Auth: oneUser{}, User: "alice", Pass: "secret", Home: Home{User: base, Anon: base}}, LoggedIn, "/", false},
		{"wrong password", Login{Auth: oneUser{}, User: "alice", Pass: "guess", Home: Home{User: base, Anon: base}}, LoginFailed, "", false},
		{"no authenticator", Login{User: "alice", Pass: "secret", Home: Home{User: base, Anon: base}}, LoginFailed, "", false},
		{"home directory", Login{Auth: oneUser{}, User: "alice", Pass: "secret", Home: Home{User: base, Anon: base, Dir: "/home"}}, LoggedIn, "/home/alice", false},
		{"jailed", Login{Auth: oneUser{}, User: "alice", Pass: "secret", Home: Home{User: base, Anon: base, Dir: "/home", Jail: true}}, LoggedIn, "/", true},
		{"certificate", Login{User: "bob", Proven: &bob, Home: Home{User: base, Anon: base}}, CertLoggedIn, "/", false},
		{"jailed without a home", Login{User: "bob", Proven: &bob, Home: Home{User: base, Anon: base, Dir: "/home", Jail: true}}, LoginFailed, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.login.Run(context.Background(), nil)
			defer o.Release()
			if o.Kind != tt.kind {
				t.Fatalf("kind %v (err %v), want %v", o.Kind, o.Err, tt.kind)
			}
			if o.Kind == LoginFailed {
				return
			}
			if o.Entry.Cwd != tt.cwd || o.Entry.Own != tt.jailed {
				t.Errorf("entry %+v, want cwd %q, own %v", o.Entry, tt.cwd, tt.jailed)
			}
			if tt.jailed && o.Entry.Prefix != "/home/alice" {
				t.Errorf("jailed prefix %q", o.Entry.Prefix)
			}
		})
	}
}

// TestLoginDelay: only a failure waits, until its deadline and not a
// pause after the check, and a jailed home that cannot be entered is a
// failure that says why.
func TestLoginDelay(t *testing.T) {
	l := &Login{FailAt: time.Now().Add(time.Second)}
	if d := l.Delay(&Outcome{Kind: LoginFailed}); d <= 900*time.Millisecond || d > time.Second {
		t.Errorf("failed login waits %v, want what is left of 1s", d)
	}
	if d := l.Delay(&Outcome{Kind: LoggedIn}); d != 0 {
		t.Errorf("successful login waits %v, want 0", d)
	}
	past := &Login{FailAt: time.Now().Add(-time.Second)}
	if d := past.Delay(&Outcome{Kind: LoginFailed}); d != 0 {
		t.Errorf("a check that ran past its deadline waits %v more, want 0", d)
	}
	if _, err := (Home{Dir: "/home", Jail: true}).Enter(auth.Identity{User: "../x"}); !errors.Is(err, ErrNoHome) {
		t.Errorf("home of ../x: %v, want ErrNoHome", err)
	}
}

// slowAuth fails every password after a pause, as a costly hash would.
type slowAuth struct{ d time.Duration }

func (slowAuth) IsAnonymous(string) bool             { return false }
func (slowAuth) Lookup(string) (auth.Identity, bool) { return auth.Identity{}, false }
func (a slowAuth) Authenticate(string, string) (auth.Identity, error) {
	time.Sleep(a.d)
	return auth.Identity{}, auth.ErrDenied
}

// TestLoginChecked: Checked hears how each check went; an unchecked
// refusal checks nothing; the answer comes at FailAt however long the
// check took.
func TestLoginChecked(t *testing.T) {
	var got []bool
	rec := func(failed bool) { got = append(got, failed) }
	start := time.Now()
	l := &Login{Auth: slowAuth{100 * time.Millisecond}, User: "u", Pass: "p", FailAt: start.Add(300 * time.Millisecond), Checked: rec}
	o := l.Run(context.Background(), nil)
	if o.Kind != LoginFailed || len(got) != 1 || !got[0] {
		t.Fatalf("outcome %v, Checked calls %v; want LoginFailed and one failure", o.Kind, got)
	}
	if total := time.Since(start) + l.Delay(&o); total < 290*time.Millisecond || total > 350*time.Millisecond {
		t.Errorf("check plus delay %v, want the 300ms deadline", total)
	}
	u := &Login{Auth: slowAuth{time.Hour}, Unchecked: true, Checked: rec}
	if o := u.Run(context.Background(), nil); o.Kind != LoginFailed || len(got) != 1 {
		t.Fatalf("unchecked: outcome %v, Checked calls %v; want LoginFailed and no check", o.Kind, got)
	}
}
