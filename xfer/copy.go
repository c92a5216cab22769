package xfer

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
)

const (
	// zeroCopyChunk is how much one sendfile round moves before the
	// progress counter is updated: big enough that the per-round cost vanishes,
	// small enough that STAT shows movement on a slow link.
	zeroCopyChunk = 1 << 20
	// bufSize is the pooled buffer for copies that go through user space (TLS,
	// TYPE A): four full TLS records per write.
	bufSize = 64 << 10
)

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, bufSize)
	return &b
}}

// getBuf returns a bufSize buffer; give it back with putBuf and do not touch
// it afterwards.
func getBuf() *[]byte  { return bufPool.Get().(*[]byte) }
func putBuf(b *[]byte) { bufPool.Put(b) }

func count(n *atomic.Int64, d int64) {
	if n != nil && d != 0 {
		n.Add(d)
	}
}

// Send copies src, from its current offset (the caller has applied REST), to
// the data connection until the end of the file, and returns the bytes
// written to dst. n, when not nil, grows as bytes go out (STAT reads it). A
// clear *net.TCPConn gets the file through sendfile; any other conn (a
// *tls.Conn for PROT P) through a pooled buffer. ascii converts LF to CRLF
// and always goes through the buffer. Errors of the connection match
// ErrDataConn (426); others are the file's (451). th paces it (nil: full
// speed): each chunk, no larger than th's smallest burst, waits for its
// bytes' tokens.
func Send(dst net.Conn, src *os.File, ascii bool, n *atomic.Int64, th *Throttle) (int64, error) {
	var w int64
	var err error
	switch tc, ok := dst.(*net.TCPConn); {
	case ascii:
		w, err = sendASCII(dst, src, n, th)
	case ok:
		w, err = sendClear(tc, src, n, th)
	default:
		if t, ok := dst.(*tls.Conn); ok {
			if ec, ok := t.NetConn().(*eofConn); ok {
				w, err = sendTLS(t, ec, src, n, th)
				break
			}
		}
		w, err = sendBuffered(dst, src, n, th)
	}
	return w, wrapCopy("send", err)
}

// Receive copies the data connection into dst until the peer ends the stream
// cleanly, and returns the bytes read from src, through a pooled buffer
// written as each read of the socket delivered it (receiveFilled). ascii
// converts CRLF to LF. Any read error is returned, including the
// io.ErrUnexpectedEOF of a TLS stream cut without close_notify (detected at a
// record boundary only when the raw connection was wrapped with TrackEOF):
// the upload is then incomplete and must be aborted (426). Errors of the connection match
// ErrDataConn; others are the file's (451, 452 for a full disk). th paces
// it (nil: full speed): after each chunk it waits for the chunk's tokens
// before reading more, so TCP flow control slows the sender down.
func Receive(dst *os.File, src net.Conn, ascii bool, n *atomic.Int64, th *Throttle) (int64, error) {
	var r int64
	var err error
	// Not splice for a clear connection: splice(2) from a socket into a
	// file moved what each call found in the socket, and measured 0.5 to
	// 1.6 s of CPU per GB here, against 0.6 to 0.8 for read and write.
	if ascii {
		r, err = receiveASCII(dst, src, n, th)
	} else {
		r, err = receiveFilled(dst, src, n, th)
	}
	return r, wrapCopy("receive", err)
}

// errFileShrank is the error of a download whose file was truncated under
// it, so that the client got less than the size the file had when the
// transfer began (and the 150 reply announced): the transfer fails with
// 451 rather than ending with 226 on a short copy. A mapped TLS download
// meets it as a fault on the mapping (mapped_unix.go); the others as an
// early end of the file (Transfer.retr).
var errFileShrank = errors.New("the file shrank while it was sent")

// errTLSSpoiled marks a send whose TLS connection must not be used again:
// a fault inside crypto/tls's Write, in TLS 1.2 inside the AEAD's Seal
// itself, may leave the cipher's state advanced (ChaCha20-Poly1305's
// nonce mask, the FIPS GCM counter check), so no alert, close_notify
// included, could be sealed right after it. runData closes the raw
// socket instead; the client sees the data connection cut, and the 451.
// Only mapped downloads produce it (mapped_unix.go).
var errTLSSpoiled = errors.New("the TLS connection is unusable after a fault")

// sendClear sends a file over a clear TCP connection through sendfile,
// counted among the clear downloads under way while it runs.
func sendClear(tc *net.TCPConn, src *os.File, n *atomic.Int64, th *Throttle) (int64, error) {
	clearSends.Add(1)
	defer clearSends.Add(-1)
	return zeroCopy(tc, src, n, th, newUnsentBound(tc))
}

// zeroCopy moves data in zeroCopyChunk rounds of io.CopyN. The
// *io.LimitedReader that CopyN wraps around src is what the standard library
// looks for: *net.TCPConn.ReadFrom turns a limited *os.File into sendfile.
// (Uploads do not splice: see Receive.)
// sendfile reports both sides' errors alike, so the side is told
// by the errno: the ones only a file produces are the file's, the rest the
// connection's.
// With a throttle the rounds are no larger than its burst and each waits
// for its bytes after it moved them. Before each round ub takes the
// download's current share of the unsent-data budget (sockopt.go).
func zeroCopy(dst io.Writer, src io.Reader, n *atomic.Int64, th *Throttle, ub *unsentBound) (int64, error) {
	chunk := int64(th.chunkSize(zeroCopyChunk))
	var total int64
	for {
		ub.adjust()
		w, err := io.CopyN(dst, src, chunk)
		total += w
		count(n, w)
		if werr := th.wait(int(w)); werr != nil && err == nil {
			err = werr
		}
		switch {
		case err == io.EOF:
			return total, nil
		case err != nil && isFileErr(err):
			return total, err
		case err != nil:
			return total, connErr(err)
		}
	}
}

