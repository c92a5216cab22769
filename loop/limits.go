package loop

import (
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// Limits are the caps a public server needs against scanners,
// brute-forcers and clients that hog it: sessions in all, per address and
// per user, failed logins, a temporary ban of an address, bandwidth, and the
// replies queued for a client. Config embeds it, so its fields read as
// Config's (cfg.MaxSessions). The zero value works: no session or bandwidth
// limit, three login attempts, no ban (the binary's default is
// DefaultBanAfter), 1 MiB of queued replies.
type Limits struct {
	// MaxSessions caps the server's control connections (mod_ftp's
	// FTPLimitLoginServer). Zero: no limit. ftpsd counts connections, at
	// connect, where mod_ftp counts logins: a connection over the cap gets
	// 421 in place of the greeting and is closed, as vsftpd's max_clients
	// does, so that sessions which never log in (scanners, slowloris) are
	// bounded too and cost nothing beyond the refusal.
	MaxSessions int
	// MaxSessionsPerIP caps the control connections from one client
	// address, or one /64 for IPv6 (FTPLimitLoginIP). Zero: no limit.
	// Counted at connect like MaxSessions (vsftpd's max_per_ip).
	MaxSessionsPerIP int
	// MaxSessionsPerUser caps the logged-in sessions of one named user
	// (FTPLimitLoginUser). Zero: no limit. PASS for a user already at the
	// cap gets 421 and the connection closes, before the password is
	// checked, so the limit does not reveal whether a guess was right; the
	// session counts once its login succeeds, until it ends or REIN.
	// Anonymous logins are not counted per user: one anonymous account
	// serves every visitor, MaxSessions and MaxSessionsPerIP bound them.
	MaxSessionsPerUser int

	// MaxLoginAttempts is how many failed logins a session may make
	// (FTPMaxLoginAttempts): the last is answered 530, then 421, and the
	// connection closes. Default 3, mod_ftp's and vsftpd's; NoLimit (any
	// negative value): no limit. The pause before each 530 grows with the session's failures:
	// FailDelay times the failure's number (1s, 2s, 3s by default), at most
	// ten times FailDelay. It runs on a timer: it holds no worker and does
	// not block the loop.
	MaxLoginAttempts int

	// BanAfter, when positive, bans a client address (an IPv6 client's
	// /64) for BanDuration once BanAfter logins failed from it within
	// BanWindow, whichever sessions they came from. A PASS counts before
	// its password is checked (a right one gives its place back), so
	// parallel logins cannot have more than BanAfter passwords checked
	// (the others wait on their workers for a turn, up to 30s, and are
	// refused if the ban starts meanwhile); anonymous logins never count. A banned address gets 421 at connect,
	// USER and PASS; the session whose failure set the ban gets 530, then
	// 421, and its other open sessions get 421 at once; all are closed.
	// Zero: no ban (the ftpsd binary defaults to DefaultBanAfter).
	BanAfter int
	// BanWindow is how far back failures count towards BanAfter. Default 10m.
	BanWindow time.Duration
	// BanDuration is how long a ban lasts. Default 1h.
	BanDuration time.Duration
	// BanTable caps the addresses the ban keeps track of, so that a flood
	// of addresses cannot exhaust memory. Default 10000. When it is full,
	// expired entries go first, then an arbitrary address that is not
	// banned; when every entry is a ban in force, new addresses are not
	// tracked until one expires.
	BanTable int

	// SessionRate caps one session's transfers, in bytes per second.
	// Zero: no limit.
	SessionRate int64
	// ServerRate caps the sum of every session's transfers, in bytes per
	// second. Zero: no limit. Directory listings are not paced.
	ServerRate int64

	// MaxQueuedOutput caps the reply bytes waiting for a client that does
	// not read them (beyond what the kernel's socket buffer holds). A
	// session whose backlog is over the cap when it next sends a command
	// is closed without a reply, since it reads none. Default 1 MiB.
	MaxQueuedOutput int

	// HashMaxBytes bounds the bytes one HASH or X* checksum command
	// reads (cmd_hash.go); over it HASH answers 556 and the X* commands
	// 550. Zero: no bound, any whole file is hashed (NoLimit is the same).
	// A range must lie within the file whatever the bound.
	HashMaxBytes int64
	// HashCacheEntries caps the digests kept for every session to share
	// (least recently used first out). Default DefaultHashCacheEntries;
	// NoLimit keeps none.
	HashCacheEntries int
}

// The defaults of Limits' fields, exported for the flag help and
// internal/setup. The limits without a default here (MaxSessions,
// MaxSessionsPerIP, MaxSessionsPerUser, BanAfter, SessionRate, ServerRate)
// default to none: for them zero, the default, is no limit.
const (
	DefaultMaxLoginAttempts = 3
	DefaultBanWindow        = 10 * time.Minute
	DefaultBanDuration      = time.Hour
	DefaultBanTable         = 10000
	DefaultMaxQueuedOutput  = 1 << 20
	// maxFailDelayFactor bounds the growing pause after failed logins.
	maxFailDelayFactor = 10
)

func (l *Limits) maxLoginAttempts() int      { return orNone(l.MaxLoginAttempts, DefaultMaxLoginAttempts) }
func (l *Limits) banWindow() time.Duration   { return positiveOr(l.BanWindow, DefaultBanWindow) }
func (l *Limits) banDuration() time.Duration { return positiveOr(l.BanDuration, DefaultBanDuration) }
func (l *Limits) banTable() int              { return positiveOr(l.BanTable, DefaultBanTable) }
func (l *Limits) maxQueuedOutput() int       { return positiveOr(l.MaxQueuedOutput, DefaultMaxQueuedOutput) }

// The refusals at connect, built once: they go out in place of the 220.
var (
	refuseServerFull = codec.AppendReply(nil, codec.CodeServiceUnavailable, "Too many users, try again later.")
	refuseAddrFull   = codec.AppendReply(nil, codec.CodeServiceUnavailable, "Too many connections from your address, try again later.")
	refuseBanned     = codec.AppendReply(nil, codec.CodeServiceUnavailable, "Too many failed logins from your address, try again later.")
)

// serverLimits is the server's shared state for Limits. Several event loops
// use it at once: counts are atomics or maps behind a mutex held for a map
// operation only, so the loops never wait long.
type serverLimits struct {
	cfg *Limits

	sessions atomic.Int64 // admitted control connections

	perAddr *keyCounts[netip.Addr] // MaxSessionsPerIP, by addrKey; nil without
	perUser *keyCounts[string]     // MaxSessionsPerUser; nil without

	ban  *banTable     // nil without BanAfter
	rate *rate.Limiter // ServerRate; nil without
}

func newServerLimits(cfg *Limits) *serverLimits {
	l := &serverLimits{
		cfg:     cfg,
		perAddr: newKeyCounts[netip.Addr](cfg.MaxSessionsPerIP),
		perUser: newKeyCounts[string](cfg.MaxSessionsPerUser),
		rate:    xfer.NewLimiter(cfg.ServerRate),
	}
	if cfg.BanAfter > 0 {
		l.ban = newBanTable(cfg.BanAfter, cfg.banWindow(), cfg.banDuration(), cfg.banTable())
	}
	return l
}

// pace keeps the per-address spacing of failed-login answers (banTable),
// making the table when BanAfter did not: the spacing holds with no ban.
func (l *serverLimits) pace(spacing time.Duration) {
	if spacing <= 0 {
		return
	}
	if l.ban == nil {
		l.ban = newBanTable(0, l.cfg.banWindow(), l.cfg.banDuration(), l.cfg.banTable())
	}
	l.ban.spacing = spacing
}

// addrKey is what per-address limits count: the address, or its /64 for
// IPv6, since one IPv6 client usually holds a whole /64.
func addrKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}

