package loop

import (
	"errors"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// tlsState is the control connection's TLS state; Plain without TLS.
func (s *Session) tlsState() tlsstate.State {
	if s.tls == nil {
		return tlsstate.Plain
	}
	return s.tls.State()
}

// secure reports whether TLS was negotiated on the control connection (it
// stays true after CCC: the data protection level is unchanged).
func (s *Session) secure() bool {
	switch s.tlsState() {
	case tlsstate.Secure, tlsstate.Clearing, tlsstate.Cleared:
		return true
	}
	return false
}

// startTLS begins the handshake: after the 234 reached the wire for AUTH
// TLS, at once for an implicit listener. The handshake runs on its own
// short-lived goroutine inside tlsstate, never on the loop.
func (s *Session) startTLS() bool {
	cfg := &s.srv.cfg
	s.tlsBase = s.host.TLS
	s.tls = tlsstate.New(s.conn, tlsstate.ControlConfig(s.tlsBase, s.id), tlsstate.Limits{
		HandshakeTimeout: cfg.HandshakeTimeout,
		Handshakes:       s.srv.handshakes,
		Peer:             s.peer.Addr(),
		AfterHandshake:   s.tlsBase, // the per-session clone is for the handshake only
	})
	if err := s.tls.Start(); err != nil {
		cfg.logger().Debug("TLS start failed", "peer", s.peer, "err", err)
		return false
	}
	// No slot or goroutine yet: the machine waits for the client's first
	// record, within the first-flight deadline (hello.go).
	s.awaitHello()
	s.meterTLS(metrics.Handshaking)
	return true
}

// pumpTLS moves received records through the TLS machine: handshake
// progress, then decrypted command bytes into s.plain. ok is false when
// the connection must close at once; peerClosed is true when the peer sent
// close_notify, after the lines before it (now in s.plain), which the
// caller dispatches before it closes.
func (s *Session) pumpTLS() (ok, peerClosed bool) {
	// While the machine awaits the first flight, Feed runs on every
	// wake-up, bytes or not: a handshake queued behind its address's
	// share of slots is granted one by a Wake.
	if buf, _ := s.conn.Next(-1); len(buf) > 0 || s.tls.AwaitingHello() {
		if err := s.tls.Feed(buf); err != nil {
			s.srv.cfg.logger().Debug("TLS input refused", "peer", s.peer, "err", err)
			return false, false
		}
	}
	if pending, ok := s.helloPending(); pending || !ok {
		return ok, false
	}
	if s.tls.State() == tlsstate.Handshaking {
		changed, err := s.tls.Poll()
		if err != nil {
			s.srv.cfg.logger().Debug("TLS handshake failed", "peer", s.peer, "err", err)
			return false, false
		}
		if !changed {
			return true, false
		}
		s.onSecure()
	}
	if s.plain == nil {
		s.plain = bytebufferpool.Get()
	}
	var err error
	s.plain.B, err = s.tls.ReadPlain(s.plain.B)
	switch {
	case errors.Is(err, tlsstate.ErrClosed):
		// Dispatch what came before the close_notify; a CCC among it
		// turns the connection clear instead of ending it.
		return true, true
	case err != nil:
		return false, false
	}
	return true, false
}

// onSecure runs once the handshake is done.
func (s *Session) onSecure() {
	cs := s.tls.ConnectionState()
	s.srv.cfg.Metrics.HandshakeEnded(metrics.Control, metrics.HandshakeOK, cs.Version)
	s.meterTLS(metrics.Secure)
	s.srv.cfg.logger().Debug("TLS established", "peer", s.peer, "version", cs.Version, "sni", cs.ServerName, "resumed", cs.DidResume)
	if s.implicit {
		s.reply(codec.CodeServiceReady, s.host.banner())
	}
}

// abort closes the connection after a fatal TLS error, sending any alert
// crypto/tls queued.
func (s *Session) abort() gnet.Action {
	if s.out != nil {
		bytebufferpool.Put(s.out)
		s.out = nil
	}
	if s.tls != nil {
		if o := s.tls.TakeOutput(); len(o) > 0 {
			_, _ = s.conn.Write(o)
		}
	}
	return gnet.Close
}
