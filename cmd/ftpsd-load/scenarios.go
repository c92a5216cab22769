package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
)

// Operation names in the report, besides the verbs (RETR, STOR, LIST …).
const (
	opLogin   = "login"   // connect, TLS, USER/PASS, PBSZ/PROT, TYPE I
	opQuit    = "QUIT"    //
	opNoop    = "NOOP"    //
	opSession = "session" // churn: a whole session, login to QUIT
)

// clientFunc is one client of a scenario: it runs until ctx ends or take
// says --count is spent. i numbers the client from 0. Runs on its own
// goroutine.
type clientFunc func(ctx context.Context, r *runner, i int)

func scenarioFunc(name string) clientFunc {
	switch name {
	case "idle":
		return idleClient
	case "churn":
		return churnClient
	case "bulk", "small":
		return transferClient
	case "list":
		return listClient
	case "mirror":
		return mirrorClient
	}
	panic("ftpsd-load: no scenario " + name) // options.check lets none through
}

// session keeps one client's session across operations: it logs in when
// none is open and drops it after a failure.
type session struct {
	r *runner
	c *ftpclient.Conn
}

// get returns the open session or logs in a new one; nil when the run
// ended or the login failed (after a pause).
func (s *session) get(ctx context.Context) *ftpclient.Conn {
	if s.c != nil {
		return s.c
	}
	c, err := s.r.dial(ctx)
	if err != nil {
		backoff(ctx)
		return nil
	}
	s.c = c
	return c
}

// done records one operation on the session and drops the session when
// it failed.
func (s *session) done(ctx context.Context, op string, t0 time.Time, n int64, err error) {
	s.r.rec.record(op, time.Since(t0), n, err)
	if err != nil {
		s.r.drop(s.c)
		s.c = nil
		backoff(ctx)
	}
}

func (s *session) close() {
	if s.c != nil {
		s.r.quit(s.c)
		s.c = nil
	}
}

// idleClient holds a session and sends NOOP every --interval.
func idleClient(ctx context.Context, r *runner, _ int) {
	s := &session{r: r}
	defer s.close()
	tick := time.NewTicker(r.o.interval)
	defer tick.Stop()
	s.get(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if !r.take(ctx) {
			return
		}
		c := s.get(ctx)
		if c == nil {
			continue
		}
		t0 := time.Now()
		s.done(ctx, opNoop, t0, 0, c.Noop())
	}
}

// churnClient runs whole sessions back to back: login, the optional
// download, QUIT; "session" times all of it.
func churnClient(ctx context.Context, r *runner, _ int) {
	ck := r.checker()
	for r.take(ctx) {
		t0 := time.Now()
		c, err := r.dial(ctx)
		if c == nil {
			if err != nil {
				r.rec.record(opSession, time.Since(t0), 0, err)
				backoff(ctx)
			}
			continue
		}
		var n int64
		if r.o.file != "" {
			t1 := time.Now()
			n, err = r.retr(c, r.o.file, ck)
			r.rec.record("RETR", time.Since(t1), n, err)
		}
		if err != nil {
			r.drop(c)
			r.rec.record(opSession, time.Since(t0), 0, err)
			backoff(ctx)
			continue
		}
		t1 := time.Now()
		err = c.Quit()
		r.sessions.Add(-1)
		r.rec.record(opQuit, time.Since(t1), 0, err)
		r.rec.record(opSession, time.Since(t0), 0, err)
	}
}

// transferClient is bulk and small: one file back and forth on a kept
// session, RETR --file or STOR --size bytes.
func transferClient(ctx context.Context, r *runner, i int) {
	s := &session{r: r}
	defer s.close()
	ck := r.checker()
	for k := 0; r.take(ctx); k++ {
		c := s.get(ctx)
		if c == nil {
			continue
		}
		t0 := time.Now()
		if r.o.store {
			name := path.Join(r.o.uploadDir, fmt.Sprintf("ftpsd-load-%d-%d-%s.bin", i, k, formatSize(r.o.size)))
			n, err := r.stor(c, name, r.o.size)
			s.done(ctx, "STOR", t0, n, err)
			continue
		}
		n, err := r.retr(c, r.o.file, ck)
		s.done(ctx, "RETR", t0, n, err)
	}
}

// listClient lists --dir back to back on a kept session.
func listClient(ctx context.Context, r *runner, _ int) {
	s := &session{r: r}
	defer s.close()
	for r.take(ctx) {
		c := s.get(ctx)
		if c == nil {
			continue
		}
		t0 := time.Now()
		n, _, err := c.List(r.o.listVerb, r.o.dir)
		s.done(ctx, r.o.listVerb, t0, n, err)
	}
}

// mirrorClient downloads --dir/SIZE.bin, each size drawn from --sizes, as
// a mirror's anonymous visitors do; "RETR SIZE" times each size apart.
// With --per-session K a session quits after K downloads and logs in anew.
// Each client draws from its own generator seeded by its number, so a run
// is repeatable.
func mirrorClient(ctx context.Context, r *runner, i int) {
	s := &session{r: r}
	defer s.close()
	ck := r.checker()
	rng := rand.New(rand.NewPCG(uint64(i), 0x6d6972726f72))
	inSession := 0
	for r.take(ctx) {
		c := s.get(ctx)
		if c == nil {
			continue
		}
		size := r.o.sizes.draw(rng)
		name := formatSize(size)
		t0 := time.Now()
		n, err := r.retr(c, path.Join(r.o.dir, name+".bin"), ck)
		if err == nil && ck == nil && n != size {
			err = fmt.Errorf("ftpsd-load: %s.bin: %d bytes, want %d", name, n, size)
		}
		s.done(ctx, "RETR "+name, t0, n, err)
		if inSession++; err != nil || (r.o.perSession > 0 && inSession >= r.o.perSession) {
			s.close()
			inSession = 0
		}
	}
}

// checker is a client's content checker with --verify, else nil.
func (r *runner) checker() *checker {
	if !r.o.verify {
		return nil
	}
	return newChecker([]byte(r.o.seed))
}

// retr downloads p; with a checker, every byte is compared with the
// generator and a difference is the transfer's error.
func (r *runner) retr(c *ftpclient.Conn, p string, ck *checker) (int64, error) {
	if ck == nil {
		return c.Retr(p)
	}
	if err := ck.reset(p); err != nil {
		return 0, err
	}
	n, err := c.RetrSeen(p, ck.seen)
	if err != nil {
		return n, err
	}
	if err := ck.result(); err != nil {
		return n, err
	}
	r.verified.Add(1)
	return n, nil
}

// stor uploads size bytes to p: with --verify the generator's content for
// p's base name (which ftpsd's sink checks, answering 451 at the first
// difference), else zeros.
func (r *runner) stor(c *ftpclient.Conn, p string, size int64) (int64, error) {
	if !r.o.verify {
		return c.Stor(p, size)
	}
	g := newGenerator([]byte(r.o.seed), path.Base(p))
	n, err := c.StorFill(p, size, g.Fill)
	if err == nil {
		r.verified.Add(1)
	}
	return n, err
}
