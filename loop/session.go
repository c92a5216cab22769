package loop

import (
	"cmp"
	"crypto/tls"
	"net/netip"
	"strings"
	"sync/atomic"
	"time"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/tlsstate"
	"github.com/ftpsd/ftpsd/xfer"
)

// Session is one control connection. Every field is owned by the event
// loop goroutine; workers reach a session only through its mailbox.
type Session struct {
	srv         *Server
	host        *vhost   // the host serving the session
	hosts       []*vhost // the hosts HOST may choose from; hosts[0] is where the session started
	routing     *routing // the generation hosts come from, referenced until release (reload.go)
	conn        gnet.Conn
	id          uint64
	peer, local netip.AddrPort

	framer codec.Framer
	out    *bytebufferpool.ByteBuffer // replies of the current event; nil between events

	login loginState
	user  string // the USER argument awaiting PASS
	ident auth.Identity
	fs    *fsys.FS
	cwd   string
	// viewPrefix is where fs is rooted, as a path under the host's Root:
	// the home of a jailed user, "" otherwise.
	viewPrefix string
	fsRefs     *atomic.Int32 // set when fs was opened for this login (a jail): the session and its running job each hold one; closed at the last release
	acc        *access       // the host's Authorizer for this login, built at login; nil without one
	verb       string        // the command being dispatched, for the Authorizer

	ascii      bool
	rest       int64
	renameFrom string
	pasv       *xfer.Passive
	active     netip.AddrPort // PORT/EPRT target; valid when IsValid
	epsvAll    bool
	facts      codec.Facts
	hashAlgo   codec.HashAlgo // HASH's function, chosen by OPTS HASH; the zero value is SHA-256

	tls      *tlsstate.Conn             // nil until AUTH TLS or an implicit listener
	plain    *bytebufferpool.ByteBuffer // decrypted command bytes not yet dispatched
	implicit bool                       // TLS from the first byte (port 990 style)
	pbsz     bool                       // PBSZ given (RFC 4217 §8)
	protect  bool                       // PROT P: data connections use TLS
	tlsBase  *tls.Config                // the host config TLS started with
	dataTLS  *tls.Config                // this session's data-connection config, made on first use

	job    *job       // the running job; nil when idle
	jobCmd pendingCmd // the command the job answers, for the command log
	mbox   mailbox

	lim sessionLimits // session, login and bandwidth limits (limits.go)
	met sessionMeter  // what the session counts in the metrics (metrics.go)

	fault faultState // fault injection (fault.go); zero without Config.Faults

	// Read by the idle sweep on the ticker goroutine.
	lastActive atomic.Int64  // Server.clock at the last input
	cstate     atomic.Uint32 // a connState (state.go); busy sessions are never idle
	loggedIn   atomic.Bool   // selects the idle or the login timeout
	expired    atomic.Bool   // set by the sweep: answer 421 and close
	helloSince atomic.Int64  // UnixNano when the TLS first flight began; 0 when not waiting for it (hello.go)
	helloLate  atomic.Bool   // set by the sweep: the first flight is overdue, close
}

func newSession(srv *Server, c gnet.Conn, id uint64, peer, local netip.AddrPort, hosts []*vhost) *Session {
	s := &Session{
		srv:    srv,
		conn:   c,
		id:     id,
		peer:   peer,
		local:  local,
		framer: codec.Framer{Max: srv.cfg.MaxLine},
		cwd:    "/",
		facts:  codec.DefaultFacts,
	}
	s.hosts, s.routing = srv.holdHosts(hosts, local) // reload.go
	s.host = s.hosts[0]
	s.lastActive.Store(srv.clock.Load())
	return s
}

// open returns the greeting; an implicit-TLS session greets once its
// handshake is done.
func (s *Session) open(implicit bool) ([]byte, gnet.Action) {
	if implicit {
		s.implicit = true
		if !s.startTLS() {
			return nil, gnet.Close
		}
		return nil, gnet.None
	}
	return s.host.greeting, gnet.None
}

// traffic handles one wake-up: TLS records first, then results from
// workers (they answer commands that came earlier), then new commands.
func (s *Session) traffic() gnet.Action {
	for {
		st := s.tlsState()
		peerClosed := false
		if s.tls != nil {
			ok, closed := s.pumpTLS()
			if !ok {
				return s.abort()
			}
			peerClosed = closed
		}
		s.drainMailbox()
		if s.expired.Load() && !s.connState().busy() {
			s.reply(codec.CodeServiceUnavailable, "Timeout, closing control connection.")
			s.closeConn()
		}
		if !s.closing() {
			s.readInput()
		}
		if peerClosed && s.tlsState() == st {
			// close_notify without CCC: the client is gone.
			s.closeConn()
		}
		// CCC can make more bytes readable in the clear: go round again.
		if s.closing() || s.tls == nil || s.tlsState() == st {
			break
		}
	}
	return s.flush()
}

