package synth

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
)

// The vectors come from the Python reference published in README.md
// ("Synthetic files and the sink"), an implementation independent of this
// one: each is SHA-256 of the stream of name under seed from offset to size.
var genVectors = []struct {
	name, seed string
	size, off  int64
	sha256     string
}{
	{"1M.bin", "", 1 << 20, 0, "c62c0c4f569be7d987405f2d887ef922043bb309932ecf96a5f1ea23a74f01fd"},
	{"100M.bin", "", 100 << 20, 0, "517b642c58b32a1e0c019067036ec9b640e98e2f6ab399a6f1bcfb382b180627"},
	{"x-100K.bin", "s3ed", 100 << 10, 12345, "085aa3d61faf06ffc8a776f61524fb283cbcd118d1eb23c42d599733e951214b"},
	{"1K.bin", "", 1 << 10, 0, "d0e8a274450103a17f1138fa7190323a05c6a5f1f0ea83694deb944c013a7b03"},
}

func TestGenMatchesReference(t *testing.T) {
	for _, v := range genVectors {
		t.Run(v.name, func(t *testing.T) {
			h := sha256.New()
			buf := make([]byte, 100000) // not a multiple of the block: crosses blocks unaligned
			if _, err := io.CopyBuffer(h, NewReader(NewGen([]byte(v.seed), v.name), v.off, v.size), buf); err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != v.sha256 {
				t.Errorf("sha256 %s, want %s", got, v.sha256)
			}
		})
	}
}

func TestGenFirstBytes(t *testing.T) {
	b := make([]byte, 16)
	NewGen(nil, "1K.bin").Fill(b, 0)
	if got := hex.EncodeToString(b); got != "468de2141dd14d67ad955f37c3299ba6" {
		t.Errorf("first bytes %s", got)
	}
}

// TestGenOffsets: Fill at any offset and length gives the same bytes as one
// Fill of the whole range, across block boundaries, and the stream depends
// on the name, the seed and the block.
func TestGenOffsets(t *testing.T) {
	g := NewGen([]byte("seed"), "3M.bin")
	whole := make([]byte, 3*BlockSize+77)
	g.Fill(whole, 0)
	for _, c := range []struct{ off, n int }{{0, 1}, {1, 7}, {7, 9}, {BlockSize - 3, 6}, {BlockSize, BlockSize}, {12345, 2*BlockSize + 11}, {3*BlockSize + 70, 7}} {
		b := make([]byte, c.n)
		g.Fill(b, int64(c.off))
		if !bytes.Equal(b, whole[c.off:c.off+c.n]) {
			t.Errorf("Fill(%d bytes at %d) differs from the whole stream", c.n, c.off)
		}
	}
	if bytes.Equal(whole[:BlockSize], whole[BlockSize:2*BlockSize]) {
		t.Error("two blocks are equal")
	}
	other := make([]byte, 64)
	NewGen([]byte("seed"), "3M.bin.x").Fill(other, 0)
	if bytes.Equal(other, whole[:64]) {
		t.Error("another name gives the same bytes")
	}
	NewGen([]byte("seeD"), "3M.bin").Fill(other, 0)
	if bytes.Equal(other, whole[:64]) {
		t.Error("another seed gives the same bytes")
	}
	again := make([]byte, len(whole))
	NewGen([]byte("seed"), "3M.bin").Fill(again, 0)
	if !bytes.Equal(again, whole) {
		t.Error("the same name and seed give other bytes")
	}
}

func TestMismatch(t *testing.T) {
	g := NewGen(nil, "200K.bin")
	b := make([]byte, 200<<10)
	g.Fill(b, 0)
	scratch := make([]byte, 1000)
	if i := g.Mismatch(b, 0, scratch); i != -1 {
		t.Errorf("intact stream: mismatch at %d", i)
	}
	b[150001] ^= 1
	if i := g.Mismatch(b, 0, scratch); i != 150001 {
		t.Errorf("mismatch at %d, want 150001", i)
	}
	if i := g.Mismatch(b[150000:], 150000, scratch); i != 1 {
		t.Errorf("from an offset: mismatch at %d, want 1", i)
	}
}

// TestGenSized: a generator made for a small size gives the same bytes as
// the full one below that size.
func TestGenSized(t *testing.T) {
	full := NewGen([]byte("s"), "1000.bin")
	for _, size := range []int64{0, 1, 31, 32, 33, 1000, BlockSize - 1, BlockSize, 3 * BlockSize} {
		g := NewGenSized([]byte("s"), "1000.bin", size)
		n := min(size, 2*BlockSize)
		a, b := make([]byte, n), make([]byte, n)
		g.Fill(a, 0)
		full.Fill(b, 0)
		if !bytes.Equal(a, b) {
			t.Errorf("size %d: the sized generator differs", size)
		}
	}
}