// admit counts a new control connection, or returns the reply that refuses
// it (the connection is then closed and never counted). Every admitted
// session calls leave exactly once, when it closes.
func (l *serverLimits) admit(peer netip.Addr) []byte {
	key := addrKey(peer)
	if l.ban != nil && l.ban.banned(key, time.Now()) {
		return refuseBanned
	}
	if n := l.sessions.Add(1); l.cfg.MaxSessions > 0 && n > int64(l.cfg.MaxSessions) {
		l.sessions.Add(-1)
		return refuseServerFull
	}
	if !l.perAddr.enter(key) {
		l.sessions.Add(-1)
		return refuseAddrFull
	}
	return nil
}

// leave uncounts an admitted session.
func (l *serverLimits) leave(peer netip.Addr) {
	l.sessions.Add(-1)
	l.perAddr.leave(addrKey(peer))
}

// keyCounts counts the sessions held per key (a client address, a user)
// up to a cap. A nil *keyCounts is no limit: it admits every key and
// counts nothing. Any goroutine: the mutex is held for one map operation.
type keyCounts[K comparable] struct {
	limit int
	mu    sync.Mutex
	n     map[K]int // a key whose count drops to zero is deleted
}

// newKeyCounts returns the counts for a cap of limit; nil when limit is
// zero or negative (no limit).
func newKeyCounts[K comparable](limit int) *keyCounts[K] {
	if limit <= 0 {
		return nil
	}
	return &keyCounts[K]{limit: limit, n: make(map[K]int)}
}

// full reports whether k is at the cap.
func (c *keyCounts[K]) full(k K) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[k] >= c.limit
}

