//go:build !race

package loop

import (
	"testing"

	"github.com/panjf2000/gnet/v2"
)

// fakeConn is the part of gnet.Conn the command path uses. Methods it does
// not define panic through the nil embedded interface, so a test notices
// if the path starts using more.
type fakeConn struct {
	gnet.Conn
	in, out []byte
}

func (f *fakeConn) Peek(int) ([]byte, error) { return f.in, nil }
func (f *fakeConn) Discard(n int) (int, error) {
	f.in = f.in[n:]
	return n, nil
}
func (f *fakeConn) InboundBuffered() int  { return len(f.in) }
func (f *fakeConn) OutboundBuffered() int { return 0 }
func (f *fakeConn) Write(b []byte) (int, error) {
	f.out = append(f.out[:0], b...)
	return len(b), nil
}

// TestNOOPAllocatesNothing holds the parse, dispatch and reply path of a
// simple command to zero allocations.
func TestNOOPAllocatesNothing(t *testing.T) {
	srv := &Server{cfg: Config{}}
	fc := &fakeConn{out: make([]byte, 0, 64)}
	s := newSession(srv, fc, 1, addrPortOf(nil), addrPortOf(nil), []*vhost{{Host: &Host{}}})
	line := []byte("NOOP\r\n")
	buf := make([]byte, len(line))
	allocs := testing.AllocsPerRun(1000, func() {
		fc.in = append(buf[:0], line...)
		if a := s.traffic(); a != gnet.None {
			t.Fatalf("action %v", a)
		}
	})
	if string(fc.out) != "200 NOOP ok.\r\n" {
		t.Fatalf("reply %q", fc.out)
	}
	if allocs != 0 {
		t.Errorf("NOOP path allocates %.1f times, want 0", allocs)
	}
}

func BenchmarkNOOP(b *testing.B) {
	srv := &Server{cfg: Config{}}
	fc := &fakeConn{out: make([]byte, 0, 64)}
	s := newSession(srv, fc, 1, addrPortOf(nil), addrPortOf(nil), []*vhost{{Host: &Host{}}})
	line := []byte("NOOP\r\n")
	buf := make([]byte, len(line))
	b.ReportAllocs()
	for b.Loop() {
		fc.in = append(buf[:0], line...)
		s.traffic()
	}
}
