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
// Why a reservation: a PASS takes a slot (take) before its password is
// checked and gives it back (settle) as a failure or a refund, and the
// slots in flight count towards the ban as if they had failed. A burst of
// parallel logins therefore cannot have more passwords checked than after;
// the logins over the budget wait (on their workers) for a slot, and are
// refused unchecked if the ban starts meanwhile. Right passwords give their
// slot back at once, so many parallel logins that succeed (one client
// with many connections, a NAT) only queue for a moment.
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
	pending int       // passwords being checked (take, not yet settled)
	until   time.Time // banned until; zero when not banned
	next    time.Time // no failed login of this address is answered before then
	// freed, when not nil, is closed at the next settle: logins waiting
	// for a slot wait on it.
	freed chan struct{}
}

func newBanTable(after int, window, duration time.Duration, max int) *banTable {
	return &banTable{after: after, window: window, duration: duration, max: max,
		entries: make(map[netip.Addr]*banEntry)}
}

// banned reports whether a is banned at now.
func (b *banTable) banned(a netip.Addr, now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a]
	return e != nil && now.Before(e.until)
}

// take claims a password check for a login from a at now: ok when it may
// be checked; refuse when a is banned; otherwise freed is closed when one
// of a's checks settles, to try again. An address the full table cannot
// track is checked without a slot, as before the table filled. Any
// goroutine; it never blocks.
func (b *banTable) take(a netip.Addr, now time.Time) (ok, refuse bool, freed <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entry(a, now)
	switch {
	case e == nil:
		return true, false, nil
	case now.Before(e.until):
		return false, true, nil
	}
	if now.Sub(e.since) > b.window {
		e.since, e.fails = now, 0 // the failures went out of the window
	}
	if b.after <= 0 || e.fails+e.pending < b.after {
		e.pending++
		return true, false, nil
	}
	if e.freed == nil {
		e.freed = make(chan struct{})
	}
	return false, false, e.freed
}

// settle gives back the slot take granted for a: as a failure when failed
// (which may start a ban: newBan), or as a refund when the password was
// right, and wakes the logins waiting for a slot. A failure's answer is
// due at failAt (the session's deadline from its PASS) or, when a's
// previous failure answer is less than spacing before that, spacing after
// it: the deadline it returns. Runs on a worker, as soon as the password
// is checked, so that a ban starts then and not when the delayed 530 goes
// out; the spacing is decided then too, so that only failures take turns.
func (b *banTable) settle(a netip.Addr, failed bool, now, failAt time.Time) (newBan bool, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a]
	if e == nil {
		return false, failAt // evicted while it was checked; makeRoom keeps pending entries
	}
	if e.pending > 0 {
		e.pending--
	}
	if e.freed != nil {
		close(e.freed)
		e.freed = nil
	}
	if !failed {
		return false, failAt
	}
	if e.next.After(failAt) {
		failAt = e.next
	}
	if b.spacing > 0 {
		e.next = failAt.Add(b.spacing)
	}
	return b.failLocked(e, now), failAt
}

// fail records a failed login from a at now that took no slot, and
// reports whether a is banned, and whether this failure is the one that
// banned it. Logins always take a slot; the table's own tests drive it
// through fail.
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
	// The stable form fail2ban and operators read (events.go).
	s.cfg.logger().Info("client banned", "client", peer.Unmap().String(), "for", s.lim.ban.duration)
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

// slot is one login's claim on its address's checks: the xfer.Slot the
// login job takes and settles on its worker.
type slot struct {
	srv    *Server
	key    netip.Addr // addrKey of the peer
	peer   netip.Addr // for the log line of a ban
	sess   *Session   // compared only, never touched: banStarted spares it
	failAt time.Time  // the session's deadline for a failure's answer
}

// Take claims a check (banTable.take). Runs on a worker.
func (sl *slot) Take() (ok, refuse bool, freed <-chan struct{}) {
	return sl.srv.lim.ban.take(sl.key, time.Now())
}

// Settle gives the check back (banTable.settle) and, when that failure
// starts a ban, closes the address's other sessions at once; the session
// itself answers its 530 at its deadline, then 421 (settleFailedLogin).
// Runs on a worker.
func (sl *slot) Settle(failed bool) time.Time {
	newBan, at := sl.srv.lim.ban.settle(sl.key, failed, time.Now(), sl.failAt)
	if newBan {
		sl.srv.banStarted(sl.key, sl.peer, sl.sess)
	}
	return at
}

// refuseBanned answers a command from a banned address and closes the
// session.
func (s *Session) refuseBanned() Reply {
	s.closeConn()
	return Reply{codec.CodeServiceUnavailable, bannedFarewell}
}
