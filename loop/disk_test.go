package loop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// smallFS mounts a tmpfs of size bytes on a new directory and returns it;
// the test is skipped where the process may not mount (it needs root or
// CAP_SYS_ADMIN). The mount is undone at cleanup, after the servers the
// test starts later have stopped (cleanups run last-in first-out).
func smallFS(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0755", size)); err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v): the full-disk path is covered by TestFullDiskReplies", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestFullDiskDuringSTOR fills a real 1 MiB file system with uploads: each
// is answered 452 (or 552), and leaves nothing behind, neither under its
// final name nor as a hidden temporary; the space is free again for the
// next upload, and an older file of the same name is untouched.
func TestFullDiskDuringSTOR(t *testing.T) {
	root := smallFS(t, 1<<20)
	addr, _ := startServer(t, Config{Host: Host{Root: root}})
	writeFile(t, root, "old.bin", "previous version")
	big := bytes.Repeat([]byte("x"), 4<<20)
	c := dial(t, addr)
	c.login("alice", "secret")
	for _, tt := range []struct{ cmd, name string }{
		{"STOR new.bin", "new.bin"},
		{"STOR old.bin", "old.bin"},
		{"STOU", ""},
		{"STOR dir-less.bin", "dir-less.bin"},
	} {
		d := c.epsv()
		c.cmd(150, "%s", tt.cmd)
		// The server stops reading when the disk is full: the write may
		// fail then, which is fine.
		_, _ = d.Write(big)
		d.Close()
		code, msg, _ := c.tp.ReadResponse(0)
		if code != int(codec.CodeInsufficientStorage) && code != int(codec.CodeExceededStorage) {
			t.Errorf("%s on a full disk: %d %s, want 452 or 552", tt.cmd, code, msg)
		}
	}
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "old.bin" {
		t.Errorf("after the failed uploads the root holds %q, want only old.bin", names)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "old.bin")); string(b) != "previous version" {
		t.Errorf("old.bin = %q, want the previous version intact", b)
	}
	// The space came back: a small upload fits.
	d := c.epsv()
	c.cmd(150, "STOR small.bin")
	_, _ = io.WriteString(d, "fits")
	d.Close()
	c.expect(226)
}

// TestFullDiskReplies: where no small file system can be mounted, the
// reply path is still checked through /dev/full, whose writes fail with
// ENOSPC: the copy kernel reports it as the file's error, not the
// connection's, and it becomes 452; a file too large (EFBIG) becomes 552.
func TestFullDiskReplies(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	defer full.Close()
	srv, cl := tcpPairLoop(t)
	go func() {
		_, _ = cl.Write(bytes.Repeat([]byte("y"), 1<<20))
		cl.Close()
	}()
	// Receive reads the socket and writes what came to the file, whose
	// first write fails. A real file system filling up is
	// TestFullDiskDuringSTOR's.
	_, err = xfer.Receive(full, struct{ net.Conn }{srv}, false, nil, nil)
	if !errors.Is(err, syscall.ENOSPC) || errors.Is(err, xfer.ErrDataConn) {
		t.Fatalf("receive into /dev/full: %v, want ENOSPC and not a data-connection error", err)
	}
	if o := xfer.Fail(err); o.Kind != xfer.NoSpace {
		t.Errorf("ENOSPC: outcome %v, want NoSpace", o.Kind)
	}
	o := xfer.Fail(err)
	if r := outcomeReply(&o); r.Code != codec.CodeInsufficientStorage {
		t.Errorf("ENOSPC: %d %s, want 452", r.Code, r.Msg)
	}
	o = xfer.Fail(fmt.Errorf("write: %w", syscall.EFBIG))
	if r := outcomeReply(&o); r.Code != codec.CodeExceededStorage || strings.Contains(r.Msg, "file too large") {
		t.Errorf("EFBIG: %d %s, want 552 without the error text", r.Code, r.Msg)
	}
}

// tcpPairLoop returns the accepted and the dialled end of a loopback TCP
// connection.
func tcpPairLoop(t *testing.T) (accepted, dialled net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dialled, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	if accepted, err = ln.Accept(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accepted.Close(); dialled.Close() })
	return accepted, dialled
}
