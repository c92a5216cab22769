package xfer

import (
	"bufio"
	"crypto/tls"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
)

// Bulk copies through user space (TLS data, and uploads in the clear) move
// large buffers. crypto/tls writes every record with its own write(2),
// and returns at most one record's plaintext per Read: 16 KiB a system call
// each way. Gathering the records of one Write into one socket write, and
// reading the socket ahead and decoding several records before one file
// write (receiveFilled), cuts the system calls eightfold or more. On this machine a TLS upload through Receive went
// from 650 to 1,200 MB/s in BenchmarkReceive/tls (client in the same
// process); a download's server side spends its time in AES-GCM and in
// copying into the socket, not in system call overhead.
const (
	bulkSize = 128 << 10
	// batchSize holds the records of one bulkSize Write: payload plus a
	// header and tag (5 + 16 bytes, and the record type byte of TLS 1.3)
	// for each record of 16 KiB or, while crypto/tls still ramps its
	// record size up, of about 1.4 KiB.
	batchSize = bulkSize + (bulkSize/1024+1)*22
)

// Uploads (receiveFilled) read into recvSize buffers; TLS decoding goes on
// until tlsMin has come, and a TLS socket is read ahead recvAhead at a time.
const (
	recvSize  = 512 << 10
	recvAhead = 256 << 10
	tlsMin    = 128 << 10
)

var (
	bigPool   = sync.Pool{New: func() any { b := make([]byte, bulkSize); return &b }}
	batchPool = sync.Pool{New: func() any { b := make([]byte, 0, batchSize); return &b }}
	recvPool  = sync.Pool{New: func() any { b := make([]byte, recvSize); return &b }}
	aheadPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, recvAhead) }}
)

// batch starts gathering the connection's writes into buf; flush ends it.
// Only the goroutine that runs the transfer calls them.
func (c *eofConn) batch(buf *[]byte) { c.gather = buf }

// flush writes what was gathered in one write and stops gathering.
func (c *eofConn) flush() error {
	b := c.gather
	c.gather = nil
	if b == nil || len(*b) == 0 {
		return nil
	}
	_, err := c.Conn.Write(*b)
	*b = (*b)[:0]
	return err
}

func (c *eofConn) Write(p []byte) (int, error) {
	if c.gather == nil {
		return c.Conn.Write(p)
	}
	*c.gather = append(*c.gather, p...)
	return len(p), nil
}

// sendTLS sends a file over a TLS data connection made by ServeTLS: each
// bulkSize of the file becomes one tls.Conn.Write whose records leave in
// one socket write. A large file is taken from a mapping (mapped_unix.go),
// a small one read into a buffer.
func sendTLS(tc *tls.Conn, ec *eofConn, src *os.File, n *atomic.Int64, th *Throttle) (int64, error) {
	out := batchPool.Get().(*[]byte)
	defer batchPool.Put(out)
	w := &recordBatch{tc, ec, out}
	sent, mapped, err := sendMapped(w, src, n, th)
	if mapped && err != nil {
		return sent, err
	}
	// Read what was not mapped: a small file, one that cannot be mapped,
	// or what was appended to the file after the mapped part was sized
	// (a read goes on to the end of the file as it is now).
	in := bigPool.Get().(*[]byte)
	defer bigPool.Put(in)
	more, err := copyOut(w, src, (*in)[:th.chunkSize(bulkSize)], n, th)
	return sent + more, err
}

// recordBatch is a tls.Conn whose every Write leaves in one socket write.
type recordBatch struct {
	tc  *tls.Conn
	ec  *eofConn
	out *[]byte
}

func (w *recordBatch) Write(p []byte) (int, error) {
	w.ec.batch(w.out)
	n, err := w.tc.Write(p)
	if ferr := w.ec.flush(); ferr != nil && err == nil {
		n, err = 0, ferr
	}
	return n, err
}

// receiveFilled copies the data connection into dst, one file write for
// what one wake-up of the socket delivered. A clear connection's read
// takes all the socket holds, up to recvSize, and is written as it is, as
// Pure-FTPd does (gathering reads until 64 KiB had come measured no better
// here). A TLS connection returns at most one record's
// plaintext per Read, so its socket is read ahead into a recvAhead buffer
// (eofConn.readAhead) and records are decoded until at least tlsMin has
// come and what the last socket read brought is used up.
//
// The file writes so take the sizes the network gives them, which are not
// multiples of large powers of two, at offsets not aligned to them. On
// this machine (a VM whose balloon reports free memory to the host) that
// is worth threefold: filling a 128 KiB buffer before every write cost
// 0.86 to 1.19 s of CPU per GB in the bench's STOR PROT C x1, a write per
// socket read 0.27 to 0.35, all of the difference in the copy into fresh
// page-cache folios. A test program writing 1 GiB a few seconds after 1 GiB
// was freed takes 1.2 s of system time in 128 KiB writes at offsets
// aligned to 128 KiB, and 0.26 s in the same writes shifted by 2 KiB. The
// likely cause: aligned writes get 128 KiB folios, carved from the large
// free blocks the host was told it may discard, and the first touch of
// each of their pages faults on the host.
//
// Progress counts bytes as they arrive, so a slow client is not taken for
// a stalled one. A clean end of the stream ends the copy with a nil error;
// a TLS stream cut without close_notify gives io.ErrUnexpectedEOF.
//
// With a throttle the buffer is no larger than its burst, and each write
// waits for its bytes' tokens before the next read: TCP flow control then
// slows the sender down.
func receiveFilled(dst io.Writer, src net.Conn, n *atomic.Int64, th *Throttle) (int64, error) {
	bp := recvPool.Get().(*[]byte)
	defer recvPool.Put(bp)
	buf := (*bp)[:th.chunkSize(recvSize)]
	atLeast := 1
	var ec *eofConn
	if tc, ok := src.(*tls.Conn); ok {
		if ec, _ = tc.NetConn().(*eofConn); ec != nil {
			rd := aheadPool.Get().(*bufio.Reader)
			ec.readAhead(rd)
			defer func() {
				ec.readAhead(nil)
				rd.Reset(nil) // the pool keeps no connection
				aheadPool.Put(rd)
			}()
		}
		atLeast = min(tlsMin, len(buf))
	}
	var total int64
	for {
		fill := 0
		var rerr error
		for fill < len(buf) && rerr == nil {
			var nr int
			nr, rerr = src.Read(buf[fill:])
			fill += nr
			count(n, int64(nr))
			if fill >= atLeast && ec.ahead() == 0 {
				break
			}
		}
		if fill > 0 {
			nw, werr := dst.Write(buf[:fill])
			total += int64(nw)
			if werr == nil && nw != fill {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return total, werr
			}
		}
		if werr := th.wait(fill); werr != nil {
			return total, werr
		}
		switch {
		case rerr == nil:
		case rerr == io.EOF && truncated(src):
			return total, connErr(io.ErrUnexpectedEOF)
		case rerr == io.EOF:
			return total, nil
		default:
			return total, connErr(rerr)
		}
	}
}
