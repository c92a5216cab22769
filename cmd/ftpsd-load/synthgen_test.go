package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"testing"
)

// TestSynthGenPublishedDigest: the SHA-256 of the first MiB of 1M.bin with
// the empty seed is the digest README.md publishes for ftpsd's synthetic
// files (computed there with the Python reference), so this generator and
// the server's agree on the definition, not on shared code.
func TestSynthGenPublishedDigest(t *testing.T) {
	const published = "c62c0c4f569be7d987405f2d887ef922043bb309932ecf96a5f1ea23a74f01fd"
	b := make([]byte, 1<<20)
	newSynthGen(nil, "1M.bin").Fill(b, 0)
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != published {
		t.Errorf("SHA-256 of 1M.bin = %s, want the published %s", got, published)
	}
}

// naive is the definition byte by byte, for comparison with Fill's
// word-at-a-time loop.
func naive(seed []byte, name string, off int64, n int) []byte {
	key := sha256.Sum256(append(append(append([]byte{}, seed...), 0), name...))
	var pat []byte
	for j := range 2048 {
		var le [4]byte
		binary.LittleEndian.PutUint32(le[:], uint32(j))
		s := sha256.Sum256(append(key[:], le[:]...))
		pat = append(pat, s[:]...)
	}
	out := make([]byte, n)
	for i := range out {
		o := off + int64(i)
		var tw [8]byte
		binary.LittleEndian.PutUint64(tw[:], uint64(o/65536+1)*0x9E3779B97F4A7C15)
		out[i] = pat[o%65536] ^ tw[o%8]
	}
	return out
}

func TestSynthGenMatchesDefinition(t *testing.T) {
	tests := []struct {
		name, seed string
		off        int64
		n          int
	}{
		{"1K.bin", "", 0, 1024},
		{"1G.bin", "", 65536 - 5, 17},      // across a block boundary, unaligned
		{"run7-100M.dat", "s", 3, 200000},  // unaligned start, several blocks
		{"4K.bin", "seed", 1 << 33, 70000}, // far offset
	}
	for _, tt := range tests {
		got := make([]byte, tt.n)
		newSynthGen([]byte(tt.seed), tt.name).Fill(got, tt.off)
		if want := naive([]byte(tt.seed), tt.name, tt.off, tt.n); !bytes.Equal(got, want) {
			t.Errorf("%s seed %q at %d: Fill differs from the definition", tt.name, tt.seed, tt.off)
		}
	}
	a, b := make([]byte, 64), make([]byte, 64)
	newSynthGen(nil, "1K.bin").Fill(a, 0)
	newSynthGen([]byte("x"), "1K.bin").Fill(b, 0)
	if bytes.Equal(a, b) {
		t.Error("the seed does not change the content")
	}
}
