//go:build !race

package loop

import (
	"testing"

	"github.com/panjf2000/gnet/v2"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/xfer"
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
	s, fc := noopSession(Config{})
	if allocs := noopAllocs(t, s, fc, 1000); allocs != 0 {
		t.Errorf("NOOP path allocates %.1f times, want 0", allocs)
	}
}

// noopSession is a session of a server with cfg on a fake connection.
func noopSession(cfg Config) (*Session, *fakeConn) {
	fc := &fakeConn{out: make([]byte, 0, 64)}
	return newSession(&Server{cfg: cfg}, fc, 1, addrPortOf(nil), addrPortOf(nil), []*vhost{{Host: &Host{}}}), fc
}

// noopAllocs feeds s a NOOP through the loop's traffic path runs times
// (and once more, AllocsPerRun's warm-up), checks the reply and returns
// the allocations per run.
func noopAllocs(t *testing.T, s *Session, fc *fakeConn, runs int) float64 {
	t.Helper()
	line := []byte("NOOP\r\n")
	buf := make([]byte, len(line))
	allocs := testing.AllocsPerRun(runs, func() {
		fc.in = append(buf[:0], line...)
		if a := s.traffic(); a != gnet.None {
			t.Fatalf("action %v", a)
		}
	})
	if string(fc.out) != "200 NOOP ok.\r\n" {
		t.Fatalf("reply %q", fc.out)
	}
	return allocs
}

// TestPathCommandAccessAllocatesNothing: a path command takes the login's
// authorization checker as login built it, so a host with an Authorizer
// costs it no allocation on the loop. The worker pool is closed: the
// command stops at 450 before any job runs, so every allocation counted is
// the loop's (the path, the job), the same with and without an Authorizer.
func TestPathCommandAccessAllocatesNothing(t *testing.T) {
	allocs := func(az Authorizer) float64 {
		pool, err := xfer.NewPool(1, nil)
		if err != nil {
			t.Fatal(err)
		}
		pool.Close()
		srv := &Server{cfg: Config{}, pool: pool}
		fc := &fakeConn{out: make([]byte, 0, 64)}
		s := newSession(srv, fc, 1, addrPortOf(nil), addrPortOf(nil), []*vhost{{Host: &Host{Authorize: az}}})
		s.login = loginChecking
		s.enterAs(auth.Identity{User: "alice"}, xfer.Entry{Cwd: "/"})
		if s.login != loginDone || (s.acc != nil) != (az != nil) {
			t.Fatalf("login: state %v, checker %v with Authorizer %v", s.login, s.acc, az)
		}
		line := []byte("SIZE file\r\n")
		buf := make([]byte, len(line))
		n := testing.AllocsPerRun(1000, func() {
			fc.in = append(buf[:0], line...)
			if a := s.traffic(); a != gnet.None {
				t.Fatalf("action %v", a)
			}
		})
		if string(fc.out) != "450 Server busy, try again later.\r\n" {
			t.Fatalf("reply %q", fc.out)
		}
		return n
	}
	without, with := allocs(nil), allocs(denyPaths{"/"})
	if with != without {
		t.Errorf("SIZE allocates %.1f times with an Authorizer, %.1f without: want the same", with, without)
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