// input is the unconsumed command stream: gnet's buffer for a clear
// connection, the decrypted bytes for a TLS one.
func (s *Session) input() []byte {
	if s.tls != nil {
		if s.plain == nil {
			return nil
		}
		return s.plain.B
	}
	buf, _ := s.conn.Peek(-1)
	return buf
}

// consume drops n bytes from the front of input.
func (s *Session) consume(n int) {
	if s.tls != nil {
		s.plain.B = s.plain.B[:copy(s.plain.B, s.plain.B[n:])]
		return
	}
	_, _ = s.conn.Discard(n)
}

// readInput dispatches complete command lines in order. While a job runs,
// the head line waits in the input buffer unless it may run during a
// transfer (ABOR, STAT, NOOP, QUIT), so replies stay in command order.
func (s *Session) readInput() {
	if s.tls != nil && s.tls.State() == tlsstate.Handshaking {
		return
	}
	if s.outputBacklogged() {
		return
	}
	for s.connState().reading() {
		buf := s.input()
		if len(buf) == 0 {
			return
		}
		s.lastActive.Store(s.srv.clock.Load())
		if s.connState().busy() {
			if !s.headMayRunNow(buf) {
				if len(buf) > s.srv.cfg.maxPendingInput() {
					s.reply(codec.CodeServiceUnavailable, "Too much input while busy, closing connection.")
					s.closeConn()
				}
				return
			}
		}
		line, n, ev := s.framer.Next(buf)
		switch ev {
		case codec.NeedMore:
			if n == 0 {
				return
			}
			s.consume(n)
		case codec.TooLong:
			s.logRefused(nil, nil, codec.CodeSyntax)
			s.consume(n)
			s.reply(codec.CodeSyntax, "Command line too long.")
			s.meterOther(codec.CodeSyntax)
		case codec.Line:
			// dispatch finishes with line (which aliases the input
			// buffer) before the bytes are consumed.
			s.dispatch(line)
			s.consume(n)
		}
	}
	if s.connState() == connTLSPending {
		// Bytes sent behind AUTH were sent in the clear before TLS: a
		// client that waits for 234 sends none, and honouring them would
		// allow STARTTLS command injection.
		_, _ = s.conn.Discard(s.conn.InboundBuffered())
	}
}

// headMayRunNow reports whether the first complete line in buf is a command
// allowed while the current transfer runs (the duringTransfer flag). It
// parses a copy, because framing strips Telnet sequences in place and the
// line must stay intact until it is really dispatched.
func (s *Session) headMayRunNow(buf []byte) bool {
	if !s.connState().transferring() {
		return false
	}
	var scratch [32]byte
	end := -1
	for i, b := range buf {
		if b == '\n' {
			end = i
			break
		}
	}
	if end < 0 {
		return false
	}
	n := copy(scratch[:], buf[:end])
	verb, _, err := codec.ParseCommand(codec.StripTelnet(trimCR(scratch[:n])))
	if err != nil {
		return false
	}
	c := commands[string(verb)]
	return c != nil && c.flags&duringTransfer != 0
}

func trimCR(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\r' {
		return b[:n-1]
	}
	return b
}

// dispatch parses one line and runs its command.
func (s *Session) dispatch(line []byte) {
	verb, arg, err := codec.ParseCommand(line)
	if err != nil {
		r := parseErrorReply(err)
		s.reply(r.Code, r.Msg)
		s.meterOther(r.Code)
		s.logRefused(line, nil, r.Code)
		return
	}
	c := commands[string(verb)]
	if c == nil {
		s.reply(codec.CodeSyntax, "Unknown command.")
		s.meterOther(codec.CodeSyntax)
		s.logRefused(verb, arg, codec.CodeSyntax)
		return
	}
	if c.flags&keepsRename == 0 {
		s.renameFrom = ""
	}
	logging := s.host.Log.Wants(ftplog.Commands)
	var start time.Time
	if logging {
		start = time.Now()
	}
	r := s.check(c, arg)
	if r.Code == 0 && s.srv.faults.Load() != nil {
		r = s.injectFault(c) // fault.go
	}
	if r.Code == 0 {
		s.verb = c.verb
		r = c.fn(s, arg)
	}
	if s.fault.delay > 0 {
		r = s.holdReply(r) // fault.go
	}
	if r.Code != 0 {
		s.reply(r.Code, r.Msg)
	}
	s.meterCommand(c, r.Code)
	if logging {
		p := pendingCmd{verb: c.verb, start: start, user: s.user}
		if c.flags&secretArg == 0 {
			p.arg = string(arg)
		}
		switch {
		case r.Code != 0:
			s.logCommand(p, r.Code)
		case c.flags&answeredAfterTransfer != 0 && s.connState().transferring():
			// Answered when the transfer ends: see finishJob.
		default:
			s.jobCmd = p
		}
	}
}

