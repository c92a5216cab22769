package tlsstate

import "encoding/binary"

// An inherited tag records, on a ticket a control connection issues after resuming, a session the
// resumed ticket was issued to: inheritedPrefix followed by that session's id, big-endian. Only
// UserDataConfig reads inherited tags; DataConfig (the strict binding) looks at the tag of the
// session that issued the ticket alone.
//
// Clients that share one TLS session cache across connections (rclone 1.60) open several control
// connections at once: the second resumes the first's ticket and its new ticket replaces it in the
// cache, so the first's data connection offers the second's ticket while the second's PASS may
// still be checked. With the inherited tag the ticket names the first session too, whose owner is
// known.
const inheritedPrefix = "ftpsd/resumed-session\x00"

// maxInherited bounds the inherited tags on one ticket. A long-lived client that reconnects through
// one cache would otherwise grow its tickets without end; the latest sessions are the ones likely
// still open.
const maxInherited = 3

// tagID returns the session id of a tag (issuer or inherited) and whether e is one.
func tagID(e []byte, prefix string) (uint64, bool) {
	if len(e) != len(prefix)+8 || string(e[:len(prefix)]) != prefix {
		return 0, false
	}
	return binary.BigEndian.Uint64(e[len(prefix):]), true
}

// lineage appends to dst the sessions extra names: the issuer's tag first, then the inherited
// ones, in their order.
func lineage(extra [][]byte, dst []uint64) []uint64 {
	for _, prefix := range [...]string{tagPrefix, inheritedPrefix} {
		for _, e := range extra {
			if id, ok := tagID(e, prefix); ok {
				dst = append(dst, id)
			}
		}
	}
	return dst
}

// appendInherited appends to extra an inherited tag for each session of from (most recent first),
// leaving out self and repeats, at most maxInherited of them.
func appendInherited(extra [][]byte, self uint64, from []uint64) [][]byte {
	n := 0
	for i, id := range from {
		if n == maxInherited {
			break
		}
		if id == self || containsID(from[:i], id) {
			continue
		}
		e := make([]byte, 0, len(inheritedPrefix)+8)
		e = append(e, inheritedPrefix...)
		extra = append(extra, binary.BigEndian.AppendUint64(e, id))
		n++
	}
	return extra
}

func containsID(ids []uint64, id uint64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// anyLineage reports whether extra names, as issuer or inherited, a session ok accepts.
func anyLineage(extra [][]byte, ok func(uint64) bool) bool {
	for _, e := range extra {
		id, isTag := tagID(e, tagPrefix)
		if !isTag {
			id, isTag = tagID(e, inheritedPrefix)
		}
		if isTag && ok(id) {
			return true
		}
	}
	return false
}
