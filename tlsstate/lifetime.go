package tlsstate

import (
	"crypto/tls"
	"encoding/binary"
	"sync"
	"time"
)

// Ticket lifetime. crypto/tls accepts its own tickets for 7 days; a fleet
// with shared keys (ticketkeys.go) wants a bound of its own, default a day.
// Each ticket ftpsd seals carries, as one more entry of SessionState.Extra,
// when the session's first ticket was sealed; a ticket older than the
// lifetime (or without that entry) is not resumed: the client does a full
// handshake. The lifetime is a setting of the base config, kept beside it
// (tls.Config has no field for it).

// DefaultTicketLifetime is how long a session may be resumed from its
// first ticket.
const DefaultTicketLifetime = 24 * time.Hour

const issuedPrefix = "ftpsd/ticket-issued\x00"

var lifetimes sync.Map // *tls.Config (a base config) -> time.Duration

// SetTicketLifetime sets how long sessions of base (and every config
// cloned from it by ControlConfig and DataConfig) may be resumed. Zero or
// negative restores DefaultTicketLifetime. Call it at start-up.
func SetTicketLifetime(base *tls.Config, d time.Duration) {
	if d <= 0 {
		lifetimes.Delete(base)
		return
	}
	lifetimes.Store(base, d)
}

func ticketLifetime(base *tls.Config) time.Duration {
	if v, ok := lifetimes.Load(base); ok {
		return v.(time.Duration)
	}
	return DefaultTicketLifetime
}

// stampIssued appends the issue time to ss.Extra unless a resumed session
// already carries one: the lifetime runs from the first full handshake.
func stampIssued(ss *tls.SessionState, now time.Time) {
	if _, ok := issuedAt(ss.Extra); ok {
		return
	}
	e := append([]byte(issuedPrefix), make([]byte, 8)...)
	binary.BigEndian.PutUint64(e[len(issuedPrefix):], uint64(now.Unix()))
	ss.Extra = append(ss.Extra, e)
}

func issuedAt(extra [][]byte) (time.Time, bool) {
	for _, e := range extra {
		if len(e) == len(issuedPrefix)+8 && string(e[:len(issuedPrefix)]) == issuedPrefix {
			return time.Unix(int64(binary.BigEndian.Uint64(e[len(issuedPrefix):])), 0), true
		}
	}
	return time.Time{}, false
}

// fresh reports whether a decrypted session may still be resumed.
func fresh(base *tls.Config, ss *tls.SessionState, now time.Time) bool {
	at, ok := issuedAt(ss.Extra)
	return ok && !now.Before(at.Add(-time.Minute)) && now.Sub(at) <= ticketLifetime(base)
}

// sealFresh seals ss with base's keys, stamped.
func sealFresh(base *tls.Config, cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
	stampIssued(ss, time.Now())
	return base.EncryptTicket(cs, ss)
}

// openFresh opens a ticket with base's keys; an expired one yields a full
// handshake (nil, nil), as one it cannot open does.
func openFresh(base *tls.Config, identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
	ss, err := base.DecryptTicket(identity, cs)
	if err != nil || ss == nil || !fresh(base, ss, time.Now()) {
		return nil, err
	}
	return ss, nil
}
