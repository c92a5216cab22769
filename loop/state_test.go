package loop

import (
	"errors"
	"strings"
	"testing"
)

var allConnStates = []connState{
	connIdle, connJob, connTransfer, connAborting, connQuitting, connAbortQuit,
	connTLSPending, connCCCPending, connClosing,
}

// TestConnStateZeroIsIdle: a new session starts idle, reading commands.
func TestConnStateZeroIsIdle(t *testing.T) {
	var s Session
	if st := s.connState(); st != connIdle || st.busy() || !st.reading() {
		t.Fatalf("zero state %s: busy %v reading %v, want idle, not busy, reading", st, st.busy(), st.reading())
	}
}

// TestConnTransitions checks every pair of states: the listed moves and
// any move to closing succeed, every other is refused with a typed error
// and leaves the state as it was.
func TestConnTransitions(t *testing.T) {
	legal := map[[2]connState]bool{
		{connIdle, connJob}:            true,
		{connIdle, connTransfer}:       true,
		{connJob, connIdle}:            true,
		{connTransfer, connIdle}:       true,
		{connTransfer, connAborting}:   true,
		{connTransfer, connQuitting}:   true,
		{connAborting, connAborting}:   true,
		{connQuitting, connQuitting}:   true,
		{connAbortQuit, connAbortQuit}: true,
		{connAborting, connAbortQuit}:  true,
		{connQuitting, connAbortQuit}:  true,
		{connAborting, connIdle}:       true,
		{connIdle, connTLSPending}:     true,
		{connTLSPending, connIdle}:     true,
		{connIdle, connCCCPending}:     true,
		{connCCCPending, connIdle}:     true,
	}
	for _, from := range allConnStates {
		for _, to := range allConnStates {
			want := legal[[2]connState{from, to}] || to == connClosing
			t.Run(from.String()+"->"+to.String(), func(t *testing.T) {
				var s Session
				s.cstate.Store(uint32(from))
				err := s.setConn(to)
				switch {
				case want && err != nil:
					t.Fatalf("refused: %v", err)
				case want && s.connState() != to:
					t.Fatalf("state %s after the move, want %s", s.connState(), to)
				case !want:
					var te *connTransitionError
					if !errors.As(err, &te) || te.from != from || te.to != to {
						t.Fatalf("got %v, want a *connTransitionError %s -> %s", err, from, to)
					}
					if s.connState() != from {
						t.Fatalf("state %s after a refused move, want %s", s.connState(), from)
					}
				}
			})
		}
	}
}

// TestConnStateString: every state has a name, and an unknown value says
// what it is.
func TestConnStateString(t *testing.T) {
	seen := map[string]bool{}
	for _, st := range allConnStates {
		name := st.String()
		if strings.HasPrefix(name, "connState(") || seen[name] {
			t.Errorf("state %d: name %q missing or repeated", uint8(st), name)
		}
		seen[name] = true
	}
	if got := connState(200).String(); got != "connState(200)" {
		t.Errorf("unknown state: %q", got)
	}
}

// TestConnStatePredicates: which states hold commands back (busy, and so
// are never idle for the sweep), which have a transfer running, and which
// read input at all.
func TestConnStatePredicates(t *testing.T) {
	tests := []struct {
		st                          connState
		busy, transferring, reading bool
	}{
		{connIdle, false, false, true},
		{connJob, true, false, true},
		{connTransfer, true, true, true},
		{connAborting, true, true, true},
		{connQuitting, true, true, true},
		{connAbortQuit, true, true, true},
		{connTLSPending, false, false, false},
		{connCCCPending, false, false, false},
		{connClosing, false, false, false},
	}
	if len(tests) != len(allConnStates) {
		t.Fatalf("%d cases for %d states", len(tests), len(allConnStates))
	}
	for _, tc := range tests {
		t.Run(tc.st.String(), func(t *testing.T) {
			if tc.st.busy() != tc.busy || tc.st.transferring() != tc.transferring || tc.st.reading() != tc.reading {
				t.Fatalf("busy %v transferring %v reading %v, want %v %v %v",
					tc.st.busy(), tc.st.transferring(), tc.st.reading(), tc.busy, tc.transferring, tc.reading)
			}
			var s Session
			s.cstate.Store(uint32(tc.st))
			if s.busyForSweep() != tc.busy {
				t.Fatalf("busyForSweep %v, want %v", s.busyForSweep(), tc.busy)
			}
		})
	}
}

// TestJobEnd: what a job's final reply leaves behind, and which of ABOR
// and QUIT it answers, from each state a job can be in.
func TestJobEnd(t *testing.T) {
	tests := []struct {
		name        string
		transfer    bool
		marks       []func(*Session)
		abort, quit bool
		after       connState
	}{
		{name: "job", after: connIdle},
		{name: "transfer", transfer: true, after: connIdle},
		{name: "ABOR", transfer: true, marks: []func(*Session){(*Session).markAbort}, abort: true, after: connIdle},
		{name: "ABOR twice", transfer: true, marks: []func(*Session){(*Session).markAbort, (*Session).markAbort}, abort: true, after: connIdle},
		{name: "QUIT", transfer: true, marks: []func(*Session){(*Session).markQuit}, quit: true, after: connClosing},
		{name: "ABOR then QUIT", transfer: true, marks: []func(*Session){(*Session).markAbort, (*Session).markQuit}, abort: true, quit: true, after: connClosing},
		{name: "QUIT then ABOR", transfer: true, marks: []func(*Session){(*Session).markQuit, (*Session).markAbort}, abort: true, quit: true, after: connClosing},
		{name: "closed meanwhile", transfer: true, marks: []func(*Session){(*Session).closeConn}, after: connClosing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var s Session
			s.startedJob(&job{transfer: tc.transfer})
			if s.job == nil || !s.connState().busy() || s.connState().transferring() != tc.transfer {
				t.Fatalf("after start: job %v state %s", s.job, s.connState())
			}
			for _, m := range tc.marks {
				m(&s)
			}
			abort, quit := s.endJob()
			if abort != tc.abort || quit != tc.quit || s.connState() != tc.after || s.job != nil {
				t.Fatalf("endJob: abort %v quit %v state %s job %v; want %v %v %s nil",
					abort, quit, s.connState(), s.job, tc.abort, tc.quit, tc.after)
			}
		})
	}
}
