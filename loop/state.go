package loop

import (
	"fmt"
)

// connState is where a control connection is between commands, jobs, TLS
// changes and its close. The login state (login.go) says who the client
// is; connState says what the session may do with the next input line.
// The zero value is the safe start: idle, reading commands, nothing
// running.
//
// The moves, all made by Session.setConn:
//
//	idle ─start─► job ──final reply─► idle
//	idle ─start─► transfer ─final reply─► idle
//	transfer ─ABOR─► aborting ─final reply─► idle (226 after the transfer's reply)
//	transfer ─QUIT─► quitting ─final reply─► closing (221 after the transfer's reply)
//	aborting ─QUIT─► abortQuit, quitting ─ABOR─► abortQuit ─final reply─► closing (226, then 221)
//	idle ─AUTH─► tlsPending ─234 flushed, handshake started─► idle
//	idle ─CCC─► cccPending ─200 flushed, close_notify queued─► idle
//	any ─► closing (QUIT, timeouts, limits, TLS failure, a panic)
//
// While a job runs (job, transfer, aborting, quitting, abortQuit) the
// session reads input but dispatches only what may run during a transfer,
// so replies stay in command order. In tlsPending and cccPending nothing
// more is dispatched until the reply that changes the channel is on the
// wire: bytes pipelined behind AUTH are discarded, and those behind CCC
// wait to be read in the clear.
//
// The state is held in an atomic (Session.cstate) only because the idle
// sweep on the ticker goroutine reads it (busy: a session running a job is
// never idle); every change is made on the loop.
type connState uint8

const (
	connIdle       connState = iota // dispatching commands
	connJob                         // a non-transfer job runs (a login check, a file-system command)
	connTransfer                    // a transfer job runs: ABOR, STAT, NOOP and QUIT may run
	connAborting                    // ABOR came during the transfer: answer 226 after its final reply
	connQuitting                    // QUIT came during the transfer: answer 221 and close after it
	connAbortQuit                   // both ABOR and QUIT wait for the transfer's final reply
	connTLSPending                  // 234 queued: start the handshake once it is on the wire
	connCCCPending                  // 200 to CCC queued: it is the last protected reply
	connClosing                     // the connection closes once the pending output is flushed
)

func (c connState) String() string {
	switch c {
	case connIdle:
		return "idle"
	case connJob:
		return "job"
	case connTransfer:
		return "transfer"
	case connAborting:
		return "aborting"
	case connQuitting:
		return "quitting"
	case connAbortQuit:
		return "abort+quit"
	case connTLSPending:
		return "tls-pending"
	case connCCCPending:
		return "ccc-pending"
	case connClosing:
		return "closing"
	}
	return fmt.Sprintf("connState(%d)", uint8(c))
}

// busy reports whether a job runs: the session reads but holds commands
// back, and the idle sweep leaves it alone.
func (c connState) busy() bool { return c >= connJob && c <= connAbortQuit }

// transferring reports whether a transfer job runs, with or without an
// ABOR or QUIT waiting for it.
func (c connState) transferring() bool { return c >= connTransfer && c <= connAbortQuit }

// reading reports whether input lines may be taken from the buffer at all.
func (c connState) reading() bool { return c <= connAbortQuit }

// connTransitionError is the typed error for a move connTransitions does
// not list. It means a bug in the session code, never a client's mistake:
// the client's sequencing errors are answered before any move is tried.
type connTransitionError struct{ from, to connState }

func (e *connTransitionError) Error() string {
	return fmt.Sprintf("loop: illegal connection state transition %s -> %s", e.from, e.to)
}

// connTransitions lists every legal move except "any -> closing", which is
// always legal: a session may have to close whatever it was doing.
var connTransitions = map[[2]connState]bool{
	{connIdle, connJob}:            true,
	{connIdle, connTransfer}:       true,
	{connJob, connIdle}:            true,
	{connTransfer, connIdle}:       true,
	{connTransfer, connAborting}:   true,
	{connTransfer, connQuitting}:   true,
	{connAborting, connAborting}:   true, // a second ABOR: still one 226
	{connQuitting, connQuitting}:   true, // a second QUIT: still one 221
	{connAbortQuit, connAbortQuit}: true,
	{connAborting, connAbortQuit}:  true,
	{connQuitting, connAbortQuit}:  true,
	{connAborting, connIdle}:       true,
	{connIdle, connTLSPending}:     true,
	{connTLSPending, connIdle}:     true,
	{connIdle, connCCCPending}:     true,
	{connCCCPending, connIdle}:     true,
}

// connState returns the session's state. Loop only, though the load is
// atomic for the idle sweep's sake (see busyForSweep).
func (s *Session) connState() connState { return connState(s.cstate.Load()) }

// setConn performs one move of the connection state machine or refuses
// it with a *connTransitionError, leaving the state unchanged.
func (s *Session) setConn(to connState) error {
	from := s.connState()
	if to != connClosing && !connTransitions[[2]connState{from, to}] {
		return &connTransitionError{from, to}
	}
	s.cstate.Store(uint32(to))
	return nil
}

// moveConn is setConn for moves the caller has made sure are legal. A
// refusal is a bug in this package: it panics, which closes this one
// session with 421 and logs the stack (see Server.OnTraffic).
func (s *Session) moveConn(to connState) {
	if err := s.setConn(to); err != nil {
		panic(err)
	}
}

// closeConn marks the session to close after this event's output is
// flushed. It is always legal.
func (s *Session) closeConn() { s.moveConn(connClosing) }

// closing reports whether the session is closing.
func (s *Session) closing() bool { return s.connState() == connClosing }

// busyForSweep reports whether a job runs. It runs on gnet's ticker
// goroutine (the idle sweep), which is why the state is atomic.
func (s *Session) busyForSweep() bool { return s.connState().busy() }

// startedJob records the job that start handed to a worker.
func (s *Session) startedJob(j *job) {
	s.job = j
	if j.transfer {
		s.moveConn(connTransfer)
	} else {
		s.moveConn(connJob)
	}
}

// endJob moves out of a job state after the job's final reply, and says
// which of ABOR and QUIT waited for it. A session already closing stays
// closing.
func (s *Session) endJob() (abort, quit bool) {
	s.job = nil
	switch st := s.connState(); st {
	case connJob, connTransfer:
		s.moveConn(connIdle)
	case connAborting:
		s.moveConn(connIdle)
		return true, false
	case connQuitting:
		s.closeConn()
		return false, true
	case connAbortQuit:
		s.closeConn()
		return true, true
	case connClosing:
	default:
		panic(&connTransitionError{st, connIdle})
	}
	return false, false
}

// markAbort records an ABOR that waits for the running transfer.
func (s *Session) markAbort() {
	switch s.connState() {
	case connQuitting, connAbortQuit:
		s.moveConn(connAbortQuit)
	default:
		s.moveConn(connAborting)
	}
}

// markQuit records a QUIT that waits for the running transfer.
func (s *Session) markQuit() {
	switch s.connState() {
	case connAborting, connAbortQuit:
		s.moveConn(connAbortQuit)
	default:
		s.moveConn(connQuitting)
	}
}
