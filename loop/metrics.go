package loop

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/xfer"
)

// sessionMeter is what a session has counted in the metrics, so that what
// it counted in is counted out again: the session gauge's series it is in,
// and the command table row of the job whose final reply is still to come.
// Loop-only, as every Session field.
type sessionMeter struct {
	counted  bool // SessionOpened was called: SessionClosed is owed
	listener metrics.Listener
	tls      metrics.TLSState
	jobRow   int // 1 + the row of the command a running job answers; 0: none
}

// meterVerb counts the reply to verb, a row of the table: ABOR and QUIT,
// whose replies during a transfer come only after it (finishJob).
func (s *Session) meterVerb(verb string, code codec.Code) {
	if c := commands[verb]; c != nil {
		s.meterRow(c.row, code)
	}
}

// verbs lists the command table's verbs in row order, for metrics.Commands.
func verbs() []string {
	out := make([]string, len(commandList))
	for i, c := range commandList {
		out[i] = c.verb
	}
	return out
}

// startMetrics resolves the per-verb series and has scrapes read the worker
// pool, the ban table and the passive ranges of every host. Runs in New,
// before anything is served.
func (s *Server) startMetrics() {
	m := s.cfg.Metrics
	if m == nil {
		return
	}
	m.Commands(verbs())
	pool := s.pool
	m.WatchPool(func() (int, int, int) { return pool.Running(), pool.Waiting(), pool.Cap() })
	if b := s.lim.ban; b != nil {
		m.WatchBans(func() int { return b.active(time.Now()) })
	}
	// Always: a plan may be switched on at run time (SetFaults).
	kinds := make([]string, fault.KindCount)
	for k := range kinds {
		kinds[k] = fault.Kind(k).String()
	}
	m.WatchFaults(kinds, func(k int) int64 { return s.faultCount(fault.Kind(k)) })
	s.pasvInUse = make(map[[2]uint16]*atomic.Int64)
	rt := s.routing.Load()
	for _, v := range append([]*vhost{rt.host}, hostsOf(rt.hosts)...) {
		r := [2]uint16{v.PasvMin, v.PasvMax}
		if s.pasvInUse[r] == nil {
			s.pasvInUse[r] = m.PassiveRange(r[0], r[1])
		}
	}
}

func hostsOf(m map[*Host]*vhost) []*vhost {
	out := make([]*vhost, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// active counts the bans in force at now. It runs on a scrape's goroutine
// and holds the table's mutex for one walk of at most max entries, as
// makeRoom does.
func (b *banTable) active(now time.Time) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, e := range b.entries {
		if now.Before(e.until) {
			n++
		}
	}
	return n
}

// trackPassive counts a passive listener of the session's host in its
// range's gauge until the listener closes.
func (s *Session) trackPassive(p *xfer.Passive) {
	if g := s.srv.pasvInUse[[2]uint16{s.host.PasvMin, s.host.PasvMax}]; g != nil {
		p.Track(g)
	}
}

// meterOpen counts the session in the open sessions of its listener kind.
func (s *Session) meterOpen(implicit bool) {
	m := s.srv.cfg.Metrics
	if m == nil {
		return
	}
	s.met.counted, s.met.tls = true, metrics.Plain
	if implicit {
		s.met.listener = metrics.Implicit
	}
	m.SessionOpened(s.met.listener)
}

// meterTLS moves the session to another control-channel TLS state.
func (s *Session) meterTLS(to metrics.TLSState) {
	if !s.met.counted {
		return
	}
	s.srv.cfg.Metrics.SessionTLS(s.met.listener, s.met.tls, to)
	s.met.tls = to
}

// meterClose uncounts the session; a step of release. A session that
// closes with its control handshake unfinished counts a failed handshake,
// whatever ended it: a bad record, the handshake's error or deadline, the
// first-flight deadline, a sacrifice to a newer handshake, the client
// leaving.
func (s *Session) meterClose() {
	if s.met.counted {
		s.met.counted = false
		m := s.srv.cfg.Metrics
		if s.met.tls == metrics.Handshaking {
			m.HandshakeEnded(metrics.Control, metrics.HandshakeFailed, 0)
		}
		m.SessionClosed(s.met.listener, s.met.tls)
	}
}

// meterRow counts the final reply of the command in row.
func (s *Session) meterRow(row int, code codec.Code) {
	s.srv.cfg.Metrics.Command(row, uint16(code))
}

// meterOther counts the reply to a line that reached no command.
func (s *Session) meterOther(code codec.Code) {
	s.srv.cfg.Metrics.Command(metrics.CommandOther(len(commandList)), uint16(code))
}

// meterCommand counts a dispatched command's reply, or, when a job will
// answer it, remembers its row for meterJobEnd. ABOR and QUIT during a
// transfer are counted when they are answered, after it (finishJob).
func (s *Session) meterCommand(c *command, code codec.Code) {
	switch {
	case code != 0:
		s.meterRow(c.row, code)
	case c.flags&answeredAfterTransfer == 0:
		s.met.jobRow = c.row + 1
	}
}

// meterJobEnd counts the final reply of the command a job answered.
func (s *Session) meterJobEnd(code codec.Code) {
	if row := s.met.jobRow; row != 0 {
		s.met.jobRow = 0
		s.meterRow(row-1, code)
	}
}

// methodOf is how user's login is proven: anonymous for the host's
// anonymous names, a password otherwise.
func (s *Session) methodOf(user string) metrics.LoginMethod {
	if s.host.Auth != nil && s.host.Auth.IsAnonymous(user) {
		return metrics.Anonymous
	}
	return metrics.Password
}

// loginMethod is how a successful login job's identity was proven.
func loginMethod(o *xfer.Outcome) metrics.LoginMethod {
	switch {
	case o.Kind == xfer.CertLoggedIn:
		return metrics.Certificate
	case o.Identity.Anonymous:
		return metrics.Anonymous
	}
	return metrics.Password
}

// meterLogin counts a settled login.
func (s *Session) meterLogin(r metrics.LoginResult, k metrics.LoginMethod) {
	s.srv.cfg.Metrics.Login(r, k)
}

// meterRejected counts a job the pool had no worker for (not one refused
// because the pool is closing).
func (s *Server) meterRejected(err error) {
	if errors.Is(err, xfer.ErrBusy) {
		s.cfg.Metrics.JobRejected()
	}
}
