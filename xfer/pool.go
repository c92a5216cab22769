package xfer

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/panjf2000/ants/v2"
)

// DefaultPoolSize is the number of workers a Pool gets when NewPool is given
// a size <= 0: enough for every session of one process to have a transfer
// running (the open-file limit keeps a process below 20,000 sessions, and a
// transfer holds two descriptors).
const DefaultPoolSize = 10000

// poolReleaseTimeout bounds how long Close waits for running jobs.
const poolReleaseTimeout = 5 * time.Second

var (
	// ErrBusy is returned by Pool.Go when every worker is taken. The session
	// answers 421/425 at once instead of queueing: the loop must never wait.
	ErrBusy = errors.New("xfer: worker pool full")
	// ErrPoolClosed is returned by Pool.Go after Close.
	ErrPoolClosed = errors.New("xfer: worker pool closed")
)

// Pool runs jobs on a bounded set of worker goroutines. Go never blocks, so
// the event loop may call it; every other method is safe from any goroutine.
// A job that panics is logged with its stack and does not take the process
// down; its result is lost, so jobs that report to a session should recover
// themselves when they must always answer.
type Pool struct {
	ants    *ants.Pool
	log     *slog.Logger
	running atomic.Int64
	panics  atomic.Int64
}

// NewPool starts a pool of size workers (DefaultPoolSize when size <= 0)
// that reports panics and a slow Close to log (slog.Default() when nil).
// Workers are started on demand and retire after a second idle.
func NewPool(size int, log *slog.Logger) (*Pool, error) {
	if size <= 0 {
		size = DefaultPoolSize
	}
	if log == nil {
		log = slog.Default()
	}
	p := &Pool{log: log}
	a, err := ants.NewPool(size,
		ants.WithNonblocking(true),
		ants.WithPanicHandler(p.recovered),
	)
	if err != nil {
		return nil, fmt.Errorf("xfer: new pool: %w", err)
	}
	p.ants = a
	return p, nil
}

// recovered is ants' panic handler; it runs on the worker that panicked, in
// the deferred recover, so debug.Stack still shows the panicking frames.
func (p *Pool) recovered(v any) {
	p.log.Error("xfer: job panicked", "panic", v, "stack", string(debug.Stack()))
	p.panics.Add(1)
}

// Go runs fn on a worker. It returns ErrBusy at once when all workers are
// busy and ErrPoolClosed after Close; fn has not run and will not run then.
func (p *Pool) Go(fn func()) error {
	p.running.Add(1)
	err := p.ants.Submit(func() {
		defer p.running.Add(-1)
		fn()
	})
	if err == nil {
		return nil
	}
	p.running.Add(-1)
	switch {
	case errors.Is(err, ants.ErrPoolOverload):
		return ErrBusy
	case errors.Is(err, ants.ErrPoolClosed):
		return ErrPoolClosed
	}
	return fmt.Errorf("xfer: submit: %w", err)
}

// Running returns the number of jobs that have been accepted by Go and have
// not returned yet.
func (p *Pool) Running() int { return int(p.running.Load()) }

// Waiting returns the number of jobs waiting for a worker: 0, as Go
// refuses rather than queues, unless the pool is ever made blocking.
func (p *Pool) Waiting() int { return p.ants.Waiting() }

// Cap returns the number of workers.
func (p *Pool) Cap() int { return p.ants.Cap() }

// Panics returns how many jobs have panicked since the pool started.
func (p *Pool) Panics() int64 { return p.panics.Load() }

// Close stops accepting jobs and waits up to 5 seconds for running ones.
// Jobs still running after that keep running; Close returns anyway so a
// shutdown is never held hostage by a stuck transfer.
func (p *Pool) Close() {
	if err := p.ants.ReleaseTimeout(poolReleaseTimeout); err != nil {
		p.log.Warn("xfer: pool close", "err", err, "running", p.Running())
	}
}
