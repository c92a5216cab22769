package loop

import (
	"context"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/xfer"
)

// Fault injection (internal/fault), consulted by dispatch when
// Config.Faults is set: an injected error reply replaces a command, added
// latency holds a command's reply (or its job's outcome) back on a timer,
// and a transfer may carry a byte count after which its data connection is
// reset, stalled or never accepted (xfer/fault.go). No fault is injected while a job runs, so ABOR,
// STAT, NOOP and QUIT during a transfer behave as always. Every function
// here runs on the session's event loop and never blocks.

// faultState is a session's share of fault injection.
type faultState struct {
	in    *fault.Injector // made on first use from plan; nil without a plan
	plan  *fault.Plan     // the plan in was made from
	delay time.Duration   // drawn for the command being dispatched; startJob takes it
}

// injector returns the session's injector, nil when faults are off. The
// plan may be switched at run time (Server.SetFaults): a session meets the
// new one from its next command.
func (s *Session) injector() *fault.Injector {
	p := s.srv.faults.Load()
	if p != s.fault.plan {
		s.fault.plan, s.fault.in = p, nil
		if p != nil {
			s.fault.in = p.Session(s.id)
		}
	}
	return s.fault.in
}

// SetFaults switches the fault injection plan at run time (the admin
// listener's /faults): sessions draw from p from their next command or
// transfer; nil turns injection off. The faults counted so far are kept
// in the metrics. Safe from any goroutine.
func (s *Server) SetFaults(p *fault.Plan) {
	if old := s.faults.Swap(p); old != nil {
		for k := range s.faultsBefore {
			s.faultsBefore[k].Add(old.Count(fault.Kind(k)))
		}
	}
}

// Faults returns the fault injection plan in force, nil when off. Safe
// from any goroutine.
func (s *Server) Faults() *fault.Plan { return s.faults.Load() }

// faultCount is the faults of kind k injected since start, across plans.
func (s *Server) faultCount(k fault.Kind) int64 {
	n := s.faultsBefore[k].Load()
	if p := s.faults.Load(); p != nil {
		n += p.Count(k)
	}
	return n
}

// faultText is the text of every injected reply: a client's log should
// say what happened.
const faultText = "Injected fault (ftpsd fault injection)."

// injectFault draws c's faults before it runs: an injected reply to answer
// instead (421 also closes the session), and the latency to add to its
// reply, kept for holdReply and startJob.
func (s *Session) injectFault(c *command) Reply {
	s.fault.delay = 0
	in := s.injector()
	if in == nil || s.job != nil {
		return Reply{}
	}
	if code := in.Reply(c.verb); code != 0 {
		s.logFault(fault.KindReply, c.verb, int64(code))
		if codec.Code(code) == codec.CodeServiceUnavailable {
			s.closeConn()
		}
		return Reply{codec.Code(code), faultText}
	}
	if d := in.Delay(c.verb); d > 0 {
		s.logFault(fault.KindDelay, c.verb, d.Milliseconds())
		s.fault.delay = d
	}
	return Reply{}
}

// takeFaultDelay returns the latency drawn for the command being
// dispatched and clears it: the job the command starts waits it out
// before its outcome is answered.
func (s *Session) takeFaultDelay() time.Duration {
	d := s.fault.delay
	s.fault.delay = 0
	return d
}

// holdReply sends r, an immediate reply, after the latency drawn for its
// command, as a job that runs nothing: the session dispatches nothing
// else meanwhile, so replies stay in order. A reply that changes the
// connection (AUTH TLS, QUIT) goes out at once.
func (s *Session) holdReply(r Reply) Reply {
	d := s.takeFaultDelay()
	if d <= 0 || r.Code == 0 || s.job != nil || s.connState() != connIdle {
		return r
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{ctx: ctx, cancel: cancel, bytes: &noBytes, mb: &s.mbox, conn: s.conn}
	// The function runs on a timer goroutine: finish only posts and wakes.
	time.AfterFunc(d, func() { j.finish(result{code: r.Code, msg: r.Msg}) })
	s.startedJob(j)
	return noReply
}

// faultTransfer draws a transfer's data-connection faults: a reset or a
// stall after some bytes, or a passive listener that never accepts.
func (s *Session) faultTransfer(t *xfer.Transfer) {
	in := s.injector()
	if t.ResetAfter = in.ResetAfter(); t.ResetAfter > 0 {
		s.logFault(fault.KindReset, s.verb, t.ResetAfter)
	} else if t.StallAfter = in.StallAfter(); t.StallAfter > 0 {
		s.logFault(fault.KindStall, s.verb, t.StallAfter)
	}
	if t.Data.Passive != nil && in.NoAccept() {
		t.NoAccept = true
		s.logFault(fault.KindNoAccept, s.verb, 0)
	}
	if t.Data.TLS != nil {
		if t.TLSDelay = in.TLSDelay(); t.TLSDelay > 0 {
			s.logFault(fault.KindTLSDelay, s.verb, t.TLSDelay.Milliseconds())
		}
	}
}

// logFault logs one injected fault: its kind, the command, and the code,
// the milliseconds or the bytes.
func (s *Session) logFault(k fault.Kind, verb string, v int64) {
	s.srv.cfg.logger().Info("fault injected", "kind", k.String(), "verb", verb, "value", v,
		"session", s.id, "peer", s.peer.String(), "seed", s.fault.plan.Seed())
}
