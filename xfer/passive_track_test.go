package xfer

import (
	"net/netip"
	"sync/atomic"
	"testing"
)

// TestPassiveTrack: a tracked listener is counted until it closes, once
// whatever closes it how often; one closed before Track is never counted.
func TestPassiveTrack(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	var g atomic.Int64
	p, err := Listen(lo, 0, 0, lo, 0)
	if err != nil {
		t.Fatal(err)
	}
	p.Track(&g)
	p.Track(&g) // twice: still one
	if n := g.Load(); n != 1 {
		t.Fatalf("open listener counted %d, want 1", n)
	}
	_ = p.Close()
	_ = p.Close()
	if n := g.Load(); n != 0 {
		t.Fatalf("closed listener counted %d, want 0", n)
	}

	q, err := Listen(lo, 0, 0, lo, 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = q.Close()
	q.Track(&g)
	if n := g.Load(); n != 0 {
		t.Fatalf("listener closed before Track counted %d, want 0", n)
	}
	q.Track(nil) // no gauge: nothing
}