// enter counts one more session of k, unless k is at the cap. Every
// session entered calls leave exactly once.
func (c *keyCounts[K]) enter(k K) bool {
	if c == nil {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.n[k]
	if n >= c.limit {
		return false
	}
	c.n[k] = n + 1
	return true
}

// leave uncounts a session of k that entered.
func (c *keyCounts[K]) leave(k K) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.n[k]; n > 1 {
		c.n[k] = n - 1
	} else {
		delete(c.n, k)
	}
}

// sessionLimits is a session's part of Limits; loop-only like every
// Session field.
type sessionLimits struct {
	admitted bool          // counted by serverLimits.admit: leave when closing
	user     string        // counted in serverLimits.perUser: leave at logout
	failures int           // failed logins on this connection
	farewell string        // 421 to send after the current final reply, then close
	rate     *rate.Limiter // SessionRate, made on the first transfer
}

// releaseLimits uncounts the session; release calls it once.
func (s *Session) releaseLimits() {
	s.logoutLimits()
	if s.lim.admitted {
		s.lim.admitted = false
		s.srv.lim.leave(s.peer.Addr())
	}
}

// logoutLimits uncounts the session's user (REIN, close).
func (s *Session) logoutLimits() {
	if s.lim.user != "" {
		s.srv.lim.perUser.leave(s.lim.user)
		s.lim.user = ""
	}
}

// loginFailDelay is the pause before the 530 of this session's next failed
// login: it grows with each failure.
func (s *Session) loginFailDelay() time.Duration {
	return s.srv.cfg.failDelay() * time.Duration(min(s.lim.failures+1, maxFailDelayFactor))
}

// userAtLimit is PASS's check before the password: a user already at
// MaxSessionsPerUser gets 421 whatever the password.
func (s *Session) userAtLimit() Reply {
	a := s.host.Auth
	if a == nil || a.IsAnonymous(s.user) || !s.srv.lim.perUser.full(s.user) {
		return Reply{}
	}
	return s.refuseUser()
}

// countLogin counts, on the loop, a login whose identity was proven
// against MaxSessionsPerUser from now on, or returns the 421 that refuses
// it when another session of the user got in first. Anonymous logins are
// not counted.
func (s *Session) countLogin(user string, anonymous bool) Reply {
	if anonymous {
		return Reply{}
	}
	if !s.srv.lim.perUser.enter(user) {
		return s.refuseUser()
	}
	s.lim.user = user
	return Reply{}
}

// refuseUser answers a login over MaxSessionsPerUser, and closes the
// session.
func (s *Session) refuseUser() Reply {
	s.closeConn()
	return Reply{codec.CodeServiceUnavailable, "Too many sessions for this user, closing."}
}

// settleFailedLogin counts a failed login against the session and the
// client's address; past MaxLoginAttempts, or when the address got banned,
// a 421 follows the 530 and the session ends.
func (s *Session) settleFailedLogin() (codec.Code, string) {
	s.logLoginFailed()
	s.resetLogin()
	s.lim.failures++
	// The failure was counted when the password was checked (banTable.settle).
	if s.addrBanned() {
		s.lim.farewell = bannedFarewell
	}
	if max := s.srv.cfg.maxLoginAttempts(); max > 0 && s.lim.failures >= max {
		s.lim.farewell = "Too many failed login attempts, closing."
	}
	return codec.CodeNotLoggedIn, "Login incorrect."
}

// sayFarewell sends the 421 a settled result asked for and ends the
// session; finishJob calls it after the job's final reply.
func (s *Session) sayFarewell() {
	if s.lim.farewell == "" {
		return
	}
	s.reply(codec.CodeServiceUnavailable, s.lim.farewell)
	s.lim.farewell = ""
	s.closeConn()
}

// outputBacklogged closes a session whose client left more than
// MaxQueuedOutput bytes of replies unread and still sends commands: it
// would make the server buffer without bound.
func (s *Session) outputBacklogged() bool {
	if s.conn.OutboundBuffered() <= s.srv.cfg.maxQueuedOutput() {
		return false
	}
	s.srv.cfg.logger().Debug("replies not read, closing", "peer", s.peer, "queued", s.conn.OutboundBuffered())
	s.closeConn()
	return true
}

// rates returns the limiters that pace this session's transfers; nil
// ones are no limit. The session's limiter is made on its first
// transfer and shared by the ones after, so a client cannot reset its rate
// by starting a new transfer.
func (s *Session) rates() (session, server *rate.Limiter) {
	if s.lim.rate == nil && s.srv.cfg.SessionRate > 0 {
		s.lim.rate = xfer.NewLimiter(s.srv.cfg.SessionRate)
	}
	return s.lim.rate, s.srv.lim.rate
}
