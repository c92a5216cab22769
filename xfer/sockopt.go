package xfer

import (
	"net"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"
)

// The unsent data of clear-text downloads. sendfile queues page-cache
// references in the socket up to its send buffer (net.ipv4.tcp_wmem's
// maximum, 4 MiB here, per download), and what is queued and not yet sent
// is sent by whoever processes the client's ACKs; over loopback, the
// client. With many downloads at once those queues outgrow the CPU caches
// and the whole machine does more work per GB. TCP_NOTSENT_LOWAT bounds
// the queue (sendfile waits once that much is unsent) without touching the
// congestion window, which stays the kernel's to grow.
//
// The bound is a share of one budget for all clear downloads together:
// unsentBudget divided among those under way, and never below unsentFloor.
// One download gets the whole budget, as much as the kernel's default
// allows, since it sleeps less the more it queues; eight get 512 KiB each,
// 64 the floor. Each download takes its share again before every
// zeroCopyChunk, so the bound follows downloads starting and ending.
// Measured with the bench (RETR PROT C, MB/s, against a fixed 1 MiB for
// every download): x1 about the same (3,300 to 4,500 either way, rounds
// vary), x8 4,784–4,981 to 5,093–5,131, x64 4,445–4,700 to 6,368–6,403,
// at more server CPU per GB (x64 0.11–0.13 to 0.14–0.15 s), since the
// server now sends what the client's ACKs used to.
//
// TLS downloads are left alone: there a bound of 1 MiB cost a single
// download a fifth of its rate (2,388 to 1,893 MB/s, RETR PROT P x1) and
// gained the many-stream cases less than a tenth.
const (
	unsentBudget = 4 << 20
	unsentFloor  = 256 << 10
)

// clearSends counts the clear-text downloads under way, server-wide.
var clearSends atomic.Int64

// unsentShare is one download's bound with n under way.
func unsentShare(n int64) int {
	return max(unsentBudget/int(max(n, 1)), unsentFloor)
}

// unsentBound keeps one download's TCP_NOTSENT_LOWAT at its share. The
// option is a hint: a kernel without it moves data all the same, so its
// errors are ignored, and a nil *unsentBound does nothing.
type unsentBound struct {
	rc  syscall.RawConn
	set int // the value last set; 0 before the first
}

func newUnsentBound(c *net.TCPConn) *unsentBound {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil
	}
	return &unsentBound{rc: rc}
}

// adjust sets the current share, when it changed since the last call.
func (b *unsentBound) adjust() {
	if b == nil {
		return
	}
	share := unsentShare(clearSends.Load())
	if share == b.set {
		return
	}
	b.set = share
	_ = b.rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, share)
	})
}
