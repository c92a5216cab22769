package loop

import (
	"net/netip"
	"sync"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// DefaultBanAfter is the failed logins from one address, within
// Limits.BanWindow, that the ftpsd binary bans it after (-ban-after,
// FTPLoginBan). loop.Limits' zero value keeps no ban, for embedders and
// tests; internal/setup starts from this one (issue 18, item 4).
const DefaultBanAfter = 10

// banTable remembers, per client address (an IPv6 client's /64), the
// logins that failed or are being checked, the ban they earned, and when
// the address's next failed login may be answered. Its size is capped:
// see Limits.BanTable. Its methods are safe for concurrent use (several
// loops and the workers call them); each holds the mutex for a map
// operation, or for one sweep of at most max entries when the table is
// full (makeRoom: about once per max/8 new addresses).
//
// Why a reservation: a PASS takes a slot (attempt) before its password is
// checked and gives it back (settle) as a failure or a refund, so that a
// burst of parallel logins cannot have more passwords checked than
// after: the slots in flight count towards the ban as if they had failed.
type banTable struct {
	after    int           // failures that ban; zero or less: no ban, only the pacing
	window   time.Duration // how far back failures count
	duration time.Duration // how long a ban lasts
	max      int           // addresses tracked at most
	// spacing is the least time between two failed-login answers to one
	// address (Config.FailDelay), whichever of its sessions they are on,
	// so that parallel guesses serialize on the delay. Zero: none.
	spacing time.Duration

	mu        sync.Mutex
	entries   map[netip.Addr]*banEntry
	fullUntil time.Time // the table is full of bans in force until then (makeRoom)
}

type banEntry struct {
	since   time.Time // start of the window the failures count in
	fails   int       // failures in the window
	pending int       // passwords being checked (attempt, not yet settled)
	until   time.Time // banned until; zero when not banned
	next    time.Time // no failed login of this address is answered before then
}

func newBanTable(after int, window, duration time.Duration, max int) *banTable {
	return &banTable{after: after, window: window, duration: duration, max: max,
		entries: make(map[netip.Addr]*banEntry)}
}

// verdict is what attempt decides for one PASS.
type verdict uint8

const (
	verdictCheck   verdict = iota // check the password, then settle the slot
	verdictRefused                // over the budget: a failure, answered so, without a check
	verdictBanned                 // the address is banned: 421 and close
)

func (v verdict) String() string {
	switch v {
	case verdictCheck:
		return "check"
	case verdictRefused:
		return "refused"
	case verdictBanned:
		return "banned"
	}
	return "verdict(?)"
}

// banned reports whether a is banned at now.
func (b *banTable) banned(a netip.Addr, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a]
	return e != nil && now.Before(e.until)
}

// attempt claims a password check for a PASS from a at now, whose failure
// this session would answer after wait. It returns the verdict; when the
// failure is to be answered, failAt, the deadline for that answer: no
// sooner than wait from now, nor than spacing after the address's
// previous failure answer. newBan reports that this attempt, refused over
// the budget, started a ban. An address the full table cannot track is
// checked without a slot, as before the table filled.
func (b *banTable) attempt(a netip.Addr, now time.Time, wait time.Duration) (v verdict, failAt time.Time, newBan bool) {
	failAt = now.Add(wait)
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entry(a, now)
	if e == nil {
		return verdictCheck, failAt, false
	}
	if now.Before(e.until) {
		return verdictBanned, failAt, false
	}
	if e.next.After(failAt) {
		failAt = e.next
	}
	if b.spacing > 0 {
		e.next = failAt.Add(b.spacing)
	}
	if b.after > 0 && e.fails+e.pending >= b.after {
		return verdictRefused, failAt, b.failLocked(e, now)
	}
	e.pending++
	return verdictCheck, failAt, false
}

// settle gives back the slot attempt took for a: as a failure when failed
// (which may start a ban: newBan), or as a refund when the password was
// right. Runs on a worker, as soon as the password is checked, so that a
// ban starts then and not when the delayed 530 goes out.
func (b *banTable) settle(a netip.Addr, failed bool, now time.Time) (newBan bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a]
	if e == nil {
		return false // evicted while it was checked; makeRoom keeps pending entries
	}
	if e.pending > 0 {
		e.pending--
	}
	if !failed {
		return false
	}
	return b.failLocked(e, now)
}

