package synth

import (
	"crypto/sha256"
	"encoding/binary"
)

// BlockSize is the period of the generator's pattern: a stream is made of
// 64 KiB blocks, each the file's pattern with its block's tweak applied.
const BlockSize = 64 << 10

// tweakMul is the golden-ratio constant (2^64/φ) multiplied by the block
// number plus one: every block of a file gets a different non-zero tweak,
// so a block sent twice or out of place never matches.
const tweakMul = 0x9E3779B97F4A7C15

// Gen produces the content of one synthetic file. The definition, which
// README.md publishes with a Python reference:
//
//	key     = SHA-256(seed || 0x00 || name)          name: the file's base name, UTF-8
//	pattern = SHA-256(key || LE32(0)) || … || SHA-256(key || LE32(2047))   64 KiB
//	block b = pattern XOR (LE64((b+1) * 0x9E3779B97F4A7C15 mod 2^64) repeated 8192 times)
//	byte at offset o = block (o / 65536), byte (o mod 65536)
//
// It was chosen for speed and to be re-implemented in a few lines with
// nothing but a standard library: hashing happens once per file (at most 2048
// SHA-256 calls), and each output byte then costs one XOR of a 64-bit word,
// several GB/s on one core, so the generator never limits a download.
// A Gen is read-only after New and safe for concurrent use.
type Gen struct {
	pat [BlockSize]byte
}

// NewGen returns the generator of the file called name (a base name) under
// seed. It costs 2048 SHA-256 calls.
func NewGen(seed []byte, name string) *Gen { return newGen(seed, name, BlockSize) }

// NewGenSized is NewGen for a file of size bytes: a file smaller than a
// block needs only the start of the pattern, one SHA-256 per 32 bytes, so
// a 1 KiB file costs 32 calls instead of 2048. Its Fill must not be asked
// for bytes at or past size.
func NewGenSized(seed []byte, name string, size int64) *Gen {
	return newGen(seed, name, int(max(0, min(size, BlockSize))))
}

// newGen computes the pattern's first n bytes (rounded up to a hash).
func newGen(seed []byte, name string, n int) *Gen {
	h := sha256.New()
	h.Write(seed)
	h.Write([]byte{0})
	h.Write([]byte(name))
	var in [sha256.Size + 4]byte
	h.Sum(in[:0])
	g := new(Gen)
	for j := 0; j < (n+sha256.Size-1)/sha256.Size; j++ {
		binary.LittleEndian.PutUint32(in[sha256.Size:], uint32(j))
		sum := sha256.Sum256(in[:])
		copy(g.pat[j*sha256.Size:], sum[:])
	}
	return g
}

func tweak(block int64) uint64 { return uint64(block+1) * tweakMul }

// Fill writes the stream's bytes from offset off into dst (all of it).
func (g *Gen) Fill(dst []byte, off int64) {
	for len(dst) > 0 {
		blk, in := off/BlockSize, int(off%BlockSize)
		n := min(len(dst), BlockSize-in)
		c := tweak(blk)
		var cb [8]byte
		binary.LittleEndian.PutUint64(cb[:], c)
		d, p := dst[:n], g.pat[in:in+n]
		i := 0
		for ; i < n && (in+i)%8 != 0; i++ {
			d[i] = p[i] ^ cb[(in+i)%8]
		}
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(d[i:], binary.LittleEndian.Uint64(p[i:])^c)
		}
		for ; i < n; i++ {
			d[i] = p[i] ^ cb[(in+i)%8]
		}
		dst, off = dst[n:], off+int64(n)
	}
}

// Mismatch returns the index of the first byte of b that differs from the
// stream at offset off, or -1 when all match. scratch, at least
// min(len(b), BlockSize) long, holds the expected bytes; no allocation.
func (g *Gen) Mismatch(b []byte, off int64, scratch []byte) int {
	done := 0
	for done < len(b) {
		n := min(len(b)-done, len(scratch))
		exp := scratch[:n]
		g.Fill(exp, off+int64(done))
		got := b[done : done+n]
		if string(got) != string(exp) {
			for i := range got {
				if got[i] != exp[i] {
					return done + i
				}
			}
		}
		done += n
	}
	return -1
}
