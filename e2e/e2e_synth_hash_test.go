package e2e

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
)

// TestSynthHash: HASH and the X* commands answer for synthetic files from
// their generator, with the digests of the bytes RETR sends; a directory
// and a sink name are refused as a real directory or a missing file are.
func TestSynthHash(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: synthArgs})
	c := s.dial(t)
	c.must("USER anonymous", 331)
	c.must("PASS ftp@example.com", 230)
	data, r := c.retr("RETR /synthetic/1M.bin")
	if r.code != 226 || len(data) != 1<<20 {
		t.Fatalf("RETR: %v, %d bytes", r, len(data))
	}
	sum := sha256.Sum256(data)
	want := fmt.Sprintf("SHA-256 0-%d %s /synthetic/1M.bin", len(data)-1, hex.EncodeToString(sum[:]))
	if got := c.must("HASH /synthetic/1M.bin", 213); !strings.HasSuffix(got.msg, want) {
		t.Errorf("HASH: %q, want %q", got.msg, want)
	}
	part := md5.Sum(data[1000:5000])
	if got := c.must("XMD5 /synthetic/1M.bin 1000 5000", 250); !strings.HasSuffix(got.msg, strings.ToUpper(hex.EncodeToString(part[:]))) {
		t.Errorf("XMD5 of a range: %q", got.msg)
	}
	c.must("HASH /synthetic/tree", 553)
	c.must("HASH /sink/1M.bin", 550)
	c.must("HASH /synthetic/nope.bin", 550)
}
