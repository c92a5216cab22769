package tlsstate

import (
	"container/list"
	"net/netip"
	"sync"
)

// Semaphore caps concurrent handshakes across connections: in all, and per client address (an
// IPv6 client's /64). It is safe for concurrent use, and nobody ever blocks on it: a handshake
// asks for its slot on the event loop when it is committed (Conn.Feed).
//
//   - When every slot is taken, the oldest handshake of all is sacrificed: it fails with
//     ErrHandshakeEvicted and its slot passes to the newcomer at once. The newcomer is never
//     refused: a handshake that has run longest is the one most likely stalled on purpose (a
//     client that sent its ClientHello and nothing more), while refusing newcomers would let
//     whoever fills the slots first lock everyone else out. An honest handshake takes
//     milliseconds, so it is rarely the oldest for long.
//   - When the client's address already holds its share, the newcomer queues, holding no slot and
//     no goroutine, and is granted the slot of the next handshake of that address to end (its
//     connection is woken through Transport.Wake). So one address can never take more than its
//     share, and a burst of honest connections from one address (a client opening many sessions at
//     once) is served in turn instead of losing its oldest handshakes. The wait is bounded by the
//     caller's first-flight deadline, since the machine reports AwaitingHello meanwhile.
type Semaphore struct {
	n int // total slots

	mu      sync.Mutex
	perPeer int                    // slots per client address; 0: no per-address cap
	held    list.List              // of *slot, oldest first
	peers   map[netip.Addr]int     // slots held per address key; a key dropping to zero is deleted
	waiting map[netip.Addr][]*slot // queued per address key, first come first served
}

// slotState is where a slot is; guarded by Semaphore.mu.
type slotState uint8

const (
	slotFree    slotState = iota // released, or never granted
	slotWaiting                  // queued for its address's next free slot
	slotHeld                     // granted: counts against the caps
)

// slot is one committed handshake's claim on the Semaphore.
type slot struct {
	key   netip.Addr // peerKey of the client; invalid: not counted per address
	state slotState
	e     *list.Element // in held, while slotHeld
	evict func()        // fails the handshake; called without the mutex held
	grant func()        // wakes a queued handshake's connection; called without the mutex held
}

// NewSemaphore returns a Semaphore with n slots in all, DefaultHandshakesPerPeer of them per
// client address; n <= 0 means DefaultHandshakes.
func NewSemaphore(n int) *Semaphore {
	if n <= 0 {
		n = DefaultHandshakes
	}
	return &Semaphore{n: n, perPeer: DefaultHandshakesPerPeer,
		peers: make(map[netip.Addr]int), waiting: make(map[netip.Addr][]*slot)}
}

// SetPerPeer sets the slots one client address may hold; n <= 0 means no per-address cap. Call it
// before the Semaphore is first used.
func (s *Semaphore) SetPerPeer(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perPeer = max(n, 0)
}

// Cap returns the number of slots.
func (s *Semaphore) Cap() int { return s.n }

// PerPeer returns the slots one client address may hold; 0 means no per-address cap.
func (s *Semaphore) PerPeer() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.perPeer
}

// InUse returns the number of slots held right now.
func (s *Semaphore) InUse() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held.Len()
}

// Queued returns the number of handshakes waiting for their address's share right now.
func (s *Semaphore) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, q := range s.waiting {
		n += len(q)
	}
	return n
}

// HeldBy returns the number of slots held by addr's key right now.
func (s *Semaphore) HeldBy(addr netip.Addr) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[peerKey(addr)]
}

// take asks for a slot for the handshake of a client at addr (see Semaphore). It returns the slot
// and whether it is granted now; when it is not, grant is called once it is, unless the slot is
// released first. evict is how the handshake is failed should it be sacrificed in turn. A nil
// Semaphore grants a nil slot. Loop goroutine; the mutex is held for a walk of at most the held
// slots.
func (s *Semaphore) take(addr netip.Addr, evict, grant func()) (*slot, bool) {
	if s == nil {
		return nil, true
	}
	sl := &slot{key: peerKey(addr), evict: evict, grant: grant}
	s.mu.Lock()
	if sl.key.IsValid() && s.perPeer > 0 && s.peers[sl.key] >= s.perPeer {
		sl.state = slotWaiting
		s.waiting[sl.key] = append(s.waiting[sl.key], sl)
		s.mu.Unlock()
		return sl, false
	}
	var victim *slot
	if s.held.Len() >= s.n {
		victim = s.held.Front().Value.(*slot)
		// Its slot goes to the newcomer, not to a handshake queued behind the victim's
		// address: those are admitted as that address's other handshakes end.
		s.unholdLocked(victim)
	}
	s.holdLocked(sl)
	s.mu.Unlock()
	if victim != nil {
		victim.evict()
	}
	return sl, true
}

// granted reports whether sl holds its slot (nil: the nil Semaphore's, always). Loop goroutine.
func (s *Semaphore) granted(sl *slot) bool {
	if s == nil || sl == nil {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return sl.state == slotHeld
}

// release gives a slot back, or leaves the queue. The address's first queued handshake, if any,
// gets the slot. It may be called more than once, and for a slot already sacrificed; a nil slot is
// a no-op. Any goroutine.
func (s *Semaphore) release(sl *slot) {
	if s == nil || sl == nil {
		return
	}
	var next *slot
	s.mu.Lock()
	switch sl.state {
	case slotWaiting:
		q := s.waiting[sl.key]
		for i, w := range q {
			if w == sl {
				q = append(q[:i], q[i+1:]...)
				break
			}
		}
		s.setQueueLocked(sl.key, q)
		sl.state = slotFree
	case slotHeld:
		s.unholdLocked(sl)
		if q := s.waiting[sl.key]; len(q) > 0 && (s.perPeer == 0 || s.peers[sl.key] < s.perPeer) {
			next = q[0]
			s.setQueueLocked(sl.key, q[1:])
			s.holdLocked(next)
		}
	}
	s.mu.Unlock()
	if next != nil {
		next.grant()
	}
}

func (s *Semaphore) setQueueLocked(key netip.Addr, q []*slot) {
	if len(q) == 0 {
		delete(s.waiting, key)
		return
	}
	s.waiting[key] = q
}

func (s *Semaphore) holdLocked(sl *slot) {
	sl.state = slotHeld
	sl.e = s.held.PushBack(sl)
	if sl.key.IsValid() {
		s.peers[sl.key]++
	}
}

func (s *Semaphore) unholdLocked(sl *slot) {
	s.held.Remove(sl.e)
	sl.e, sl.state = nil, slotFree
	if !sl.key.IsValid() {
		return
	}
	if n := s.peers[sl.key]; n > 1 {
		s.peers[sl.key] = n - 1
	} else {
		delete(s.peers, sl.key)
	}
}

// peerKey is what the per-address cap counts: the address, or its /64 for IPv6, since one IPv6
// client usually holds a whole /64 (the loop's per-address session limits count the same way).
func peerKey(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if a.Is6() {
		if p, err := a.Prefix(64); err == nil {
			return p.Addr()
		}
	}
	return a
}
