package xfer

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
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
