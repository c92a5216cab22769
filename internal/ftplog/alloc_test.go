//go:build !race

package ftplog

import (
	"io"
	"testing"
	"time"
)

func TestAppendAllocs(t *testing.T) {
	c := sampleCommand()
	c.Time = time.Now()     // the local zone, as in production
	c.Arg = "/pub/ü\n\"x\"" // the escaping path too
	x := sampleTransfer()
	x.Start = time.Now()
	x.Path = c.Arg
	buf := make([]byte, 0, 4096)
	for _, format := range []string{seedCommand, seedTransfer, allFormat} {
		f := mustCompile(t, format)
		if n := testing.AllocsPerRun(1000, func() { buf = f.AppendCommand(buf[:0], c) }); n != 0 {
			t.Errorf("AppendCommand %q: %v allocs, want 0", format, n)
		}
		if n := testing.AllocsPerRun(1000, func() { buf = f.AppendTransfer(buf[:0], x) }); n != 0 {
			t.Errorf("AppendTransfer %q: %v allocs, want 0", format, n)
		}
	}
}

func TestLoggerAllocs(t *testing.T) {
	w := New(io.Discard, Options{FlushEvery: time.Hour, MaxBuffered: 8 << 20})
	t.Cleanup(func() { w.Close() })
	l, err := NewLogger(
		Target{Format: mustCompile(t, seedCommand), W: w, Kind: Commands},
		Target{Format: mustCompile(t, seedTransfer), W: w, Kind: Transfers},
	)
	if err != nil {
		t.Fatal(err)
	}
	c, x := sampleCommand(), sampleTransfer()
	if n := testing.AllocsPerRun(1000, func() { l.Command(c) }); n != 0 {
		t.Errorf("Logger.Command: %v allocs, want 0", n)
	}
	if n := testing.AllocsPerRun(1000, func() { l.Transfer(x) }); n != 0 {
		t.Errorf("Logger.Transfer: %v allocs, want 0", n)
	}
}
