package loop

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"golang.org/x/sys/unix"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/tlsstate"
	"github.com/ftpsd/ftpsd/xfer"
)

// Server is an FTP server on a gnet engine. Create it with New, run it with
// Serve, stop it with Shutdown.
type Server struct {
	gnet.BuiltinEventEngine

	cfg  Config
	pool *xfer.Pool
	// routing is the current generation of hosts, read by OnOpen and
	// replaced by Reload (reload.go).
	routing atomic.Pointer[routing]

	engine     gnet.Engine
	booted     chan struct{}
	bootErr    error
	bound      []BoundListener
	listenerOf map[netip.AddrPort]int // bound address -> index in Config.Listeners (host_listen.go)
	gnetAddrs  []string               // listener addresses as given to gnet, one per Config listener

	handshakes *tlsstate.Semaphore // caps concurrent control-connection handshakes
	lim        *serverLimits       // session counts, bans, the server's bandwidth (limits.go)
	hashes     *xfer.HashCache     // digests of HASH and the X* commands, shared by every session (cmd_hash.go)

	owners tlsstate.Owners // who each logged-in session is, for ReuseUser (tlsreuse.go)
	proxy  proxyState      // PROXY protocol listeners and connections owing a header (proxy.go)

	faults       atomic.Pointer[fault.Plan]    // fault injection in force, switchable (fault.go)
	faultsBefore [fault.KindCount]atomic.Int64 // faults counted by plans switched out, for the metrics

	pasvInUse map[[2]uint16]*atomic.Int64 // passive listeners open per port range, with Config.Metrics (metrics.go)

	nextID    atomic.Uint64
	clock     atomic.Int64 // UnixNano, advanced by OnTick: sessions stamp activity without a clock read
	draining  atomic.Bool
	transfers atomic.Int64 // running transfer jobs, for a graceful stop
	sessions  sync.Map     // *Session -> struct{}: the idle sweep and Shutdown walk it

	lastOpen  atomic.Int64 // UnixNano when the last session opened, for the memory trim
	lastClose atomic.Int64 // Server.clock when the last session closed, for the memory trim
	lastTrim  atomic.Int64 // Server.clock at the last memory trim
	trimming  atomic.Bool  // a trim is running
	trimSeen  atomic.Int64 // the later of lastOpen and lastClose at the last look at the heap
}

// BoundListener is a listener with the address it actually bound.
type BoundListener struct {
	Addr     netip.AddrPort
	Implicit bool
}

// New checks cfg, opens the document root and starts the worker pool. It
// does not listen yet.
func New(cfg Config) (*Server, error) {
	s := &Server{cfg: cfg, booted: make(chan struct{}), listenerOf: make(map[netip.AddrPort]int),
		handshakes: tlsstate.NewSemaphore(cfg.MaxHandshakes)}
	var err error
	if s.gnetAddrs, err = gnetAddrs(s.cfg.listeners()); err != nil {
		return nil, err
	}
	if err := s.cfg.checkProxy(); err != nil {
		return nil, err
	}
	s.seedSessionIDs()
	for _, l := range s.cfg.listeners() {
		if l.Implicit && !cfg.hasTLS() {
			return nil, fmt.Errorf("loop: implicit TLS listener %s needs a certificate", l.Addr)
		}
	}
	rt, err := newRouting(&s.cfg)
	if err != nil {
		return nil, err
	}
	s.routing.Store(rt)
	s.hashes = xfer.NewHashCache(s.cfg.hashCacheEntries())
	if s.pool, err = xfer.NewPool(cfg.Workers, s.cfg.logger()); err != nil {
		s.closeHosts()
		return nil, fmt.Errorf("loop: %w", err)
	}
	s.lim = newServerLimits(&s.cfg.Limits)
	s.lim.pace(s.cfg.failDelay()) // failed logins of one address are answered one fail delay apart (ban.go)
	s.handshakes.SetPerPeer(cfg.maxHandshakesPerIP())
	s.faults.Store(cfg.Faults)
	s.startMetrics()
	s.clock.Store(time.Now().UnixNano())
	return s, nil
}

