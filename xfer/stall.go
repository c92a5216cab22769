package xfer

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// stallWatch closes a data connection whose byte count stopped moving: a
// client that stops reading (or sending) would otherwise hold a worker for
// ever, since the idle sweep leaves busy sessions alone. It is a timer
// that re-arms itself, so a transfer costs no extra goroutine.
type stallWatch struct {
	mu      sync.Mutex
	t       *time.Timer
	last    int64
	stopped bool
}

// watchStall closes c once n has not moved for a whole period every. Runs
// on a worker; the timer's function runs on a goroutine of the runtime's.
func watchStall(c net.Conn, n *atomic.Int64, every time.Duration) *stallWatch {
	w := &stallWatch{last: -1}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t = time.AfterFunc(every, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.stopped {
			return
		}
		if cur := n.Load(); cur != w.last {
			w.last = cur
			w.t.Reset(every)
			return
		}
		_ = c.Close()
	})
	return w
}

// stop ends the watch; the connection stays as it is. Runs on a worker.
func (w *stallWatch) stop() {
	w.mu.Lock()
	w.stopped = true
	w.t.Stop()
	w.mu.Unlock()
}