// pendingCmd is a command waiting for its final reply, for the command log.
type pendingCmd struct {
	verb, arg string
	start     time.Time
	// user is the name given to USER when the command was dispatched:
	// the one a failed PASS logs, since the failure forgets it before its
	// reply is logged.
	user string
}

// logCommand writes one command-log line.
func (s *Session) logCommand(p pendingCmd, code codec.Code) {
	now := time.Now()
	user := cmp.Or(s.ident.User, s.user, p.user)
	s.host.Log.Command(&ftplog.Command{
		Time: now, Peer: s.peer, Local: s.local, User: user, Verb: p.verb, Arg: p.arg,
		Status: int(code), ServerName: s.host.ServerName, Secure: s.secure(), Duration: now.Sub(p.start),
	})
}

// logRefused writes the command-log line of a line refused before it
// reached a command: an unknown verb (500), a line that does not parse
// (500, 501) or one too long (500). The verb is the line's leading letters,
// at most codec.MaxVerb+1 of them so an overlong one still shows; a line
// that did not parse logs no argument, since nothing says it is not a
// password ("PASS\x00secret").
func (s *Session) logRefused(line, arg []byte, code codec.Code) {
	if !s.host.Log.Wants(ftplog.Commands) {
		return
	}
	n := 0
	for n < len(line) && n <= codec.MaxVerb && ('a' <= line[n]|0x20 && line[n]|0x20 <= 'z') {
		n++
	}
	s.logCommand(pendingCmd{verb: strings.ToUpper(string(line[:n])), arg: string(arg), start: time.Now()}, code)
}

// check applies the command table's flags before a handler runs.
func (s *Session) check(c *command, arg []byte) Reply {
	cfg := s.host
	switch {
	case c.flags&needTLSConfig != 0 && cfg.TLS == nil:
		return Reply{codec.CodeNotImplemented, "TLS is not configured on this server."}
	case cfg.RequireTLS && !s.secure() && c.flags&(needLogin|loginCmd) != 0:
		return Reply{codec.CodeNotLoggedIn, "TLS required: send AUTH TLS before logging in."}
	case c.flags&needLogin != 0 && s.login != loginDone:
		return Reply{codec.CodeNotLoggedIn, "Please login with USER and PASS."}
	case c.flags&needArg != 0 && len(arg) == 0:
		return Reply{codec.CodeArgSyntax, "Missing argument."}
	case c.flags&writes != 0 && s.ident.ReadOnly && !s.intoSink(c, arg): // synth.go
		return Reply{codec.CodeFileUnavailable, "Permission denied."}
	case c.flags&opensData != 0 && cfg.RequireTLS && !s.protect:
		return Reply{codec.CodeDataProtDenied, "Data connections must be protected: send PBSZ 0 and PROT P."}
	case c.flags&notAfterEPSVAll != 0 && s.epsvAll:
		// RFC 2428 §4: after EPSV ALL the client may use no other data
		// connection setup command.
		return Reply{codec.CodeBadSequence, "EPSV ALL in effect."}
	}
	return Reply{}
}

// contain ends the session after a panic in its event (a command handler,
// an applied result, the TLS pump): the replies not yet flushed are
// dropped, since the panic may have come half-way through building them,
// and the client gets only 421 before the connection closes. OnClose then
// releases the session as after any close. The flush is itself guarded: a
// panic in it (a broken TLS state) closes the connection without a reply.
func (s *Session) contain() (action gnet.Action) {
	defer func() {
		if p := recover(); p != nil {
			s.srv.logPanic(s.conn, p)
			action = gnet.Close
		}
	}()
	s.closeConn()
	if s.out != nil {
		s.out.B = s.out.B[:0]
	}
	s.reply(codec.CodeServiceUnavailable, panicText)
	return s.flush()
}

// reply appends one reply to the pending output.
func (s *Session) reply(code codec.Code, msg string) {
	if s.out == nil {
		s.out = bytebufferpool.Get()
	}
	s.out.B = codec.AppendReply(s.out.B, code, msg)
}