// fail records a failed login from a at now that took no slot, and
// reports whether a is banned, and whether this failure is the one that
// banned it.
func (b *banTable) fail(a netip.Addr, now time.Time) (banned, isNew bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entry(a, now)
	if e == nil {
		return false, false
	}
	if now.Before(e.until) {
		return true, false
	}
	isNew = b.failLocked(e, now)
	return isNew, isNew
}

// entry returns a's entry, made when missing; nil when the table is full
// and makeRoom finds no room. b.mu is held.
func (b *banTable) entry(a netip.Addr, now time.Time) *banEntry {
	e := b.entries[a]
	if e == nil {
		if len(b.entries) >= b.max && !b.makeRoom(now) {
			return nil
		}
		e = &banEntry{since: now}
		b.entries[a] = e
	}
	return e
}

// failLocked counts one failure in e's window and reports whether it
// started a ban. b.mu is held.
func (b *banTable) failLocked(e *banEntry, now time.Time) bool {
	if now.Before(e.until) {
		return false
	}
	if now.Sub(e.since) > b.window {
		e.since, e.fails = now, 0
	}
	e.fails++
	if b.after > 0 && e.fails >= b.after {
		e.until, e.fails = now.Add(b.duration), 0
		return true
	}
	return false
}

// expired reports whether e no longer says anything: no ban in force, no
// check in flight, no answer to pace, and its failures are out of the window.
func (b *banTable) expired(e *banEntry, now time.Time) bool {
	return !now.Before(e.until) && now.Sub(e.since) > b.window && e.pending == 0 && !now.Before(e.next)
}

// makeRoom runs when the table is full. It frees the expired entries, then
// entries that are neither a ban in force nor holding a check in flight
// (map order picks them) until an eighth of the table is free, so a
// stream of new addresses costs one sweep per max/8 of them rather than
// one each, under the mutex that every connection's ban check takes. When
// every entry is a ban in force it notes when the first of them ends and
// does not sweep again before. It reports whether there is room.
func (b *banTable) makeRoom(now time.Time) bool {
	if now.Before(b.fullUntil) {
		return false
	}
	keep := b.max - max(b.max/8, 1)
	var next time.Time
	for a, e := range b.entries {
		switch {
		case b.expired(e, now):
			delete(b.entries, a)
		case !now.Before(e.until):
			if len(b.entries) > keep && e.pending == 0 {
				delete(b.entries, a)
			}
		case next.IsZero() || e.until.Before(next):
			next = e.until
		}
	}
	if len(b.entries) < b.max {
		return true
	}
	b.fullUntil = next
	return false
}

// bannedFarewell is the 421 of a session whose address is banned.
const bannedFarewell = "Too many failed logins from your address, closing."

// banStarted closes every open session of the address key a ban just
// started for, but except (the session whose failure started it, which
// answers its 530 and then 421 itself, or nil): a ban that left the
// address's open sessions guessing would not hold (issue 18, item 3).
// Each session answers 421 and closes on its own loop: this posts to its
// mailbox and wakes it. Any goroutine (a worker settling a check, or a
// loop).
func (s *Server) banStarted(key, peer netip.Addr, except *Session) {
	s.cfg.logger().Info("address banned after failed logins", "peer", peer, "for", s.lim.ban.duration)
	s.sessions.Range(func(k, _ any) bool {
		sess := k.(*Session)
		if sess != except && addrKey(sess.peer.Addr()) == key {
			sess.mbox.post(result{apply: (*Session).closeBanned})
			_ = sess.conn.Wake(nil)
		}
		return true
	})
}

// closeBanned is the mailbox result that ends a session of a banned
// address: 421, then close. Runs on the loop.
func (s *Session) closeBanned() (codec.Code, string) {
	s.closeConn()
	return codec.CodeServiceUnavailable, bannedFarewell
}

// addrBanned reports whether the session's address is banned now; USER,
// PASS and the settling of a login consult it, besides the check at
// connect.
func (s *Session) addrBanned() bool {
	b := s.srv.lim.ban
	return b != nil && b.banned(addrKey(s.peer.Addr()), time.Now())
}

// refuseBanned answers a command from a banned address and closes the
// session.
func (s *Session) refuseBanned() Reply {
	s.closeConn()
	return Reply{codec.CodeServiceUnavailable, bannedFarewell}
}
