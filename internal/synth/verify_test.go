package synth

import (
	"bytes"
	"io"
	"testing"
)

func TestVerifier(t *testing.T) {
	const size = 300000
	good := make([]byte, size)
	g := NewGen(nil, "300000.bin")
	g.Fill(good, 0)
	corrupt := append([]byte(nil), good...)
	corrupt[200000] ^= 0x40
	for _, c := range []struct {
		name    string
		gen     *Gen
		data    []byte
		off     int64
		verdict Verdict
		at      int64
	}{
		{"intact", g, good, 0, Match, size},
		{"from an offset", g, good[123456:], 123456, Match, size},
		{"corrupted byte", g, corrupt, 0, Differs, 200000},
		{"corrupted after an offset", g, corrupt[150000:], 150000, Differs, 200000},
		{"short", g, good[:size-1], 0, Short, size - 1},
		{"empty", g, nil, 0, Short, 0},
		{"long", g, append(append([]byte(nil), good...), 0), 0, Long, size},
		{"wrong offset", g, good[1000:], 999, Differs, 999},
		{"unchecked", nil, corrupt, 0, Unchecked, size},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := NewVerifier(c.gen, c.off, size, make([]byte, 4096))
			// Written in uneven pieces, as a socket delivers them.
			for b := c.data; len(b) > 0; {
				n := min(len(b), 7777)
				if w, err := v.Write(b[:n]); w != n || err != nil {
					t.Fatalf("Write: %d, %v", w, err)
				}
				b = b[n:]
			}
			if verdict, at := v.Verdict(); verdict != c.verdict || at != c.at {
				t.Errorf("verdict %d at %d, want %d at %d", verdict, at, c.verdict, c.at)
			}
		})
	}
}

func TestReaderAt(t *testing.T) {
	g := NewGen(nil, "100000.bin")
	want := make([]byte, 100000)
	g.Fill(want, 0)
	r := NewReaderAt(g, 100000)
	got, err := io.ReadAll(io.NewSectionReader(r, 12345, 100000))
	if err != nil || !bytes.Equal(got, want[12345:]) {
		t.Errorf("section from 12345: %d bytes, %v", len(got), err)
	}
	if n, err := r.ReadAt(make([]byte, 10), 100000); n != 0 || err != io.EOF {
		t.Errorf("ReadAt at the size: %d, %v", n, err)
	}
	if n, err := r.ReadAt(make([]byte, 10), 99995); n != 5 || err != io.EOF {
		t.Errorf("ReadAt across the end: %d, %v", n, err)
	}
}
