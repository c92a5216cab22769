package tlsstate

import (
	"errors"
	"fmt"
	"io"
	"net"
)

// Errors returned by the machine. Compare with errors.Is; the loop maps them to replies or to closing
// the connection, never to a message text sent to a client.
var (
	// ErrTransition is matched by every *TransitionError: the requested move is not in the state table
	// (for example AUTH TLS twice, or CCC on a clear connection).
	ErrTransition = errors.New("tlsstate: illegal transition")

	// ErrState is matched by every *StateError: the operation makes no sense in the current state
	// (for example Feed before Start). It signals a bug in the caller rather than a bad peer.
	ErrState = errors.New("tlsstate: operation not valid in this state")

	// ErrHandshake wraps every handshake failure returned by Poll; the cause is wrapped too.
	ErrHandshake = errors.New("tlsstate: handshake failed")

	// ErrHandshakeTimeout is the cause when Limits.HandshakeTimeout passed before the handshake ended.
	ErrHandshakeTimeout = errors.New("tlsstate: handshake deadline exceeded")

	// ErrHandshakeEvicted is the cause when a newer handshake took this one's slot of
	// Limits.Handshakes: it was the oldest of its client address, or of all (see Semaphore).
	ErrHandshakeEvicted = errors.New("tlsstate: handshake sacrificed for a newer one")

	// ErrNotClientHello is the cause when the client's first bytes cannot begin a TLS record
	// carrying a ClientHello (garbage, a plain command, HTTP after AUTH TLS). Feed returns it,
	// wrapped in ErrHandshake, before any slot or goroutine is taken.
	ErrNotClientHello = errors.New("tlsstate: first record is not a ClientHello")

	// ErrClosed reports that the peer sent close_notify. It also matches io.EOF.
	ErrClosed = fmt.Errorf("tlsstate: peer sent close_notify: %w", io.EOF)

	// ErrRecordTooLarge reports a record header announcing more than MaxRecord bytes. Such a peer is
	// broken or hostile, and accepting it would defeat Limits.MaxPending.
	ErrRecordTooLarge = errors.New("tlsstate: TLS record too large")

	// ErrPendingLimit is returned by Feed when buffered input would exceed Limits.MaxPending.
	ErrPendingLimit = errors.New("tlsstate: pending input over limit")

	// ErrUnflushed is returned by Start when output queued in Plain has not been taken with
	// TakeOutput: the "234" reply must reach the socket before the first handshake flight.
	ErrUnflushed = errors.New("tlsstate: Start with output not taken")
)

// TransitionError is the typed form of ErrTransition.
type TransitionError struct {
	From, To State
}

func (e *TransitionError) Error() string {
	return "tlsstate: illegal transition " + e.From.String() + " -> " + e.To.String()
}

// Is reports whether target is ErrTransition.
func (e *TransitionError) Is(target error) bool { return target == ErrTransition }

// StateError is the typed form of ErrState.
type StateError struct {
	Op    string
	State State
}

func (e *StateError) Error() string {
	return "tlsstate: " + e.Op + " not valid in state " + e.State.String()
}

// Is reports whether target is ErrState.
func (e *StateError) Is(target error) bool { return target == ErrState }

// wouldBlock is what the pipe returns to crypto/tls when it has no complete input to hand over.
// crypto/tls inspects it with a type assertion to net.Error and, because Temporary is true, does not
// make it sticky: the next Read carries on with the partial record it kept. It must therefore be
// returned unwrapped.
type wouldBlock struct{}

func (wouldBlock) Error() string   { return "tlsstate: would block" }
func (wouldBlock) Timeout() bool   { return true }
func (wouldBlock) Temporary() bool { return true }

var errWouldBlock error = wouldBlock{}

// errMachineClosed is returned by every method after Close. It matches net.ErrClosed.
var errMachineClosed = fmt.Errorf("tlsstate: machine closed: %w", net.ErrClosed)

// errNoConfig is returned by Start when New was given a nil *tls.Config.
var errNoConfig = errors.New("tlsstate: nil *tls.Config")
