package tlsstate

import (
	"bytes"
	"encoding/binary"
	"slices"
	"testing"
)

// splitExtra turns fuzz bytes into tls.SessionState.Extra entries: a ticket's Extra comes from a
// client (inside a ticket sealed with the server's keys, but with entries other code may add), so
// every shape of entry is fair. Entries are separated by 0xff; a 0xfe byte stands for "the issuer
// tag prefix" and 0xfd for "the inherited prefix", so that the fuzzer reaches well-formed and
// near-miss tags (one byte short, one too long, a prefix alone) without guessing 22 bytes.
func splitExtra(raw []byte) [][]byte {
	var extra [][]byte
	for _, part := range bytes.Split(raw, []byte{0xff}) {
		var e []byte
		for _, c := range part {
			switch c {
			case 0xfe:
				e = append(e, tagPrefix...)
			case 0xfd:
				e = append(e, inheritedPrefix...)
			default:
				e = append(e, c)
			}
		}
		extra = append(extra, e)
	}
	return extra
}

// refTagID is tagID spelled out differently, for the fuzzer to compare against.
func refTagID(e []byte, prefix string) (uint64, bool) {
	rest, ok := bytes.CutPrefix(e, []byte(prefix))
	if !ok || len(rest) != 8 {
		return 0, false
	}
	var id uint64
	for _, c := range rest {
		id = id<<8 | uint64(c)
	}
	return id, true
}

// FuzzLineage parses random ticket extras as the -tls-reuse user binding does
// (datacfg_lineage.go). Whatever the entries: no panic; lineage lists exactly the entries that are
// issuer tags, then exactly those that are inherited tags, in order; anyLineage agrees with it;
// tagged finds the issuer tags; appendInherited keeps the entries it was given untouched, adds at
// most maxInherited tags that read back as the ids it was given (without self or repeats), and
// the result's lineage is the old one followed by those ids.
func FuzzLineage(f *testing.F) {
	f.Add([]byte("\xfe\x00\x00\x00\x00\x00\x00\x00\x07"), uint64(7), []byte("\x00\x00\x00\x00\x00\x00\x00\x01"))
	f.Add([]byte("\xfe12345678\xff\xfd87654321\xffother"), uint64(1), []byte("1234567887654321"))
	f.Add([]byte("\xfe1234567\xff\xfd123456789\xff\xfe\xff\xfd"), uint64(0), []byte(nil))
	f.Add([]byte("\xfd\xfe12345678\xff\xfe\xfd1234567"), uint64(42), []byte("aaaaaaaaaaaaaaaabbbbbbbbccccccccdddddddd"))
	f.Add([]byte("ftpsd/control-session\x0012345678"), uint64(3), []byte("\x00\x00\x00\x00\x00\x00\x00\x03"))
	f.Fuzz(func(t *testing.T, raw []byte, self uint64, fromRaw []byte) {
		extra := splitExtra(raw)
		var issuers, inherited []uint64
		for _, e := range extra {
			id, ok := tagID(e, tagPrefix)
			rid, rok := refTagID(e, tagPrefix)
			if ok != rok || id != rid {
				t.Fatalf("tagID(%q, issuer) = %d, %v; want %d, %v", e, id, ok, rid, rok)
			}
			if ok {
				issuers = append(issuers, id)
				if !tagged(extra, id) {
					t.Fatalf("tagged misses issuer %d in %q", id, extra)
				}
			}
			id, ok = tagID(e, inheritedPrefix)
			rid, rok = refTagID(e, inheritedPrefix)
			if ok != rok || id != rid {
				t.Fatalf("tagID(%q, inherited) = %d, %v; want %d, %v", e, id, ok, rid, rok)
			}
			if ok {
				inherited = append(inherited, id)
			}
		}
		want := append(slices.Clone(issuers), inherited...)
		got := lineage(extra, nil)
		if !slices.Equal(got, want) {
			t.Fatalf("lineage(%q) = %v, want %v", extra, got, want)
		}
		if prefix := []uint64{99}; !slices.Equal(lineage(extra, prefix), append([]uint64{99}, want...)) {
			t.Fatalf("lineage does not append to dst")
		}
		for _, id := range append(want, self) {
			if anyLineage(extra, func(x uint64) bool { return x == id }) != slices.Contains(want, id) {
				t.Fatalf("anyLineage(%q, ==%d) disagrees with lineage %v", extra, id, want)
			}
		}
		if anyLineage(extra, func(uint64) bool { return false }) {
			t.Fatalf("anyLineage accepted with a predicate that accepts nothing")
		}

		var from []uint64
		for i := 0; i+8 <= len(fromRaw); i += 8 {
			from = append(from, binary.BigEndian.Uint64(fromRaw[i:]))
		}
		before := make([][]byte, len(extra))
		for i, e := range extra {
			before[i] = slices.Clone(e)
		}
		out := appendInherited(extra[:len(extra):len(extra)], self, from)
		for i := range before {
			if !bytes.Equal(out[i], before[i]) || !bytes.Equal(extra[i], before[i]) {
				t.Fatalf("appendInherited changed entry %d: %q -> %q", i, before[i], out[i])
			}
		}
		var added []uint64
		for _, e := range out[len(extra):] {
			id, ok := tagID(e, inheritedPrefix)
			if !ok {
				t.Fatalf("appendInherited added %q, not an inherited tag", e)
			}
			if id == self || slices.Contains(added, id) || !slices.Contains(from, id) {
				t.Fatalf("appendInherited(self %d, from %v) added %d (so far %v)", self, from, id, added)
			}
			added = append(added, id)
		}
		if len(added) > maxInherited {
			t.Fatalf("appendInherited added %d tags, more than %d", len(added), maxInherited)
		}
		// It stops short only at maxInherited: every id it skipped is self or a repeat.
		var distinct []uint64
		for _, id := range from {
			if id != self && !slices.Contains(distinct, id) {
				distinct = append(distinct, id)
			}
		}
		if n := min(len(distinct), maxInherited); !slices.Equal(added, distinct[:n]) {
			t.Fatalf("appendInherited(self %d, from %v) added %v, want %v", self, from, added, distinct[:n])
		}
		wantAfter := append(slices.Clone(issuers), append(inherited, added...)...)
		if got := lineage(out, nil); !slices.Equal(got, wantAfter) {
			t.Fatalf("lineage after appendInherited = %v, want %v", got, wantAfter)
		}
	})
}