// Serve listens and runs the event loops until Shutdown. It returns nil
// after a clean shutdown.
func (s *Server) Serve() error {
	addrs := make([]string, len(s.gnetAddrs))
	for i, a := range s.gnetAddrs {
		addrs[i] = "tcp://" + a
	}
	opts := []gnet.Option{
		gnet.WithTicker(true),
		gnet.WithReuseAddr(true),
		gnet.WithTCPNoDelay(gnet.TCPNoDelay),
		gnet.WithLogger(gnetLogger{s.cfg.logger()}),
	}
	if n := s.cfg.EventLoops; n > 0 {
		opts = append(opts, gnet.WithNumEventLoop(n))
	} else {
		opts = append(opts, gnet.WithMulticore(true))
	}
	err := gnet.Rotate(s, addrs, opts...)
	select {
	case <-s.booted:
	default:
		// The engine failed before OnBoot: unblock Addrs waiters.
		s.bootErr = err
		close(s.booted)
	}
	s.pool.Close()
	s.closeHosts()
	if err != nil {
		return fmt.Errorf("loop: %w", err)
	}
	return nil
}

// closeHosts gives back the server's reference to the current hosts: their
// roots close now, or with the last session still on them.
func (s *Server) closeHosts() {
	if rt := s.routing.Swap(nil); rt != nil {
		rt.release()
	}
}

// Addrs waits until the listeners are bound and returns their addresses.
func (s *Server) Addrs(ctx context.Context) ([]BoundListener, error) {
	select {
	case <-s.booted:
		return s.bound, s.bootErr
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Shutdown stops accepting sessions, lets running transfers finish for up
// to the configured grace period (or until ctx ends), then closes every
// connection and stops the engine.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	select {
	case <-s.booted:
	case <-ctx.Done():
		return ctx.Err()
	}
	if s.bootErr != nil {
		return nil
	}
	grace := time.NewTimer(s.cfg.shutdownGrace())
	defer grace.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
wait:
	for s.transfers.Load() > 0 {
		select {
		case <-tick.C:
		case <-grace.C:
			break wait
		case <-ctx.Done():
			break wait
		}
	}
	return s.engine.Stop(context.WithoutCancel(ctx))
}

// OnBoot records the bound addresses: with port 0 only the socket knows
// which port it got.
func (s *Server) OnBoot(eng gnet.Engine) gnet.Action {
	s.engine = eng
	for i, l := range s.cfg.listeners() {
		ap, err := boundAddr(eng, s.gnetAddrs[i])
		if err != nil {
			s.bootErr = err
			close(s.booted)
			return gnet.Shutdown
		}
		s.bound = append(s.bound, BoundListener{Addr: ap, Implicit: l.Implicit})
		s.listenerOf[ap] = i
	}
	if hook := s.cfg.BeforeServe; hook != nil {
		if err := hook(s.bound); err != nil {
			s.bootErr = err
			close(s.booted)
			return gnet.Shutdown
		}
	}
	close(s.booted)
	return gnet.None
}

// gnetAddrs spells the listener addresses for gnet. gnet finds a listener
// again (DupListener, the only way to learn which port ":0" got) by its
// address string, so two listeners on "127.0.0.1:0" (one explicit, one
// implicit, as tests use) would be the same to it. Each repeated port-0
// address is therefore written with one more zero ("…:00"): the same port
// 0 to the kernel, a different string to gnet. Any other repeated address
// is an error, as binding it twice would be.
func gnetAddrs(ls []Listener) ([]string, error) {
	out := make([]string, len(ls))
	seen := make(map[string]bool)
	for i, l := range ls {
		host, port, err := net.SplitHostPort(l.Addr)
		if err != nil {
			return nil, fmt.Errorf("loop: listen address %q: %w", l.Addr, err)
		}
		addr := l.Addr
		for seen[addr] && strings.Trim(port, "0") == "" {
			port += "0"
			addr = net.JoinHostPort(host, port)
		}
		if seen[addr] {
			return nil, fmt.Errorf("loop: listen address %s given twice", l.Addr)
		}
		seen[addr] = true
		out[i] = addr
	}
	return out, nil
}

func boundAddr(eng gnet.Engine, addr string) (netip.AddrPort, error) {
	fd, err := eng.DupListener("tcp", addr)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("loop: listener %s: %w", addr, err)
	}
	defer unix.Close(fd)
	sa, err := unix.Getsockname(fd)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("loop: listener %s: %w", addr, err)
	}
	return sockaddrToAddrPort(sa), nil
}

func sockaddrToAddrPort(sa unix.Sockaddr) netip.AddrPort {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		return netip.AddrPortFrom(netip.AddrFrom4(a.Addr), uint16(a.Port))
	case *unix.SockaddrInet6:
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr).Unmap(), uint16(a.Port))
	}
	return netip.AddrPort{}
}

