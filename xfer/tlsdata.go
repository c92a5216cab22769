package xfer

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"time"
)

// ErrTLSData is returned when a PROT P data connection's TLS handshake
// fails.
var ErrTLSData = errors.New("xfer: data connection TLS handshake failed")

// ServeTLS runs the server side of a PROT P data connection's handshake on
// c, bounded by timeout and ctx (ABOR). The raw connection is wrapped with
// TrackEOF so a truncated upload is noticed. On error c is closed.
func ServeTLS(ctx context.Context, c net.Conn, cfg *tls.Config, timeout time.Duration) (*tls.Conn, error) {
	tc := tls.Server(TrackEOF(c), cfg)
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("%w: %w", ErrTLSData, err)
	}
	return tc, nil
}

// CloseTLS ends a TLS data connection the way RFC 4217 §10 wants: our
// close_notify first, then the peer's close_notify (or its FIN) awaited
// for at most wait, then the socket closed. A client that just drops the
// connection costs at most wait.
func CloseTLS(tc *tls.Conn, wait time.Duration) error {
	err := tc.CloseWrite()
	_ = tc.SetReadDeadline(time.Now().Add(wait))
	buf := getBuf()
	for {
		if _, rerr := tc.Read(*buf); rerr != nil {
			break
		}
	}
	putBuf(buf)
	if cerr := tc.NetConn().Close(); err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, io.EOF) {
		return wrapCopy("close", connErr(err))
	}
	return nil
}