// isFileErr reports errors that come from the file system, not a socket.
func isFileErr(err error) bool {
	for _, e := range [...]error{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG, syscall.EIO, syscall.EROFS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// sendBuffered sends src through a pooled buffer with progress counting,
// for a data connection that is neither clear TCP (sendfile) nor a TLS
// connection made by ServeTLS (sendTLS); a clean io.EOF from the file ends
// it with a nil error. Uploads all go through receiveFilled.
func sendBuffered(dst io.Writer, src io.Reader, n *atomic.Int64, th *Throttle) (int64, error) {
	bp := getBuf()
	defer putBuf(bp)
	return copyOut(dst, src, (*bp)[:th.chunkSize(bufSize)], n, th)
}

// copyOut copies src (a file) to dst (the data connection) through buf, a
// read and a write at a time, counting progress and waiting for the
// throttle after each; the connection's errors match ErrDataConn.
func copyOut(dst io.Writer, src io.Reader, buf []byte, n *atomic.Int64, th *Throttle) (int64, error) {
	var total int64
	for {
		nr, rerr := src.Read(buf)
		nw, werr := sendChunk(dst, buf[:nr], n, th)
		total += int64(nw)
		if werr != nil {
			return total, werr
		}
		switch {
		case rerr == io.EOF:
			return total, nil
		case rerr != nil:
			return total, rerr
		}
	}
}

// sendChunk writes p, one chunk of a download, to dst, counts what went
// out and then waits for the throttle's tokens for it; the connection's
// errors match ErrDataConn.
func sendChunk(dst io.Writer, p []byte, n *atomic.Int64, th *Throttle) (int, error) {
	if len(p) > 0 {
		nw, err := dst.Write(p)
		count(n, int64(nw))
		if err == nil && nw != len(p) {
			err = io.ErrShortWrite
		}
		if err != nil {
			return nw, connErr(err)
		}
	}
	return len(p), th.wait(len(p))
}

// sendASCII reads half a buffer at a time so the CRLF form, at most twice as
// long, always fits the second buffer.
func sendASCII(dst io.Writer, src io.Reader, n *atomic.Int64, th *Throttle) (int64, error) {
	in, out := getBuf(), getBuf()
	defer putBuf(in)
	defer putBuf(out)
	var enc CRLFEncoder
	var total int64
	// The CRLF form may be twice as long, and it is what the throttle counts.
	size := th.chunkSize(bufSize) / 2
	for {
		nr, rerr := src.Read((*in)[:size])
		if nr > 0 {
			b := enc.Append((*out)[:0], (*in)[:nr])
			nw, werr := dst.Write(b)
			total += int64(nw)
			count(n, int64(nw))
			if werr == nil {
				werr = th.wait(nw)
			}
			if werr != nil {
				return total, connErr(werr)
			}
		}
		switch {
		case rerr == io.EOF:
			return total, nil
		case rerr != nil:
			return total, rerr
		}
	}
}

// receiveASCII leaves a byte of room so a held-back CR plus a full read still
// fits the output buffer.
func receiveASCII(dst io.Writer, src io.Reader, n *atomic.Int64, th *Throttle) (int64, error) {
	in, out := getBuf(), getBuf()
	defer putBuf(in)
	defer putBuf(out)
	var dec CRLFDecoder
	var total int64
	size := th.chunkSize(bufSize - 1)
	for {
		nr, rerr := src.Read((*in)[:size])
		total += int64(nr)
		count(n, int64(nr))
		if werr := th.wait(nr); werr != nil {
			return total, werr
		}
		if rerr == io.EOF && truncated(src) {
			rerr = io.ErrUnexpectedEOF
		}
		b := dec.Append((*out)[:0], (*in)[:nr])
		if rerr == io.EOF {
			b = dec.Flush(b)
		}
		if len(b) > 0 {
			if _, werr := dst.Write(b); werr != nil {
				return total, werr
			}
		}
		switch {
		case rerr == io.EOF:
			return total, nil
		case rerr != nil:
			return total, connErr(rerr)
		}
	}
}

// ErrDataConn matches every error of the data connection itself (reply 426),
// as opposed to an error of the file, which the caller answers with 451, or
// 452 when errors.Is(err, syscall.ENOSPC) or syscall.EDQUOT.
var ErrDataConn = errors.New("xfer: data connection failed")

// dataConnError tags an error as the data connection's and keeps the cause
// (net.ErrClosed after ABOR, io.ErrUnexpectedEOF for a cut TLS stream, …)
// reachable with errors.Is.
type dataConnError struct{ err error }

func (e *dataConnError) Error() string   { return "data connection: " + e.err.Error() }
func (e *dataConnError) Unwrap() []error { return []error{ErrDataConn, e.err} }

func connErr(err error) error { return &dataConnError{err} }

func wrapCopy(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("xfer: %s: %w", op, err)
}
