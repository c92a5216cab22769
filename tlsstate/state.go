package tlsstate

import "strconv"

// State is the TLS state of one control connection. The zero value, Plain, is the safe start.
type State uint8

const (
	// Plain: no TLS yet; WritePlain passes bytes through, Feed and ReadPlain are not used.
	Plain State = iota
	// Handshaking: the handshake goroutine owns the tls.Conn; Feed wakes it, Poll finishes it.
	Handshaking
	// Secure: the loop owns the tls.Conn; ReadPlain decrypts, WritePlain encrypts.
	Secure
	// Cleared: after CCC both close_notify alerts were exchanged; bytes pass through in the clear.
	Cleared
	// Failed: the handshake or the record layer failed; the loop closes the connection.
	Failed
	// Clearing: CCC accepted and our close_notify queued; waiting for the peer's close_notify.
	// It comes last so that the values of the states above stay those of the original design.
	Clearing
)

var stateNames = [...]string{
	Plain:       "Plain",
	Handshaking: "Handshaking",
	Secure:      "Secure",
	Cleared:     "Cleared",
	Failed:      "Failed",
	Clearing:    "Clearing",
}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// transitions is the whole state table: transitions[from] lists the states reachable from it.
// Re-securing after CCC (Cleared -> Handshaking) is deliberately absent: a tls.Conn cannot be
// restarted, so AUTH after CCC gets ErrTransition.
var transitions = [...][]State{
	Plain:       {Handshaking},
	Handshaking: {Secure, Failed},
	Secure:      {Clearing, Failed},
	Clearing:    {Cleared, Failed},
	Cleared:     nil,
	Failed:      nil,
}

// transition is the only place that changes c.state.
func (c *Conn) transition(to State) error {
	from := c.state
	if int(from) < len(transitions) {
		for _, s := range transitions[from] {
			if s == to {
				c.state = to
				return nil
			}
		}
	}
	return &TransitionError{From: from, To: to}
}
