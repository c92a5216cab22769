package loop

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// result is what a worker sends back to its session: a reply, and
// optionally a change of session state to make on the loop goroutine.
type result struct {
	code  codec.Code
	msg   string
	final bool // the job is over: the session may dispatch again
	// apply, when set, runs on the loop before the reply is written: it
	// changes session state and returns the reply, which may depend on
	// state only the loop may read (a login over
	// Limits.MaxSessionsPerUser, the count of failed logins). It replaces
	// code and msg.
	apply func(*Session) (codec.Code, string)
	// discard, when set, releases what the result holds (a jailed user's
	// root) if the session is gone before the loop takes it.
	discard func()
}

// mailbox carries results from workers to the loop. Post is safe from any
// goroutine; take and recycle are loop-only.
type mailbox struct {
	mu    sync.Mutex
	items []result
	spare []result
	// peak is the most results ever waiting at once. A session runs one
	// job at a time and a job posts at most one preliminary and one final
	// result, so it stays at 2 or less, plus the one result that closes a
	// session when its address is banned (ban.go): the mailbox's bound is
	// structural, and tests check it through peak.
	peak   int
	closed bool // the session is gone: results are discarded as they come
}

func (m *mailbox) post(r result) {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		if r.discard != nil {
			r.discard()
		}
		return
	}
	m.items = append(m.items, r)
	m.peak = max(m.peak, len(m.items))
	m.mu.Unlock()
}

// shut discards what is waiting and every result posted from now on; the
// session calls it as it closes. Any goroutine.
func (m *mailbox) shut() {
	m.mu.Lock()
	items := m.items
	m.items, m.closed = nil, true
	m.mu.Unlock()
	for _, r := range items {
		if r.discard != nil {
			r.discard()
		}
	}
}

// take returns the posted results; hand them back with recycle.
func (m *mailbox) take() []result {
	m.mu.Lock()
	items := m.items
	m.items = m.spare
	m.spare = nil
	m.mu.Unlock()
	return items
}

// recycle keeps a taken slice for the next round, so a busy session does
// not allocate a slice per wake-up.
func (m *mailbox) recycle(items []result) {
	clear(items)
	m.mu.Lock()
	m.spare = items[:0]
	m.mu.Unlock()
}

// job is one piece of work running on a worker for a session. A job posts
// any number of preliminary replies (150) and exactly one final result.
type job struct {
	transfer bool
	ctx      context.Context
	cancel   context.CancelFunc
	bytes    *atomic.Int64 // moved so far, for STAT; never nil
	mb       *mailbox
	conn     gnet.Conn
	x        xfer.Job     // the xfer job to run
	out      xfer.Outcome // x's outcome: written by the worker before its final post, read by the loop after

	delay time.Duration // injected latency before the outcome is answered (fault.go)
}

// noBytes is the byte count of a job that moves none: it is never written.
var noBytes atomic.Int64

// prelim posts a preliminary reply (such as 150) and wakes the loop. Runs
// on a worker.
func (j *job) prelim(code codec.Code, msg string) {
	j.mb.post(result{code: code, msg: msg})
	_ = j.conn.Wake(nil)
}

// Opened posts the 150 of a transfer whose data connection is open: job is
// the xfer.Progress of the xfer job it runs. Runs on a worker.
func (j *job) Opened(msg string) { j.prelim(codec.CodeFileStatusOK, msg) }

// finish posts the final result and wakes the loop. Runs on a worker (or
// on a timer's goroutine, for a delayed result).
func (j *job) finish(r result) {
	r.final = true
	j.mb.post(r)
	_ = j.conn.Wake(nil)
}

// delayed is a final result to post after a pause (a failed login), without
// holding a worker for the pause.
type delayed struct {
	result
	after time.Duration
}

// startJob runs an xfer job on a worker: it crosses into xfer once, and
// its outcome comes back once, to be turned into the reply on the loop
// (job.settle). moved is the job's byte counter for STAT, nil when it
// moves no data. While it runs the session dispatches only the commands
// marked duringTransfer (and only for transfers).
func (s *Session) startJob(transfer bool, moved *atomic.Int64, x xfer.Job) Reply {
	if moved == nil {
		moved = &noBytes
	}
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{transfer: transfer, ctx: ctx, cancel: cancel, bytes: moved, mb: &s.mbox, conn: s.conn, x: x}
	j.delay = s.takeFaultDelay()
	srv := s.srv
	if transfer {
		srv.transfers.Add(1)
	}
	unhold := s.holdFS()
	// The function given to the pool runs on a worker.
	err := srv.pool.Go(func() {
		d := runJob(j, srv)
		unhold()
		if transfer {
			srv.transfers.Add(-1)
		}
		cancel()
		if d.after > 0 {
			time.AfterFunc(d.after, func() { j.finish(d.result) })
			return
		}
		j.finish(d.result)
	})
	if err != nil {
		if d, ok := x.(dropper); ok {
			d.Drop() // the passive listener it took, or it waits out its timeout
		}
		unhold()
		if transfer {
			srv.transfers.Add(-1)
		}
		cancel()
		srv.meterRejected(err)
		if transfer {
			return Reply{codec.CodeCantOpenData, "Server busy, try again later."}
		}
		return Reply{codec.CodeFileBusy, "Server busy, try again later."}
	}
	s.startedJob(j)
	return noReply
}

// dropper is a job holding what must be freed if it never runs.
type dropper interface{ Drop() }

// pacer is a job whose outcome may wait before it is answered (a failed
// login), without holding a worker for the pause. Delay is asked on the
// worker after Run, so a pacer that answers at a deadline (xfer.Login's
// FailAt) returns what is left of it: the time the work took does not
// show in when the answer goes out.
type pacer interface {
	Delay(*xfer.Outcome) time.Duration
}

// jobHook, when set, runs at the start of every job, inside its recover:
// tests set it (before the server starts) to make a job panic. It is nil in
// production.
var jobHook func(*job)

// runJob runs the job's Run and contains a panic: a bug in one job must not take
// down the server, other sessions or print anything to the client. The
// stack goes to the error log, and the job's final result closes its
// session with 421 (jobPanicked). Runs on a worker.
func runJob(j *job, srv *Server) (d delayed) {
	defer func() {
		if p := recover(); p != nil {
			srv.cfg.logger().Error("job panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			d = delayed{result: result{apply: (*Session).jobPanicked}}
		}
	}()
	if jobHook != nil {
		jobHook(j)
	}
	j.out = j.x.Run(j.ctx, j)
	d = delayed{result: result{apply: j.settle, discard: j.out.Release}}
	if p, ok := j.x.(pacer); ok {
		d.after = p.Delay(&j.out)
	}
	d.after += j.delay
	return d
}

// jobPanicked is the final result of a job that panicked: the session
// answers 421 and closes, since what the job left behind (a half-made
// upload, a session state it meant to change) cannot be trusted.
func (s *Session) jobPanicked() (codec.Code, string) {
	s.closeConn()
	return codec.CodeServiceUnavailable, panicText
}

// settle turns the job's outcome into its reply, and applies what it
// changes in the session. It is the apply of an xfer job's final result,
// so it runs on the loop; the worker only stored the outcome.
func (j *job) settle(s *Session) (codec.Code, string) { return s.settle(&j.out) }
