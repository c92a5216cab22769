package loop

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"

	"github.com/ftpsd/ftpsd/codec"
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
	// result, so it stays at 2 or less: the mailbox's bound is structural,
	// and tests check it through peak.
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
	opened   bool // the data connection was opened (150 sent); worker-only
	ctx      context.Context
	cancel   context.CancelFunc
	bytes    atomic.Int64 // moved so far, for STAT
	started  time.Time
	mb       *mailbox
	conn     gnet.Conn
	log      *slog.Logger
}

// prelim posts a preliminary reply (such as 150) and wakes the loop.
func (j *job) prelim(code codec.Code, msg string) {
	j.mb.post(result{code: code, msg: msg})
	_ = j.conn.Wake(nil)
}

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

// jobFunc runs on a worker and returns the job's final result.
type jobFunc func(j *job) delayed

// start runs fn on a worker. While it runs the session dispatches only the
// commands marked duringTransfer (and only for transfers).
func (s *Session) start(transfer bool, fn jobFunc) Reply {
	ctx, cancel := context.WithCancel(context.Background())
	j := &job{transfer: transfer, ctx: ctx, cancel: cancel, started: time.Now(), mb: &s.mbox, conn: s.conn,
		log: s.srv.cfg.logger()}
	srv := s.srv
	if transfer {
		srv.transfers.Add(1)
	}
	unhold := s.holdFS()
	err := srv.pool.Go(func() {
		d := runJob(j, fn, srv)
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
		unhold()
		if transfer {
			srv.transfers.Add(-1)
		}
		cancel()
		if transfer {
			return Reply{codec.CodeCantOpenData, "Server busy, try again later."}
		}
		return Reply{codec.CodeFileBusy, "Server busy, try again later."}
	}
	s.startedJob(j)
	return noReply
}

// runJob calls fn and turns a panic into a 451 reply: a bug in one command
// must not take down the server or print anything to the client.
func runJob(j *job, fn jobFunc, srv *Server) (d delayed) {
	defer func() {
		if p := recover(); p != nil {
			srv.cfg.logger().Error("job panicked", "panic", fmt.Sprint(p))
			d = delayed{result: result{code: codec.CodeLocalError, msg: "Requested action aborted: local error in processing."}}
		}
	}()
	return fn(j)
}

// done wraps a final reply without delay.
func done(code codec.Code, msg string) delayed {
	return delayed{result: result{code: code, msg: msg}}
}

// doneApply is a final result whose reply comes from apply, run on the
// loop.
func doneApply(apply func(*Session) (codec.Code, string)) delayed {
	return delayed{result: result{apply: apply}}
}

// fromReply turns a Reply into a final result.
func fromReply(r Reply) delayed { return done(r.Code, r.Msg) }
