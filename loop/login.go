package loop

import (
	"errors"
	"fmt"
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
