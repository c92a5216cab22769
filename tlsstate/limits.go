package tlsstate

import (
	"crypto/tls"
	"net/netip"
	"time"
)

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
	// DefaultHandshakesPerPeer is Semaphore's cap per client address (more queue): with the
	// default total, an attacker needs 32 addresses before its stalled handshakes can crowd out
	// anyone else's.
	DefaultHandshakesPerPeer = 8
	// MaxHelloRecord is the largest first record accepted before a handshake is committed: a
	// ClientHello record carries plaintext, at most 2^14 bytes (RFC 8446 §5.1).
	MaxHelloRecord = recordHeaderLen + 1<<14
)

// Limits bound one machine. The zero value works: every zero field means its documented default.
// The machine copies Limits and never modifies the caller's struct.
type Limits struct {
	// HandshakeTimeout bounds the handshake, counted from its start (the client's first record has
	// arrived and a Handshakes slot is granted, see Conn.Feed), when it takes its goroutine. The
	// wait before is the caller's to bound (Conn.AwaitingHello): the machine holds nothing during
	// it but the bytes received. Zero means DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration

	// Handshakes caps concurrent handshakes, in all and per client address. Share one Semaphore
	// between all connections of a server. Nil means unlimited.
	Handshakes *Semaphore

	// Peer is the client's address, for the per-address cap of Handshakes. The zero value means
	// the transport's RemoteAddr, when it is an IP address; without either the connection counts
	// against the total cap only.
	Peer netip.Addr

	// MaxPending bounds received ciphertext buffered but not yet decrypted. Zero means
	// DefaultMaxPending; values below MaxRecord are raised to MaxRecord, since a record that can
	// never be buffered whole would stall the connection.
	MaxPending int

	// AfterHandshake, when set, replaces the connection's tls.Config once the handshake is over
	// (tlsbuf.go). ControlConfig makes a clone with per-session closures for every connection,
	// which crypto/tls keeps for the connection's life though only the handshake reads those
	// closures; handing back the shared config it was cloned from frees about 0.6 KiB per idle
	// session. It must differ from the handshake's config in handshake-only fields alone.
	AfterHandshake *tls.Config
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
