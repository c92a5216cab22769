package loop

import (
	"net/netip"
	"sync/atomic"

	"github.com/panjf2000/gnet/v2"
	"github.com/valyala/bytebufferpool"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/loop/auth"
	"github.com/ftpsd/ftpsd/xfer"
	"github.com/ftpsd/ftpsd/xfer/fsys"
)

// Session is one control connection. Every field is owned by the event
// loop goroutine; workers reach a session only through its mailbox.
type Session struct {
	srv         *Server
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

	ascii      bool
	rest       int64
	renameFrom string
	pasv       *xfer.Passive
	active     netip.AddrPort // PORT/EPRT target; valid when IsValid
	epsvAll    bool
	facts      codec.Facts

	job          *job // the running job; nil when idle
	mbox         mailbox
	abortPending bool // ABOR arrived during a transfer: answer after its final reply
	quitPending  bool // QUIT arrived during a transfer: answer and close after it
	closing      bool

	// Read by the idle sweep on the ticker goroutine.
	lastActive atomic.Int64 // Server.clock at the last input
	busy       atomic.Bool  // a job is running: never idle
	loggedIn   atomic.Bool  // selects the idle or the login timeout
	expired    atomic.Bool  // set by the sweep: answer 421 and close
}

func newSession(srv *Server, c gnet.Conn, id uint64, peer, local netip.AddrPort) *Session {
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
	s.lastActive.Store(srv.clock.Load())
	return s
}

// open returns the greeting.
func (s *Session) open() ([]byte, gnet.Action) {
	return s.srv.banner, gnet.None
}

// traffic handles one wake-up: results from workers first (they answer
// commands that came earlier), then new input.
func (s *Session) traffic() gnet.Action {
	s.drainMailbox()
	if s.expired.Load() && s.job == nil {
		s.reply(codec.CodeServiceUnavailable, "Timeout, closing control connection.")
		s.closing = true
	}
	if !s.closing {
		if s.conn.InboundBuffered() > 0 {
			s.lastActive.Store(s.srv.clock.Load())
		}
		s.readInput()
	}
	return s.flush()
}

// readInput dispatches complete command lines in order. While a job runs,
// the head line waits in the input buffer unless it may run during a
// transfer (ABOR, STAT, NOOP, QUIT), so replies stay in command order.
func (s *Session) readInput() {
	for !s.closing {
		buf, _ := s.conn.Peek(-1)
		if len(buf) == 0 {
			return
		}
		if s.job != nil {
			if !s.headMayRunNow(buf) {
				if len(buf) > s.srv.cfg.maxPendingInput() {
					s.reply(codec.CodeServiceUnavailable, "Too much input while busy, closing connection.")
					s.closing = true
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
			_, _ = s.conn.Discard(n)
		case codec.TooLong:
			_, _ = s.conn.Discard(n)
			s.reply(codec.CodeSyntax, "Command line too long.")
		case codec.Line:
			// dispatch finishes with line (which aliases the input
			// buffer) before the bytes are discarded.
			s.dispatch(line)
			_, _ = s.conn.Discard(n)
		}
	}
}

// headMayRunNow reports whether the first complete line in buf is a command
// allowed while the current job runs. It parses a copy, because framing
// strips Telnet sequences in place and the line must stay intact until it
// is really dispatched.
func (s *Session) headMayRunNow(buf []byte) bool {
	if !s.job.transfer {
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
		return
	}
	c := commands[string(verb)]
	if c == nil {
		s.reply(codec.CodeSyntax, "Unknown command.")
		return
	}
	if c.verb != "RNTO" {
		s.renameFrom = ""
	}
	r := s.check(c, arg)
	if r.Code == 0 {
		r = c.fn(s, arg)
	}
	if r.Code != 0 {
		s.reply(r.Code, r.Msg)
	}
}

// check applies the command table's flags before a handler runs.
func (s *Session) check(c *command, arg []byte) Reply {
	switch {
	case c.flags&needLogin != 0 && s.login != loginDone:
		return Reply{codec.CodeNotLoggedIn, "Please login with USER and PASS."}
	case c.flags&needArg != 0 && len(arg) == 0:
		return Reply{codec.CodeArgSyntax, "Missing argument."}
	case c.flags&writes != 0 && s.ident.ReadOnly:
		return Reply{codec.CodeFileUnavailable, "Permission denied."}
	}
	return Reply{}
}

// reply appends one reply to the pending output.
func (s *Session) reply(code codec.Code, msg string) {
	if s.out == nil {
		s.out = bytebufferpool.Get()
	}
	s.out.B = codec.AppendReply(s.out.B, code, msg)
}

// flush writes the pending output and returns the buffer to its pool.
func (s *Session) flush() gnet.Action {
	// Take the buffer first: a failed Write makes gnet close the
	// connection at once, and OnClose must not see (and free) it too.
	if out := s.out; out != nil {
		s.out = nil
		if len(out.B) > 0 {
			_, _ = s.conn.Write(out.B)
		}
		bytebufferpool.Put(out)
	}
	if s.closing {
		return gnet.Close
	}
	return gnet.None
}

// drainMailbox applies what workers posted, in order.
func (s *Session) drainMailbox() {
	items := s.mbox.take()
	for _, r := range items {
		if r.apply != nil {
			r.apply(s)
		}
		if r.code != 0 {
			s.reply(r.code, r.msg)
		}
		if r.final {
			s.finishJob()
		}
	}
	s.mbox.recycle(items)
}

// finishJob runs after a job's final reply: the ABOR or QUIT that waited
// for it is answered now.
func (s *Session) finishJob() {
	s.job = nil
	s.busy.Store(false)
	s.lastActive.Store(s.srv.clock.Load())
	if s.abortPending {
		s.abortPending = false
		s.reply(codec.CodeTransferComplete, "ABOR command successful.")
	}
	if s.quitPending {
		s.quitPending = false
		s.reply(codec.CodeClosing, "Goodbye.")
		s.closing = true
	}
}

// release frees what the session holds when its connection closes.
func (s *Session) release() {
	if s.job != nil {
		s.job.cancel()
	}
	s.closePassive()
	if s.out != nil {
		bytebufferpool.Put(s.out)
		s.out = nil
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
	s.login = loginNone
	s.loggedIn.Store(false)
	s.user = ""
	s.ident = auth.Identity{}
	s.fs = nil
	s.cwd = "/"
	s.ascii = false
	s.rest = 0
	s.renameFrom = ""
	s.active = netip.AddrPort{}
	s.epsvAll = false
	s.facts = codec.DefaultFacts
	s.closePassive()
}
