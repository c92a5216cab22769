package tlsstate

import (
	"bytes"
	"crypto/tls"
	"encoding/binary"
)

// A session tag binds a TLS session ticket to one control session. It is one entry of
// tls.SessionState.Extra (which crypto/tls ignores and other code may use too, so the tag is
// appended, never written over the slice): tagPrefix followed by the control session id, big-endian.
const tagPrefix = "ftpsd/control-session\x00"

func appendTag(dst []byte, id uint64) []byte {
	dst = append(dst, tagPrefix...)
	return binary.BigEndian.AppendUint64(dst, id)
}

// tagged reports whether extra carries the tag of session id.
func tagged(extra [][]byte, id uint64) bool {
	var want [len(tagPrefix) + 8]byte
	appendTag(want[:0], id)
	for _, e := range extra {
		if bytes.Equal(e, want[:]) {
			return true
		}
	}
	return false
}

// wrapFor returns a WrapSession that tags tickets with id and seals them with base's keys.
func wrapFor(base *tls.Config, id uint64) func(tls.ConnectionState, *tls.SessionState) ([]byte, error) {
	return func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		if !tagged(ss.Extra, id) {
			ss.Extra = append(ss.Extra, appendTag(nil, id))
		}
		return sealFresh(base, cs, ss)
	}
}

// ControlConfig returns a clone of base for the control connection of session id. Tickets it issues
// carry the session's tag and are sealed with base's keys, so the data connections of the same
// session (DataConfig) can resume them. It resumes any ticket sealed with base's keys: a control
// connection may resume a session from an earlier one; its new tickets then carry the new id, and,
// as inherited tags (datacfg_lineage.go), the sessions the resumed ticket was issued to, which only
// UserDataConfig reads.
//
// The config serves one handshake: its UnwrapSession and WrapSession run on that handshake's
// goroutine, one after the other, and share what was resumed through a variable of this call.
func ControlConfig(base *tls.Config, id uint64) *tls.Config {
	cfg := base.Clone()
	var from []uint64 // the sessions of the ticket offered, set by UnwrapSession
	tag := wrapFor(base, id)
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := openFresh(base, identity, cs)
		if err == nil && ss != nil {
			from = lineage(ss.Extra, from[:0])
		}
		return ss, err
	}
	cfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		if cs.DidResume {
			ss.Extra = appendInherited(ss.Extra, id, from)
		}
		return tag(cs, ss)
	}
	return cfg
}

// DataConfig returns a clone of base for the data connections of session id. It resumes only tickets
// tagged with id; any other ticket (another session's, or one it cannot open) yields a full
// handshake, which the caller refuses with 522 when resumption is required (see Resumed).
//
// A data connection that resumed issues tickets with the same tag, so the next one resumes too. One
// that did a full handshake issues untagged tickets: otherwise whoever connects to a passive port
// first could take the 522, then come back with a ticket of the session it does not own.
func DataConfig(base *tls.Config, id uint64) *tls.Config {
	return dataConfig(base, id, nil)
}

// UserDataConfig is DataConfig with the "user" binding: besides session id's own tickets it resumes
// a ticket tagged with any session that owners says belongs, at handshake time, to the same owner as
// session id (Owners.Same: both open, same host, user and client address). The tags a ticket
// inherited count too: a control connection that resumed a ticket of session A proved it held A's
// ticket, so its own tickets vouch for whoever holds them as A's would, even while its own login is
// still being checked (rclone opens its connections at once, all from one cache). Clients that keep one
// TLS session cache for all their connections (rclone 1.60) offer such tickets. A thief still needs
// a ticket ftpsd issued to the victim's own account, from the victim's address, while that session
// is open; a ticket of a closed session or of a session that logged out is refused.
func UserDataConfig(base *tls.Config, id uint64, owners *Owners) *tls.Config {
	return dataConfig(base, id, func(tag uint64) bool { return owners.Same(id, tag) })
}

// dataConfig builds DataConfig and UserDataConfig: sibling, when set, reports whether a ticket
// tagged with another session may be resumed too. Its UnwrapSession runs on the worker that
// serves the data connection's handshake, so sibling must be safe there and must not block.
func dataConfig(base *tls.Config, id uint64, sibling func(tag uint64) bool) *tls.Config {
	cfg := base.Clone()
	tag := wrapFor(base, id)
	cfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		if !cs.DidResume {
			return sealFresh(base, cs, ss)
		}
		return tag(cs, ss)
	}
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		ss, err := openFresh(base, identity, cs)
		if err != nil || ss == nil {
			return nil, nil
		}
		if tagged(ss.Extra, id) || (sibling != nil && anyLineage(ss.Extra, sibling)) {
			return ss, nil
		}
		return nil, nil
	}
	return cfg
}

// Resumed reports whether a data connection's handshake resumed a session (that DataConfig only
// allows for the control session's own tickets, UserDataConfig also for its owner's other open
// sessions').
func Resumed(cs tls.ConnectionState) bool { return cs.DidResume }
