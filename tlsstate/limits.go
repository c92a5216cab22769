package tlsstate

import "time"

// Record sizes from RFC 5246 §6.2.3 and RFC 8446 §5.2.
const (
	recordHeaderLen = 5
	// MaxRecord is the largest TLS record the machine accepts, header included: 2^14 bytes of
	// plaintext plus the 2048 bytes of expansion TLS 1.2 allows (TLS 1.3 allows only 256).
	MaxRecord = recordHeaderLen + 1<<14 + 2048
)

// Defaults for the zero values of Limits.
const (
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultMaxPending covers one gnet read (64 KiB by default) on top of a partial record.
	DefaultMaxPending = 64<<10 + MaxRecord
	DefaultHandshakes = 256
)

// Limits bound one machine. The zero value works: every zero field means its documented default.
// The machine copies Limits and never modifies the caller's struct.
type Limits struct {
	// HandshakeTimeout bounds the whole handshake, counted from Start and including the wait for a
	// Handshakes slot. Zero means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration

	// Handshakes caps concurrent handshakes. Share one Semaphore between all connections of a
	// server. Nil means unlimited.
	Handshakes *Semaphore

	// MaxPending bounds received ciphertext buffered but not yet decrypted. Zero means
	// DefaultMaxPending; values below MaxRecord are raised to MaxRecord, since a record that can
	// never be buffered whole would stall the connection.
	MaxPending int
}

// Timeout returns HandshakeTimeout or its default.
func (l Limits) Timeout() time.Duration {
	if l.HandshakeTimeout <= 0 {
		return DefaultHandshakeTimeout
	}
	return l.HandshakeTimeout
}

// Pending returns MaxPending or its default, never less than MaxRecord.
func (l Limits) Pending() int {
	switch {
	case l.MaxPending == 0:
		return DefaultMaxPending
	case l.MaxPending < MaxRecord:
		return MaxRecord
	}
	return l.MaxPending
}

// Semaphore caps concurrent handshakes across connections. It is safe for concurrent use.
// Waiting for a slot happens on the handshake goroutine, never on the event loop.
type Semaphore struct {
	slots chan struct{}
}

// NewSemaphore returns a Semaphore with n slots; n <= 0 means DefaultHandshakes.
func NewSemaphore(n int) *Semaphore {
	if n <= 0 {
		n = DefaultHandshakes
	}
	return &Semaphore{slots: make(chan struct{}, n)}
}

// Cap returns the number of slots.
func (s *Semaphore) Cap() int { return cap(s.slots) }

// InUse returns the number of slots held right now.
func (s *Semaphore) InUse() int { return len(s.slots) }

// acquire takes a slot or gives up when stop is closed.
func (s *Semaphore) acquire(stop <-chan struct{}) bool {
	if s == nil {
		return true
	}
	select {
	case s.slots <- struct{}{}:
		return true
	case <-stop:
		return false
	}
}

func (s *Semaphore) release() {
	if s != nil {
		<-s.slots
	}
}
