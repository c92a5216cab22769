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

// fakeSlot grants a check after refusing it waits times, records the
// settles and gives failures the deadline at.
type fakeSlot struct {
	waits   int
	refuse  bool
	settled []bool
	at      time.Time
}

func (f *fakeSlot) Take() (bool, bool, <-chan struct{}) {
	if f.refuse {
		return false, true, nil
	}
	if f.waits > 0 {
		f.waits--
		c := make(chan struct{})
		close(c) // freed at once: try again
		return false, false, c
	}
	return true, false, nil
}

func (f *fakeSlot) Settle(failed bool) time.Time {
	f.settled = append(f.settled, failed)
	return f.at
}

// TestLoginSlot: a login waits for its slot and settles it once checked,
// taking the deadline the slot gives; a refused slot checks nothing; the
// answer comes at the deadline however long the check took.
func TestLoginSlot(t *testing.T) {
	start := time.Now()
	sl := &fakeSlot{waits: 3, at: start.Add(300 * time.Millisecond)}
	l := &Login{Auth: slowAuth{100 * time.Millisecond}, User: "u", Pass: "p", FailAt: start.Add(time.Hour), Slot: sl}
	o := l.Run(context.Background(), nil)
	if o.Kind != LoginFailed || len(sl.settled) != 1 || !sl.settled[0] || sl.waits != 0 {
		t.Fatalf("outcome %v, settles %v, waits left %d; want LoginFailed, one failure, none", o.Kind, sl.settled, sl.waits)
	}
	if total := time.Since(start) + l.Delay(&o); total < 290*time.Millisecond || total > 350*time.Millisecond {
		t.Errorf("check plus delay %v, want the 300ms deadline the slot gave", total)
	}
	refused := &fakeSlot{refuse: true}
	u := &Login{Auth: slowAuth{time.Hour}, Slot: refused}
	if o := u.Run(context.Background(), nil); o.Kind != LoginFailed || len(refused.settled) != 0 {
		t.Fatalf("refused slot: outcome %v, settles %v; want LoginFailed and no check", o.Kind, refused.settled)
	}
	// A login waiting for a slot gives up when its session goes.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := &blockedSlot{}
	if o := (&Login{Auth: slowAuth{time.Hour}, Slot: never}).Run(ctx, nil); o.Kind != LoginFailed {
		t.Fatalf("cancelled wait: outcome %v, want LoginFailed", o.Kind)
	}
}

// blockedSlot never grants a check.
type blockedSlot struct{}

func (blockedSlot) Take() (bool, bool, <-chan struct{}) { return false, false, make(chan struct{}) }
func (blockedSlot) Settle(bool) time.Time               { return time.Time{} }