// flush writes the pending output (through TLS when it is up) and returns
// the buffers to their pools.
func (s *Session) flush() gnet.Action {
	// Take the buffer first: a failed Write makes gnet close the
	// connection at once, and OnClose must not see (and free) it too.
	if out := s.out; out != nil {
		s.out = nil
		if len(out.B) > 0 {
			if s.tls != nil {
				if err := s.tls.WritePlain(out.B); err != nil {
					s.closeConn()
				}
			} else {
				_, _ = s.conn.Write(out.B)
			}
		}
		bytebufferpool.Put(out)
	}
	if s.connState() == connCCCPending {
		s.moveConn(connIdle)
		if err := s.tls.Clear(); err != nil {
			s.closeConn()
		}
	}
	if s.tls != nil {
		if o := s.tls.TakeOutput(); len(o) > 0 {
			_, _ = s.conn.Write(o)
		}
		s.tls.ReleaseOutput()
		if s.plain != nil && len(s.plain.B) == 0 {
			bytebufferpool.Put(s.plain)
			s.plain = nil
		}
	}
	if s.connState() == connTLSPending {
		s.moveConn(connIdle)
		if !s.startTLS() {
			s.closeConn()
		}
	}
	if s.closing() {
		return gnet.Close
	}
	return gnet.None
}

// drainMailbox applies what workers posted, in order.
func (s *Session) drainMailbox() {
	items := s.mbox.take()
	for _, r := range items {
		if r.apply != nil {
			r.code, r.msg = r.apply(s)
		}
		if r.code != 0 {
			s.reply(r.code, r.msg)
		}
		if r.final {
			s.meterJobEnd(r.code)
			if s.jobCmd.verb != "" {
				s.logCommand(s.jobCmd, r.code)
				s.jobCmd = pendingCmd{}
			}
			s.finishJob()
		}
	}
	s.mbox.recycle(items)
}

// finishJob runs after a job's final reply: the ABOR or QUIT that waited
// for it is answered now.
func (s *Session) finishJob() {
	abort, quit := s.endJob()
	s.lastActive.Store(s.srv.clock.Load())
	logging := s.host.Log.Wants(ftplog.Commands)
	if abort {
		s.reply(codec.CodeTransferComplete, "ABOR command successful.")
		s.meterVerb("ABOR", codec.CodeTransferComplete)
		if logging {
			s.logCommand(pendingCmd{verb: "ABOR", start: time.Now()}, codec.CodeTransferComplete)
		}
	}
	if quit {
		s.reply(codec.CodeClosing, s.host.exitMessage())
		s.meterVerb("QUIT", codec.CodeClosing)
		if logging {
			s.logCommand(pendingCmd{verb: "QUIT", start: time.Now()}, codec.CodeClosing)
		}
	}
	s.sayFarewell()
}

// release frees what the session holds when its connection closes.
func (s *Session) release() {
	// Each step runs even if one before it panics, so a bug in one cannot
	// leak the rest: the limits counters, the passive listener, a jailed
	// root, results still to be discarded.
	for _, step := range [...]func(){
		s.meterClose,
		s.releaseLimits,
		s.forgetOwner,
		func() {
			if s.job != nil {
				s.job.cancel()
			}
		},
		func() {
			if s.tls != nil {
				s.tls.Close()
			}
		},
		s.closePassive,
		s.mbox.shut,
		s.dropFS,
		s.releaseRouting, // reload.go
		func() {
			if s.plain != nil {
				bytebufferpool.Put(s.plain)
				s.plain = nil
			}
			if s.out != nil {
				bytebufferpool.Put(s.out)
				s.out = nil
			}
		},
	} {
		s.srv.contained(s.conn, step)
	}
}

func (s *Session) closePassive() {
	if s.pasv != nil {
		_ = s.pasv.Close()
		s.pasv = nil
	}
}

// resetLogin returns the session to the state of a new connection (REIN,
// failed login).
func (s *Session) resetLogin() {
	s.logoutLimits()
	s.forgetOwner()
	s.login = loginNone
	s.loggedIn.Store(false)
	s.user = ""
	s.ident = auth.Identity{}
	s.dropFS()
	s.cwd = "/"
	s.ascii = false
	s.rest = 0
	s.renameFrom = ""
	s.active = netip.AddrPort{}
	s.epsvAll = false
	s.facts = codec.DefaultFacts
	s.hashAlgo = codec.HashSHA256
	s.closePassive()
}
