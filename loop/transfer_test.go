package loop

import (
	"bytes"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// epsv opens a passive data connection through EPSV; the reply is parsed
// by testserver, not by the codec under test.
func (cl *client) epsv() net.Conn {
	cl.t.Helper()
	msg := cl.cmd(229, "EPSV")
	port, ok := testserver.EPSVPort(msg)
	if !ok {
		cl.t.Fatalf("EPSV: no (|||port|) in %q", msg)
	}
	host, _, _ := net.SplitHostPort(cl.c.RemoteAddr().String())
	d, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		cl.t.Fatal(err)
	}
	cl.t.Cleanup(func() { d.Close() })
	return d
}

func randomFile(t *testing.T, root, name string, size int) []byte {
	t.Helper()
	data := make([]byte, size)
	_, _ = rand.Read(data)
	if err := os.WriteFile(filepath.Join(root, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return data
}

func TestRetrStorRoundTrip(t *testing.T) {
	addr, root := startServer(t, Config{})
	want := randomFile(t, root, "blob", 3<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	cl.cmd(200, "TYPE I")

	d := cl.epsv()
	cl.cmd(150, "RETR blob")
	got, err := io.ReadAll(d)
	if err != nil {
		t.Fatal(err)
	}
	cl.expect(226)
	if !bytes.Equal(got, want) {
		t.Fatalf("RETR: got %d bytes, want %d identical", len(got), len(want))
	}

	d = cl.epsv()
	cl.cmd(150, "STOR copy")
	if _, err := d.Write(want); err != nil {
		t.Fatal(err)
	}
	d.Close()
	cl.expect(226)
	stored, err := os.ReadFile(filepath.Join(root, "copy"))
	if err != nil || !bytes.Equal(stored, want) {
		t.Fatalf("STOR: stored %d bytes (err %v), want %d identical", len(stored), err, len(want))
	}

	// REST resumes a download at an offset.
	cl.cmd(350, "REST 1000")
	d = cl.epsv()
	cl.cmd(150, "RETR blob")
	got, _ = io.ReadAll(d)
	cl.expect(226)
	if !bytes.Equal(got, want[1000:]) {
		t.Fatalf("REST+RETR: got %d bytes, want %d", len(got), len(want)-1000)
	}
}

// TestAbortDuringTransfer: ABOR while RETR streams gets 426 for the
// transfer, then 226 for ABOR, and the session carries on.
func TestAbortDuringTransfer(t *testing.T) {
	addr, root := startServer(t, Config{})
	randomFile(t, root, "big", 64<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	cl.cmd(150, "RETR big")
	if _, err := io.ReadFull(d, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	// The client stops reading; ABOR must still get through.
	cl.cmd(426, "ABOR")
	cl.expect(226)
	cl.cmd(200, "NOOP")
}

// TestSTATDuringTransfer: STAT answers while a transfer is running.
func TestSTATDuringTransfer(t *testing.T) {
	addr, root := startServer(t, Config{})
	randomFile(t, root, "big", 16<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	cl.cmd(150, "RETR big")
	if _, err := io.ReadFull(d, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	msg := cl.cmd(211, "STAT")
	if !strings.Contains(msg, "Transfer in progress") {
		t.Errorf("STAT during transfer: %q", msg)
	}
	if _, err := io.Copy(io.Discard, d); err != nil {
		t.Fatal(err)
	}
	cl.expect(226)
}

// TestCommandWaitsForTransfer: a command sent during a transfer that is
// not ABOR/STAT/NOOP/QUIT is answered after the transfer's 226.
func TestCommandWaitsForTransfer(t *testing.T) {
	addr, root := startServer(t, Config{})
	randomFile(t, root, "big", 8<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	cl.cmd(150, "RETR big")
	if err := cl.tp.PrintfLine("PWD"); err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, d); err != nil {
		t.Fatal(err)
	}
	cl.expect(226)
	cl.expect(257)
}

// TestSlowTransferOutlivesIdleTimeout: a running transfer keeps the
// control connection from being swept as idle.
func TestSlowTransferOutlivesIdleTimeout(t *testing.T) {
	addr, root := startServer(t, Config{IdleTimeout: 200 * time.Millisecond})
	want := randomFile(t, root, "f", 4<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	cl.cmd(150, "RETR f")
	time.Sleep(600 * time.Millisecond)
	got, err := io.ReadAll(d)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %d bytes (err %v), want %d", len(got), err, len(want))
	}
	cl.expect(226)
}

// TestFailedUploadKeepsOldFile: an aborted STOR leaves the previous file
// intact and no partial file under the final name.
func TestFailedUploadKeepsOldFile(t *testing.T) {
	addr, root := startServer(t, Config{})
	writeFile(t, root, "keep", "old contents")
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	cl.cmd(150, "STOR keep")
	if _, err := d.Write(bytes.Repeat([]byte("x"), 1<<20)); err != nil {
		t.Fatal(err)
	}
	cl.cmd(426, "ABOR")
	cl.expect(226)
	got, _ := os.ReadFile(filepath.Join(root, "keep"))
	if string(got) != "old contents" {
		t.Errorf("after aborted STOR the file holds %d bytes, want the old contents", len(got))
	}
	entries, _ := os.ReadDir(root)
	if len(entries) != 1 {
		t.Errorf("root holds %d entries after an aborted STOR, want 1", len(entries))
	}
}

// TestStalledTransferIsAborted: a client that opens the data connection
// and never reads gets 426 once nothing moved for DataIdleTimeout, and the
// session goes on.
func TestStalledTransferIsAborted(t *testing.T) {
	addr, root := startServer(t, Config{DataIdleTimeout: 300 * time.Millisecond})
	randomFile(t, root, "big", 64<<20)
	cl := dial(t, addr)
	cl.login("alice", "secret")
	d := cl.epsv()
	if tc, ok := d.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	cl.cmd(150, "RETR big")
	cl.expect(426)
	cl.cmd(200, "NOOP")
}
