package xfer

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestTransferResetAfter: with ResetAfter a download stops at that many
// bytes with a connection error (426), both from a file (no sendfile then)
// and from the synthetic tree, and so does an upload.
func TestTransferResetAfter(t *testing.T) {
	data := strings.Repeat("0123456789", 100000)
	f, _ := rootFS(t, map[string]string{"big.bin": data})
	s := synthFS(t)
	for _, c := range []struct {
		name string
		op   TransferOp
		path string
	}{{"file", Retr, "/big.bin"}, {"synthetic", Retr, "/synthetic/1M.bin"}, {"upload", Stor, "/up.bin"}, {"sink", Stor, "/sink/1M.bin"}} {
		t.Run(c.name, func(t *testing.T) {
			d, _ := passive(t)
			// The reset may come before connect(2) returns: a dial that
			// fails with it is the fault seen early, not a test error.
			dial := func() net.Conn {
				c, err := net.Dial("tcp", d.Passive.Addr().String())
				if err != nil && !errors.Is(err, syscall.ECONNRESET) {
					t.Error(err)
				}
				return c
			}
			tr := &Transfer{Op: c.op, FS: f, Synth: s, Path: c.path, Verb: c.op.String(), Data: d, ResetAfter: 123457}
			var got int64
			var cerr error
			o := runWithClient(t, tr, dial, func(conn net.Conn) {
				if c.op == Retr {
					got, cerr = io.Copy(io.Discard, conn)
					return
				}
				n, err := conn.Write([]byte(data))
				got, cerr = int64(n), err
				_, _ = io.Copy(io.Discard, conn) // until the reset
			})
			if o.Kind != Aborted || !errors.Is(o.Err, ErrInjectedReset) {
				t.Errorf("outcome %v (%v), want Aborted by ErrInjectedReset", o.Kind, o.Err)
			}
			if c.op == Retr && (got > 123457 || cerr == nil && got == int64(len(data))) {
				t.Errorf("client read %d bytes (%v): the reset after 123457 did not cut it", got, cerr)
			}
			if m := tr.Moved.Load(); m != 123457 {
				t.Errorf("Moved %d, want 123457", m)
			}
		})
	}
}

// TestTransferStallAndNoAccept: a stalled download moves StallAfter bytes,
// then nothing until the idle time has passed (426); a passive listener
// that never accepts answers 425 after the data timeout.
func TestTransferStallAndNoAccept(t *testing.T) {
	f, _ := rootFS(t, nil)
	s := synthFS(t)
	d, dial := passive(t)
	d.Idle = 300 * time.Millisecond
	tr := &Transfer{Op: Retr, FS: f, Synth: s, Path: "/synthetic/1M.bin", Verb: "RETR", Data: d, StallAfter: 70000}
	start := time.Now()
	var got int64
	o := runWithClient(t, tr, dial, func(conn net.Conn) { got, _ = io.Copy(io.Discard, conn) })
	if o.Kind != Aborted || !errors.Is(o.Err, ErrInjectedStall) || got != 70000 || tr.Moved.Load() != 70000 {
		t.Errorf("stall: %v (%v), client read %d, moved %d; want Aborted after 70000", o.Kind, o.Err, got, tr.Moved.Load())
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Errorf("the stall ended after %v, before the 300ms idle time", el)
	}

	d, _ = passive(t)
	d.Timeout = 300 * time.Millisecond
	addr := d.Passive.Addr().String()
	tr = &Transfer{Op: Retr, FS: f, Synth: s, Path: "/synthetic/1M.bin", Verb: "RETR", Data: d, NoAccept: true}
	read := make(chan int64, 1)
	go func() {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			read <- -1
			return
		}
		defer c.Close()
		n, _ := io.Copy(io.Discard, c)
		read <- n
	}()
	start = time.Now()
	o = tr.Run(context.Background(), &progress{})
	if o.Kind != NoData || !errors.Is(o.Err, ErrInjectedNoAccept) {
		t.Errorf("no accept: %v (%v), want NoData", o.Kind, o.Err)
	}
	if el := time.Since(start); el < 300*time.Millisecond {
		t.Errorf("answered after %v, before the 300ms data timeout", el)
	}
	if n := within(t, 10*time.Second, read); n > 0 {
		t.Errorf("the client read %d bytes from a connection never accepted", n)
	}
}