func addrPortOf(a net.Addr) netip.AddrPort {
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return netip.AddrPort{}
}

// OnOpen greets a new control connection. A panic in it is logged and
// closes only this connection, with a plain 421 (no TLS is up yet to carry
// it), or with no byte at all on an implicit listener.
//
// An implicit-TLS listener never sends a clear-text byte: its client
// speaks TLS first and would read a 421 as a broken ClientHello answer.
// Refusals there (shutting down, no service, no certificate, over a limit,
// banned) are a plain close, logged at debug; handshaking first only to
// say 421 would hand whoever is refused a full handshake's CPU.
func (s *Server) OnOpen(c gnet.Conn) (out []byte, action gnet.Action) {
	var admitted netip.Addr // counted by lim.admit, not yet owned by a session
	implicit := false       // known once the local address is
	defer func() {
		if p := recover(); p != nil {
			// OnClose releases the session, if it got as far as
			// having one; before that, the count admit took is
			// given back here.
			s.logPanic(c, p)
			if _, ok := c.Context().(*Session); !ok && admitted.IsValid() {
				s.lim.leave(admitted)
			}
			out, action = s.refuse(c, implicit, panicReply)
		}
	}()
	local := addrPortOf(c.LocalAddr())
	// gnet reports the listener's address, which is 0.0.0.0 for a wildcard
	// listener; PASV needs the address the client actually reached.
	if sa, err := unix.Getsockname(c.Fd()); err == nil {
		local = sockaddrToAddrPort(sa)
	}
	// Clients mark ABOR (or the Telnet DM before it) as TCP urgent data,
	// as RFC 959 suggests; without SO_OOBINLINE Linux takes that byte out
	// of the stream and the line never ends. Inline, the framer sees it.
	_ = unix.SetsockoptInt(c.Fd(), unix.SOL_SOCKET, unix.SO_OOBINLINE, 1)
	implicit = s.implicitAt(local)
	if s.draining.Load() {
		return s.refuse(c, implicit, drainingReply)
	}
	hosts := s.route(local)
	if len(hosts) == 0 {
		return s.refuse(c, implicit, noServiceReply)
	}
	if implicit && hosts[0].TLS == nil {
		return s.refuse(c, implicit, noTLSReply)
	}
	peer := addrPortOf(c.RemoteAddr())
	if s.proxyAt(local) {
		// The session starts when the PROXY header names the client.
		return s.awaitProxy(c, peer, local, hosts, implicit)
	}
	return s.startSession(c, peer, local, hosts, implicit, &admitted)
}

// startSession admits a control connection from peer and greets it: from
// OnOpen, or from proxyTraffic once a PROXY header named the peer. On a
// refusal it returns the 421 and gnet.Close. *admitted is set once the
// limits counted the peer, for the caller's panic recovery.
func (s *Server) startSession(c gnet.Conn, peer, local netip.AddrPort, hosts []*vhost, implicit bool, admitted *netip.Addr) ([]byte, gnet.Action) {
	// Session limits and bans apply at connect: 421 instead of the 220.
	if refusal := s.lim.admit(peer.Addr()); refusal != nil {
		s.logConnRefused(peer, refusal)
		return s.refuse(c, implicit, refusal)
	}
	*admitted = peer.Addr()
	// The coarse clock would make a session opened just after a tick look
	// a whole tick old; the trim must not run in the middle of a burst.
	s.lastOpen.Store(time.Now().UnixNano())
	sess := newSession(s, c, s.nextID.Add(1), peer, local, hosts)
	sess.lim.admitted = true
	sess.meterOpen(implicit)
	c.SetContext(sess)
	s.sessions.Store(sess, struct{}{})
	return sess.open(implicit)
}

// OnTraffic runs when bytes arrive or a worker woke the connection.
func (s *Server) OnTraffic(c gnet.Conn) (action gnet.Action) {
	sess, ok := c.Context().(*Session)
	if !ok {
		if w, ok := c.Context().(*proxyWait); ok {
			return s.proxyTraffic(c, w)
		}
		return gnet.Close
	}
	defer func() {
		if p := recover(); p != nil {
			s.logPanic(c, p)
			action = sess.contain()
		}
	}()
	return sess.traffic()
}

// panicText is all a client sees of a panic in its session, after 421.
const panicText = "Internal error, closing control connection."

