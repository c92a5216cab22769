package ftpclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// bufSize is the transfer buffer: large enough that a read or a write
// carries several TLS records, as real clients' buffers do.
const bufSize = 64 << 10

// Retr downloads path and discards it; it returns the bytes received.
func (c *Conn) Retr(path string) (int64, error) {
	return c.transfer("RETR "+path, c.receive)
}

// RetrSeen downloads path, handing every read to seen (which must not keep
// the slice), and returns the bytes received: the load generator checks
// content this way without keeping a copy.
func (c *Conn) RetrSeen(path string, seen func(p []byte)) (int64, error) {
	return c.transfer("RETR "+path, func(dc net.Conn) (int64, error) { return c.drain(dc, "RETR", seen) })
}

// StorFill uploads size bytes to path, fill writing each chunk's bytes at
// its offset before it is sent (content a verifying sink can check), and
// returns the bytes sent.
func (c *Conn) StorFill(path string, size int64, fill func(p []byte, off int64)) (int64, error) {
	return c.transfer("STOR "+path, func(dc net.Conn) (int64, error) { return c.sendFill(dc, size, fill) })
}

// Stor uploads size bytes to path and returns the bytes sent.
func (c *Conn) Stor(path string, size int64) (int64, error) {
	return c.transfer("STOR "+path, func(dc net.Conn) (int64, error) { return c.sendN(dc, size) })
}

// List runs LIST, NLST or MLSD on path (verb is the command) and returns
// the listing's size in bytes and its number of lines.
func (c *Conn) List(verb, path string) (bytes int64, lines int, err error) {
	cmd := verb
	if path != "" {
		cmd += " " + path
	}
	bytes, err = c.transfer(cmd, func(dc net.Conn) (int64, error) {
		return c.drain(dc, verb, func(p []byte) {
			for _, b := range p {
				if b == '\n' {
					lines++
				}
			}
		})
	})
	return bytes, lines, err
}

func (c *Conn) buffer() []byte {
	if c.dbuf == nil {
		c.dbuf = make([]byte, bufSize)
	}
	return c.dbuf
}

// readAhead wraps a TLS data connection's socket with the session's
// read-ahead buffer.
func (c *Conn) readAhead(raw net.Conn) *readAhead {
	if c.ahead == nil {
		c.ahead = bufio.NewReaderSize(raw, aheadSize)
	}
	c.ahead.Reset(raw)
	return &readAhead{Conn: raw, rd: c.ahead}
}

// transfer opens a passive data connection, sends cmd, secures the data
// connection when PROT P, lets move carry the bytes, and reads the final
// reply. The handshake on the data connection runs while the preliminary
// reply is awaited: some servers send it first, others handshake first.
func (c *Conn) transfer(cmd string, move func(net.Conn) (int64, error)) (int64, error) {
	raw, err := c.openData()
	if err != nil {
		return 0, err
	}
	_ = raw.SetDeadline(time.Now().Add(c.cfg.dataTimeout()))
	if err := c.send(cmd, verb(cmd)); err != nil {
		raw.Close()
		return 0, err
	}
	dc := raw
	var hs chan error
	if c.tls != nil && c.cfg.ProtP {
		tc := tls.Client(c.readAhead(raw), c.tls)
		dc = tc
		hs = make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), c.cfg.timeout())
			defer cancel()
			hs <- tc.HandshakeContext(ctx)
		}()
	}
	pre, err := ReadReply(c.r)
	if err == nil && pre.Class() != 1 {
		err = &ReplyError{Cmd: verb(cmd), Reply: pre}
	}
	if err != nil {
		raw.Close()
		if hs != nil {
			<-hs
		}
		return 0, err
	}
	if hs != nil {
		if herr := <-hs; herr != nil {
			raw.Close()
			c.drainFinal()
			return 0, fmt.Errorf("ftpclient: %s: data TLS handshake: %w", verb(cmd), herr)
		}
	}
	n, moveErr := move(dc)
	if err := c.deadline(); err != nil {
		return n, err
	}
	final, err := ReadReply(c.r)
	if err != nil {
		return n, err
	}
	if final.Class() != 2 {
		return n, &ReplyError{Cmd: verb(cmd), Reply: final}
	}
	return n, moveErr
}

