package loop

import (
	"time"

	"github.com/ftpsd/ftpsd/tlsstate"
)

// The TLS first flight: from AUTH TLS's 234 (or the connect on an implicit
// listener) until the client's first TLS record has arrived whole and its
// address's share of handshake slots lets it start. The
// machine (tlsstate) only buffers the bytes meanwhile; the session stamps
// when the wait began, the idle sweep on the ticker goroutine marks it late
// after Config.FirstFlightTimeout and wakes it, and the session closes
// itself on its loop. So a client that sends half a ClientHello, or
// nothing, holds neither a handshake slot nor a goroutine, and not for long.

// The defaults of the first-flight bounds (Config.MaxHandshakesPerIP,
// Config.FirstFlightTimeout), exported for the flag help and internal/setup.
const (
	DefaultMaxHandshakesPerIP = tlsstate.DefaultHandshakesPerPeer
	DefaultFirstFlightTimeout = 3 * time.Second
)

func (c *Config) firstFlightTimeout() time.Duration {
	return positiveOr(c.FirstFlightTimeout, DefaultFirstFlightTimeout)
}

// maxHandshakesPerIP is 0 for no per-address cap.
func (c *Config) maxHandshakesPerIP() int {
	return orNone(c.MaxHandshakesPerIP, DefaultMaxHandshakesPerIP)
}

// awaitHello stamps the start of the first flight, once Start succeeded.
// It reads the clock rather than Server.clock, which may lag by a tick and
// would cut a client before its deadline; this is once per connection.
// Loop goroutine.
func (s *Session) awaitHello() {
	s.helloLate.Store(false)
	s.helloSince.Store(time.Now().UnixNano())
}

// helloPending reports, after Feed, whether the session still waits for
// the client's first record; ok is false when the first-flight deadline
// has passed and the connection must close. Loop goroutine.
func (s *Session) helloPending() (pending, ok bool) {
	if s.helloSince.Load() == 0 {
		return false, true
	}
	if !s.tls.AwaitingHello() {
		s.helloSince.Store(0)
		return false, true
	}
	if s.helloLate.Load() {
		s.srv.cfg.logger().Debug("TLS first flight not received in time, closing", "peer", s.peer,
			"timeout", s.srv.cfg.firstFlightTimeout())
		return true, false
	}
	return true, true
}

// sweepHello is the idle sweep's part for first flights: a session that
// has waited longer than FirstFlightTimeout is marked late and woken, once.
// It runs on gnet's ticker goroutine, so it reads atomics and acts only
// through Wake.
func (s *Server) sweepHello(sess *Session, now int64) {
	since := sess.helloSince.Load()
	if since == 0 || now-since <= int64(s.cfg.firstFlightTimeout()) || sess.helloLate.Swap(true) {
		return
	}
	_ = sess.conn.Wake(nil)
}
