package loop

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/xfer"
)

// loginState is where a session is in logging in. The zero value is the
// safe start: nobody is logged in.
type loginState uint8

const (
	loginNone     loginState = iota // waiting for USER
	loginUser                       // USER given, waiting for PASS
	loginChecking                   // PASS being checked on a worker
	loginDone                       // logged in
)

func (l loginState) String() string {
	switch l {
	case loginNone:
		return "none"
	case loginUser:
		return "user"
	case loginChecking:
		return "checking"
	case loginDone:
		return "done"
	}
	return fmt.Sprintf("loginState(%d)", uint8(l))
}

// errLoginSequence is returned for a transition the login machine refuses;
// it becomes 503.
var errLoginSequence = errors.New("loop: bad login sequence")

// loginTransitions lists every legal move. REIN and a failed check go back
// to loginNone from anywhere, through resetLogin.
var loginTransitions = map[[2]loginState]bool{
	{loginNone, loginUser}:     true,
	{loginUser, loginUser}:     true, // USER again replaces the name
	{loginUser, loginChecking}: true,
	{loginChecking, loginDone}: true,
	{loginChecking, loginNone}: true,
	{loginUser, loginDone}:     true, // a client certificate vouches for USER (RFC 4217 §11)
}

// setLogin performs one login transition or refuses it.
func (s *Session) setLogin(to loginState) error {
	if !loginTransitions[[2]loginState{s.login, to}] {
		return fmt.Errorf("%w: %s -> %s", errLoginSequence, s.login, to)
	}
	s.login = to
	s.loggedIn.Store(to == loginDone)
	return nil
}

// enterAs applies, on the loop, a login that a worker accepted. The
// session is still checking its password: while the job ran, no other
// command was served (REIN waits for it), and had the connection closed,
// the mailbox would have discarded the result (result.discard) instead of
// applying it. Should the transition be refused all the same, the entry
// is dropped rather than leaked.
func (s *Session) enterAs(id auth.Identity, e xfer.Entry) {
	if s.setLogin(loginDone) != nil {
		e.Drop()
		return
	}
	s.ident, s.fs, s.cwd, s.viewPrefix = id, e.FS, e.Cwd, e.Prefix
	s.registerOwner()
	s.acc = s.host.access(id.User, e.FS, e.Prefix)
	if e.Own {
		s.fsRefs = new(atomic.Int32)
		s.fsRefs.Store(1)
	}
}

// holdFS keeps a jailed login's root open for a job that runs past the
// session's end: an upload must still be able to remove its temporary
// file. It returns the release to call when the job is over.
func (s *Session) holdFS() func() {
	if s.fsRefs == nil {
		return func() {}
	}
	refs, f := s.fsRefs, s.fs
	refs.Add(1)
	return func() {
		if refs.Add(-1) == 0 {
			f.Close()
		}
	}
}

// dropFS forgets the login's file system, closing it when it was opened
// for the login, and the checker that sees through it.
func (s *Session) dropFS() {
	if s.fsRefs != nil && s.fsRefs.Add(-1) == 0 {
		s.fs.Close()
	}
	s.fs, s.viewPrefix, s.fsRefs, s.acc = nil, "", nil, nil
}
