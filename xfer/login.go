package xfer

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// Home says where a host's logins land: the views of its root for named
// and read-only users, and FTPHomeDir/FTPJailUser.
type Home struct {
	User, Anon *fsys.FS // the root seen by named users, and read-only
	Dir        string   // FTPHomeDir, a virtual path; "" for none
	Jail       bool     // named users see only their home
}

// Entry is where a login lands: the file system it sees and its first
// directory.
type Entry struct {
	FS     *fsys.FS
	Cwd    string
	Prefix string // FS's root as a path under the host's Root
	Own    bool   // FS was opened for this login and must be closed with it
}

// Drop closes the entry's file system when it was opened for a login that
// is not going ahead.
func (e Entry) Drop() {
	if e.Own && e.FS != nil {
		e.FS.Close()
	}
}

// ErrNoHome: a jailed user whose home cannot be opened cannot log in.
var ErrNoHome = errors.New("xfer: home directory unavailable")

// Enter finds a login's file system and first directory. Anonymous logins
// see the whole root, read-only; named users start in their home when
// Dir is set, and with Jail see nothing else. Runs on a worker: it may
// open the user's home.
func (h Home) Enter(id auth.Identity) (Entry, error) {
	base := h.User
	if id.ReadOnly {
		base = h.Anon
	}
	if id.Anonymous || h.Dir == "" {
		return Entry{FS: base, Cwd: "/"}, nil
	}
	if u := id.User; u == "" || u == "." || u == ".." || strings.ContainsAny(u, "/\\\x00") {
		return Entry{}, ErrNoHome
	}
	home := path.Join("/", h.Dir, id.User)
	if h.Jail {
		sub, err := base.Sub(home, base.Options())
		if err != nil {
			return Entry{}, fmt.Errorf("%w: %w", ErrNoHome, err)
		}
		return Entry{FS: sub, Cwd: "/", Prefix: home, Own: true}, nil
	}
	if fi, err := base.Stat(home); err == nil && fi.IsDir() {
		return Entry{FS: base, Cwd: home}, nil
	}
	return Entry{FS: base, Cwd: "/"}, nil
}

// Login is the worker half of PASS, or of USER when a client certificate
// vouches for the name: it checks the password (unless Proven is set) and
// finds where the login lands. The loop then counts the session and
// enters it (loop/login.go).
type Login struct {
	Auth       auth.Authenticator // nil: nobody can log in with a password
	User, Pass string
	Proven     *auth.Identity // the identity a client certificate proved; skips the password
	Home       Home
	// FailAt is when a failed login is answered, without holding a worker
	// (Delay): a deadline the loop set from the PASS's arrival, not a
	// pause after the check, so that the answer's time does not depend on
	// how long the check took (which hash, or none for an unknown user).
	// Zero: at once.
	FailAt time.Time
	// Slot, when set, is the login's place among the password checks its
	// client address may have in flight (loop/ban.go): Run waits for one
	// before checking, and settles it after.
	Slot Slot
}

// Slot is a login's claim on its client address's budget of password
// checks, which the loop's ban table keeps: checks in flight count as
// failures until they settle, so a burst of parallel logins cannot have
// more passwords checked than the ban allows to fail. Its methods never
// block and are safe from any goroutine.
type Slot interface {
	// Take claims a check. ok: the password may be checked now. refuse:
	// it must not be (the address is banned). Otherwise freed is closed
	// when one of the address's checks settles, and Take is to be tried
	// again.
	Take() (ok, refuse bool, freed <-chan struct{})
	// Settle gives a check Take granted back, as a failure or not, and
	// returns when a failure is to be answered (zero: FailAt stands).
	Settle(failed bool) time.Time
}

// maxSlotWait bounds how long a login waits for a slot: should the checks
// in flight hang, the client gets its 530 rather than waiting for ever.
const maxSlotWait = 30 * time.Second

// takeSlot waits until the login may be checked; false when it must be
// refused unchecked, or the session went away (ctx). Runs on a worker:
// it blocks, at most maxSlotWait.
func (l *Login) takeSlot(ctx context.Context) bool {
	var timeout <-chan time.Time
	for {
		ok, refuse, freed := l.Slot.Take()
		if ok || refuse {
			return ok
		}
		if timeout == nil {
			t := time.NewTimer(maxSlotWait)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-freed:
		case <-ctx.Done():
			return false
		case <-timeout:
			return false
		}
	}
}

// Run checks the login. Its outcome is LoggedIn or CertLoggedIn (with
// Identity and Entry), or LoginFailed; the reply does not say which part failed. Runs on a
// worker.
func (l *Login) Run(ctx context.Context, _ Progress) Outcome {
	var id auth.Identity
	switch {
	case l.Proven != nil:
		id = *l.Proven
	case l.Slot != nil && !l.takeSlot(ctx):
		return Outcome{Kind: LoginFailed, Err: auth.ErrDenied}
	case l.Auth == nil:
		l.settle(true)
		return Outcome{Kind: LoginFailed}
	default:
		var err error
		id, err = l.Auth.Authenticate(l.User, l.Pass)
		l.settle(err != nil)
		if err != nil {
			return Outcome{Kind: LoginFailed, Err: err}
		}
	}
	e, err := l.Home.Enter(id)
	if err != nil {
		return Outcome{Kind: LoginFailed, Err: err}
	}
	kind := LoggedIn
	if l.Proven != nil {
		kind = CertLoggedIn
	}
	return Outcome{Kind: kind, Identity: id, Entry: e}
}

// settle gives the slot back, when there is one, and takes the deadline
// it gives a failure. Runs on a worker.
func (l *Login) settle(failed bool) {
	if l.Slot == nil {
		return
	}
	if at := l.Slot.Settle(failed); !at.IsZero() {
		l.FailAt = at
	}
}

// Delay is the pause before o is answered: what is left until FailAt for
// a failed login (nothing when the check ran past it), none otherwise.
// Runs on a worker, after Run.
func (l *Login) Delay(o *Outcome) time.Duration {
	if o.Kind == LoginFailed && !l.FailAt.IsZero() {
		return max(time.Until(l.FailAt), 0)
	}
	return 0
}
