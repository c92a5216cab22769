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
// connection may resume a session from an earlier one; its new tickets then carry the new id.
func ControlConfig(base *tls.Config, id uint64) *tls.Config {
	cfg := base.Clone()
	cfg.WrapSession = wrapFor(base, id)
	cfg.UnwrapSession = func(identity []byte, cs tls.ConnectionState) (*tls.SessionState, error) {
		return openFresh(base, identity, cs)
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
		if err != nil || ss == nil || !tagged(ss.Extra, id) {
			return nil, nil
		}
		return ss, nil
	}
	return cfg
}

// Resumed reports whether a data connection's handshake resumed a session (that DataConfig only
// allows for the control session's own tickets).
func Resumed(cs tls.ConnectionState) bool { return cs.DidResume }
