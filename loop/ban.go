package loop

import (
	"net/netip"
	"sync"
	"time"
)

// banTable remembers failed logins per client address and the addresses
// banned for them (Limits.BanAfter). Its size is capped: see Limits.BanTable.
// Its methods are safe for concurrent use; each holds the mutex for a map
// operation, or for one sweep of at most max entries when the table is full
// (makeRoom: about once per max/8 new addresses).
type banTable struct {
	after    int
	window   time.Duration
	duration time.Duration
	max      int

	mu        sync.Mutex
	entries   map[netip.Addr]*banEntry
	fullUntil time.Time // the table is full of bans in force until then (makeRoom)
}

type banEntry struct {
	since time.Time // start of the window the failures count in
	fails int
	until time.Time // banned until; zero when not banned
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

// fail records a failed login from a at now and reports whether a is
// banned, and whether this failure is the one that banned it.
func (b *banTable) fail(a netip.Addr, now time.Time) (banned, isNew bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.entries[a]
	if e == nil {
		if len(b.entries) >= b.max && !b.makeRoom(now) {
			return false, false
		}
		e = &banEntry{since: now}
		b.entries[a] = e
	}
	if now.Before(e.until) {
		return true, false
	}
	if now.Sub(e.since) > b.window {
		e.since, e.fails = now, 0
	}
	e.fails++
	if e.fails >= b.after {
		e.until, e.fails = now.Add(b.duration), 0
		return true, true
	}
	return false, false
}

// expired reports whether e no longer says anything: no ban in force and
// its failures are out of the window.
func (b *banTable) expired(e *banEntry, now time.Time) bool {
	return !now.Before(e.until) && now.Sub(e.since) > b.window
}

// makeRoom runs when the table is full. It frees the expired entries, then
// entries that are not a ban in force (map order picks them) until an
// eighth of the table is free, so a stream of new addresses costs one sweep
// per max/8 of them rather than one each, under the mutex that every
// connection's ban check takes. When every entry is a ban in force it
// notes when the first of them ends and does not sweep again before. It
// reports whether there is room.
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
			if len(b.entries) > keep {
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
