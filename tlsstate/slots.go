package tlsstate

import (
	"container/list"
	"net/netip"
	"sync"
)

// Semaphore caps concurrent handshakes across connections: in all, and per client address (an
// IPv6 client's /64). It is safe for concurrent use and never waits: a handshake takes its slot
// on the event loop when it is committed (Conn.Feed), and a slot is always granted. When the
// client's address already holds its share, the oldest handshake of that address is sacrificed;
// otherwise, when every slot is taken, the oldest handshake of all is. A sacrificed handshake
// fails with ErrHandshakeEvicted, and its slot passes to the newcomer at once.
//
// Why the oldest and not the newcomer: a handshake that has been running longest is the one most
// likely stalled on purpose (a client that sent its ClientHello and nothing more), while refusing
// newcomers would let whoever fills the slots first lock everyone else out. An honest handshake
// takes milliseconds, so it is rarely the oldest for long.
type Semaphore struct {
	n int // total slots

	mu      sync.Mutex
	perPeer int                // slots per client address; 0: no per-address cap
	held    list.List          // of *slot, oldest first
	peers   map[netip.Addr]int // slots held per address key; a key dropping to zero is deleted
}

// slot is one committed handshake's hold on the Semaphore.
type slot struct {
	key   netip.Addr // peerKey of the client; invalid: not counted per address
	e     *list.Element
	evict func() // fails the handshake; called without the mutex held
}

// NewSemaphore returns a Semaphore with n slots in all, DefaultHandshakesPerPeer of them per
// client address; n <= 0 means DefaultHandshakes.
func NewSemaphore(n int) *Semaphore {
	if n <= 0 {
		n = DefaultHandshakes
	}
	return &Semaphore{n: n, perPeer: DefaultHandshakesPerPeer, peers: make(map[netip.Addr]int)}
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

// HeldBy returns the number of slots held by addr's key right now.
func (s *Semaphore) HeldBy(addr netip.Addr) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[peerKey(addr)]
}

// take grants a slot to the handshake of a client at addr, sacrificing the oldest one of the same
// address, or of all, if need be (see Semaphore). evict is how the handshake is failed should it
// be sacrificed in turn. A nil Semaphore grants a nil slot. Loop goroutine; the mutex is held for
// a walk of at most the held slots.
func (s *Semaphore) take(addr netip.Addr, evict func()) *slot {
	if s == nil {
		return nil
	}
	sl := &slot{key: peerKey(addr), evict: evict}
	var victim *slot
	s.mu.Lock()
	if sl.key.IsValid() && s.perPeer > 0 && s.peers[sl.key] >= s.perPeer {
		for e := s.held.Front(); e != nil; e = e.Next() {
			if v := e.Value.(*slot); v.key == sl.key {
				victim = v
				break
			}
		}
	}
	if victim == nil && s.held.Len() >= s.n {
		victim = s.held.Front().Value.(*slot)
	}
	if victim != nil {
		s.dropLocked(victim)
	}
	sl.e = s.held.PushBack(sl)
	if sl.key.IsValid() {
		s.peers[sl.key]++
	}
	s.mu.Unlock()
	if victim != nil {
		victim.evict()
	}
	return sl
}

// release gives a slot back. It may be called more than once, and for a slot already sacrificed;
// a nil slot is a no-op. Any goroutine.
func (s *Semaphore) release(sl *slot) {
	if s == nil || sl == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropLocked(sl)
}

func (s *Semaphore) dropLocked(sl *slot) {
	if sl.e == nil {
		return
	}
	s.held.Remove(sl.e)
	sl.e = nil
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
