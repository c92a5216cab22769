package xfer

import (
	"net"

	"golang.org/x/sys/unix"
)

// notSentLowat bounds what a clear-text download leaves queued in its
// socket and not yet sent (TCP_NOTSENT_LOWAT): sendfile waits once that much
// is queued, whatever the congestion window, which stays the kernel's to
// grow. Without it the send buffer grows to net.ipv4.tcp_wmem's maximum
// (4 MiB here) of unsent page-cache references per download, and that queue
// is sent by whoever processes the client's ACKs; over loopback, the
// client. With 8 and 64 downloads at once the queues outgrow the CPU caches
// and the whole machine did more work per GB: the bench's RETR PROT C x8
// and x64 moved 3,941 and 3,597 MB/s without the bound, about 4,800 with
// 1 MiB (and 6,200 with 256 KiB, at more server CPU per GB, and less for a
// single download, which sleeps less when it queues more).
//
// TLS downloads are left alone: there the bound cost a single download a
// fifth of its rate (2,388 to 1,893 MB/s, RETR PROT P x1) and gained the
// many-stream cases less than a tenth.
const notSentLowat = 1 << 20

// limitUnsent sets notSentLowat on c. It is a hint: a kernel without the
// option moves data all the same, so its error is ignored.
func limitUnsent(c *net.TCPConn) {
	rc, err := c.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Control(func(fd uintptr) {
		_ = unix.SetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT, notSentLowat)
	})
}
