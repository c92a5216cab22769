package xfer

import (
	"context"

	"golang.org/x/time/rate"
)

// Bursts of a bandwidth limiter, in bytes: a quarter of a second of traffic,
// at least minBurst so that a slow limit still moves data in chunks worth a
// system call, at most zeroCopyChunk so that sendfile keeps its
// usual chunk size.
const (
	minBurst = 16 << 10
	maxBurst = zeroCopyChunk
)

// NewLimiter returns a limiter of bytesPerSec bytes a second for a Throttle,
// with the burst this package's copy kernels are built for; nil (no limit)
// when bytesPerSec is zero or less. The limiter is safe for concurrent use:
// a server-wide one is shared by every transfer.
func NewLimiter(bytesPerSec int64) *rate.Limiter {
	if bytesPerSec <= 0 {
		return nil
	}
	burst := min(max(bytesPerSec/4, minBurst), maxBurst)
	return rate.NewLimiter(rate.Limit(bytesPerSec), int(burst))
}

// Throttle paces one transfer to every limiter it holds (a session's and the
// server's). A nil *Throttle does not pace: the copy kernels run at full
// speed. A Throttle belongs to one transfer (one goroutine); its limiters may
// be shared.
type Throttle struct {
	ctx   context.Context
	lims  [2]*rate.Limiter
	n     int
	chunk int // the smallest burst: no chunk may need more tokens than that
}

// NewThrottle returns a throttle that waits on each non-nil limiter, or nil
// when there is none. Cancelling ctx (ABOR, the session closing) ends a wait
// with an error that matches ErrDataConn.
func NewThrottle(ctx context.Context, lims ...*rate.Limiter) *Throttle {
	t := &Throttle{ctx: ctx, chunk: maxBurst}
	for _, l := range lims {
		if l == nil {
			continue
		}
		if t.n == len(t.lims) {
			panic("xfer: NewThrottle takes at most two limiters")
		}
		t.lims[t.n] = l
		t.n++
		t.chunk = min(t.chunk, l.Burst())
	}
	if t.n == 0 {
		return nil
	}
	return t
}

// chunkSize bounds a copy's chunk by the smallest burst, so that waiting for
// a chunk's tokens is always possible (rate.Limiter.WaitN refuses n > burst).
func (t *Throttle) chunkSize(def int) int {
	if t == nil {
		return def
	}
	return min(def, t.chunk)
}

// wait blocks until every limiter allows n more bytes.
func (t *Throttle) wait(n int) error {
	if t == nil || n <= 0 {
		return nil
	}
	for _, l := range t.lims[:t.n] {
		for left := n; left > 0; {
			step := min(left, l.Burst())
			if err := l.WaitN(t.ctx, step); err != nil {
				return connErr(err)
			}
			left -= step
		}
	}
	return nil
}