// drainFinal reads the reply the server sends after a transfer the client
// gave up, so that the next command's reply is not mistaken for it.
func (c *Conn) drainFinal() {
	if c.deadline() == nil {
		_, _ = ReadReply(c.r)
	}
}

// openData asks for a passive port (EPSV, falling back to PASV) and
// connects to it.
func (c *Conn) openData() (net.Conn, error) {
	r, err := c.Cmd("EPSV")
	if err != nil {
		return nil, err
	}
	var addr string
	switch r.Code {
	case 229:
		port, err := ParseEPSV(r.Text)
		if err != nil {
			return nil, err
		}
		addr = net.JoinHostPort(c.host, strconv.Itoa(int(port)))
	default:
		r, err := c.Expect("PASV", 2)
		if err != nil {
			return nil, err
		}
		ap, err := ParsePASV(r.Text)
		if err != nil {
			return nil, err
		}
		addr = ap.String()
	}
	d := net.Dialer{Timeout: c.cfg.timeout()}
	dc, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ftpclient: data connection: %w", err)
	}
	return dc, nil
}

// receive reads a download to its end and discards it.
func (c *Conn) receive(dc net.Conn) (int64, error) { return c.drain(dc, "RETR", nil) }

// drain reads a data connection to its end, handing each read to seen when
// it is not nil, then closes it: with TLS the server's close_notify has
// arrived (io.EOF) and Close sends ours. The peer may already have closed
// its socket, so Close's error says nothing about the transfer. verb names
// the command in an error.
func (c *Conn) drain(dc net.Conn, verb string, seen func([]byte)) (int64, error) {
	var n int64
	buf := c.buffer()
	for {
		k, err := dc.Read(buf)
		n += int64(k)
		if seen != nil {
			seen(buf[:k])
		}
		if err == io.EOF {
			_ = dc.Close()
			return n, nil
		}
		if err != nil {
			dc.Close()
			return n, fmt.Errorf("ftpclient: %s data: %w", verb, err)
		}
	}
}

// sendN writes size bytes, ends the stream (close_notify with TLS, a FIN
// without) and waits for the server's close before closing the socket.
func (c *Conn) sendN(dc net.Conn, size int64) (int64, error) { return c.sendFill(dc, size, nil) }

// sendFill is sendN whose bytes fill writes, when not nil.
func (c *Conn) sendFill(dc net.Conn, size int64, fill func(p []byte, off int64)) (int64, error) {
	buf := c.buffer()
	var n int64
	for n < size {
		chunk := buf
		if rest := size - n; rest < int64(len(chunk)) {
			chunk = chunk[:rest]
		}
		if fill != nil {
			fill(chunk, n)
		}
		k, err := dc.Write(chunk)
		n += int64(k)
		if err != nil {
			dc.Close()
			return n, fmt.Errorf("ftpclient: STOR data: %w", err)
		}
	}
	var cerr error
	switch d := dc.(type) {
	case *tls.Conn:
		cerr = d.CloseWrite()
	case *net.TCPConn:
		cerr = d.CloseWrite()
	}
	if cerr != nil {
		dc.Close()
		return n, fmt.Errorf("ftpclient: STOR close: %w", cerr)
	}
	// Await the server's close: its close_notify (TLS) or FIN.
	for {
		_, err := dc.Read(buf)
		if err != nil {
			break
		}
	}
	return n, c.closeRaw(dc)
}

// closeRaw closes the socket under a data connection whose TLS side has
// already sent close_notify.
func (c *Conn) closeRaw(dc net.Conn) error {
	if tc, ok := dc.(*tls.Conn); ok {
		return tc.NetConn().Close()
	}
	return dc.Close()
}
