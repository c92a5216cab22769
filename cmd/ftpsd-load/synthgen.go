package main

import (
	"crypto/sha256"
	"encoding/binary"
)

// synthBlock is the period of ftpsd's synthetic content.
const synthBlock = 64 << 10

// synthGen is ftpsd's synthetic file content, written from the definition
// README.md publishes ("Synthetic files and the sink"), not from the
// server's code:
//
//	key     = SHA-256(seed || 0x00 || name)
//	pattern = SHA-256(key || LE32(0)) || … || SHA-256(key || LE32(2047))   64 KiB
//	block b = pattern XOR LE64((b+1) * 0x9E3779B97F4A7C15 mod 2^64), repeated
//
// synthgen_test.go checks it against the digest README quotes.
type synthGen struct {
	pat [synthBlock]byte
}

func newSynthGen(seed []byte, name string) *synthGen {
	h := sha256.New()
	h.Write(seed)
	h.Write([]byte{0})
	h.Write([]byte(name))
	in := h.Sum(make([]byte, 0, sha256.Size+4))[:sha256.Size+4]
	g := new(synthGen)
	for j := range synthBlock / sha256.Size {
		binary.LittleEndian.PutUint32(in[sha256.Size:], uint32(j))
		sum := sha256.Sum256(in)
		copy(g.pat[j*sha256.Size:], sum[:])
	}
	return g
}

// Fill writes the content from offset off into dst: per block, the
// pattern XOR its tweak, eight bytes at a time where aligned. Runs on the
// calling client's goroutine; g is read-only.
func (g *synthGen) Fill(dst []byte, off int64) {
	for len(dst) > 0 {
		blk, in := off/synthBlock, int(off%synthBlock)
		n := min(len(dst), synthBlock-in)
		tweak := uint64(blk+1) * 0x9E3779B97F4A7C15
		var tw [8]byte
		binary.LittleEndian.PutUint64(tw[:], tweak)
		d, p := dst[:n], g.pat[in:in+n]
		i := 0
		for ; i < n && (in+i)%8 != 0; i++ {
			d[i] = p[i] ^ tw[(in+i)%8]
		}
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(d[i:], binary.LittleEndian.Uint64(p[i:])^tweak)
		}
		for ; i < n; i++ {
			d[i] = p[i] ^ tw[(in+i)%8]
		}
		dst, off = dst[n:], off+int64(n)
	}
}