var (
	panicReply     = codec.AppendReply(nil, codec.CodeServiceUnavailable, panicText)
	drainingReply  = codec.AppendReply(nil, codec.CodeServiceUnavailable, "Server shutting down.")
	noServiceReply = codec.AppendReply(nil, codec.CodeServiceUnavailable, "No FTP service on this address.")
	noTLSReply     = codec.AppendReply(nil, codec.CodeServiceUnavailable, "No TLS configured for this address.")
)

// refuse closes a connection OnOpen will not serve: with reply on a plain
// listener, with nothing on an implicit-TLS one (see OnOpen), where the
// reply's text goes to the debug log instead.
func (s *Server) refuse(c gnet.Conn, implicit bool, reply []byte) ([]byte, gnet.Action) {
	if !implicit {
		return reply, gnet.Close
	}
	if l := s.cfg.logger(); l.Enabled(context.Background(), slog.LevelDebug) {
		l.Debug("implicit TLS connection refused", "peer", c.RemoteAddr().String(),
			"reason", strings.TrimRight(string(reply), "\r\n"))
	}
	return nil, gnet.Close
}

// contained runs f, logging a panic in it instead of letting it through.
func (s *Server) contained(c gnet.Conn, f func()) {
	defer func() {
		if p := recover(); p != nil {
			s.logPanic(c, p)
		}
	}()
	f()
}

// logPanic writes a recovered panic and its stack to the error log.
func (s *Server) logPanic(c gnet.Conn, p any) {
	s.cfg.logger().Error("session panicked", "peer", c.RemoteAddr().String(), "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
}

// OnClose releases the session: it cancels its job and closes listeners.
// A panic in one step of the release is logged and the other steps are
// still done (Session.release), so one session's bug neither stops the
// loop nor leaks the session.
func (s *Server) OnClose(c gnet.Conn, _ error) gnet.Action {
	sess, ok := c.Context().(*Session)
	if !ok {
		s.closedWaiting(c)
		return gnet.None
	}
	defer s.sessions.Delete(sess)
	sess.release()
	// The coarse clock: a close needs no syscall, and the trim only
	// compares it with its quiet period.
	s.lastClose.Store(s.clock.Load())
	return gnet.None
}

// OnTick advances the coarse clock and sweeps idle sessions. It runs on
// gnet's ticker goroutine, not a loop, so it reads only atomics and acts
// through Wake: the session itself answers 421 and closes on its loop.
func (s *Server) OnTick() (time.Duration, gnet.Action) {
	now := time.Now().UnixNano()
	s.clock.Store(now)
	idle, login := int64(s.cfg.idleTimeout()), int64(s.cfg.loginTimeout())
	s.sessions.Range(func(k, _ any) bool {
		sess := k.(*Session)
		s.sweepHello(sess, now)
		if sess.busyForSweep() || sess.expired.Load() {
			return true
		}
		limit := login
		if sess.loggedIn.Load() {
			limit = idle
		}
		if now-sess.lastActive.Load() > limit {
			sess.expired.Store(true)
			_ = sess.conn.Wake(nil)
		}
		return true
	})
	s.maybeTrim(now)
	s.sweepProxy(now)
	return s.tickEvery(), gnet.None
}

// tickEvery sweeps often enough that a timeout (the TLS first flight's
// too) fires within a tenth of its length, and at least once a second.
func (s *Server) tickEvery() time.Duration {
	d := min(s.cfg.idleTimeout(), s.cfg.loginTimeout(), s.cfg.firstFlightTimeout()) / 10
	return max(min(d, time.Second), 10*time.Millisecond)
}

// gnetLogger sends gnet's own messages to the error log; its start-up
// chatter goes to debug.
type gnetLogger struct{ l *slog.Logger }

func (g gnetLogger) Debugf(f string, a ...any) { g.log(slog.LevelDebug, f, a) }
func (g gnetLogger) Infof(f string, a ...any)  { g.log(slog.LevelDebug, f, a) }
func (g gnetLogger) Warnf(f string, a ...any)  { g.log(slog.LevelWarn, f, a) }
func (g gnetLogger) Errorf(f string, a ...any) { g.log(slog.LevelError, f, a) }
func (g gnetLogger) Fatalf(f string, a ...any) { g.log(slog.LevelError, f, a) }

func (g gnetLogger) log(level slog.Level, f string, a []any) {
	if g.l.Enabled(context.Background(), level) {
		g.l.Log(context.Background(), level, "gnet: "+strings.TrimSpace(fmt.Sprintf(f, a...)))
	}
}
