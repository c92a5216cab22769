package loop

import (
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/testserver"
	"github.com/ftpsd/ftpsd/xfer"
)

// TestJobPanicClosesOnlyItsSession: a job that panics answers its session
// 421 and closes it, logs the stack, and leaves every other session (and
// the server) serving.
func TestJobPanicClosesOnlyItsSession(t *testing.T) {
	var victim atomic.Value // the victim's client address, as the server sees it
	victim.Store("")
	jobHook = func(j *job) {
		if j.conn.RemoteAddr().String() == victim.Load().(string) {
			panic("test: job panics")
		}
	}
	t.Cleanup(func() { jobHook = nil }) // runs after the server stopped
	var log syncBuffer
	addr, root := startServer(t, Config{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	writeFile(t, root, "f.txt", "12345")

	other, bad := dial(t, addr), dial(t, addr)
	other.login("alice", "secret")
	bad.login("alice", "secret")
	victim.Store(bad.c.LocalAddr().String())

	msg := bad.cmd(int(codec.CodeServiceUnavailable), "SIZE f.txt")
	if strings.Contains(msg, "test: job panics") {
		t.Errorf("the panic reached the client: %q", msg)
	}
	_ = bad.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := bad.c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("after the 421 the session still reads: %d bytes, %v", n, err)
	}
	if got := other.cmd(int(codec.CodeFileStatus), "SIZE f.txt"); got != "5" {
		t.Errorf("the other session's SIZE answered %q, want 5", got)
	}
	other.cmd(int(codec.CodeClosing), "QUIT")
	if l := log.String(); !strings.Contains(l, "job panicked") || !strings.Contains(l, "runJob") {
		t.Errorf("error log %q, want the panic with its stack", l)
	}
}

// TestOutcomeReplies: every outcome kind answers with its code and a text
// of its own, and the texts are today's; the error an outcome carries
// never shows.
func TestOutcomeReplies(t *testing.T) {
	secret := &codecErr{"secret error text"}
	for k := xfer.Kind(0); !strings.HasPrefix(k.String(), "Kind("); k++ {
		o := xfer.Outcome{Kind: k, Err: secret, Path: "/p", Text: "t", Name: "/n", Size: 1}
		r := outcomeReply(&o)
		if r.Code != k.Code() || r.Msg == "" || strings.Contains(r.Msg, secret.s) {
			t.Errorf("%v: %d %q, want code %d and a text without the error", k, r.Code, r.Msg, k.Code())
		}
		if k != xfer.LocalError && r.Msg == outcomeText[xfer.LocalError] {
			t.Errorf("%v has no text of its own", k)
		}
	}
	for _, tt := range []struct {
		o    xfer.Outcome
		code codec.Code
		msg  string
	}{
		{xfer.Outcome{Kind: xfer.Complete}, 226, "Transfer complete."},
		{xfer.Outcome{Kind: xfer.StoredAs, Name: "/ftpsd.1"}, 226, "Transfer complete, stored as /ftpsd.1."},
		{xfer.Outcome{Kind: xfer.Aborted}, 426, "Connection closed; transfer aborted."},
		{xfer.Outcome{Kind: xfer.NoData}, 425, "Can't open data connection."},
		{xfer.Outcome{Kind: xfer.NoReuse}, 522, "TLS session of data connection not resumed: session reuse required."},
		{xfer.Outcome{Kind: xfer.DataTLS}, 425, "TLS handshake on the data connection failed."},
		{xfer.Outcome{Kind: xfer.DirChanged}, 250, "Directory successfully changed."},
		{xfer.Outcome{Kind: xfer.DirChanged, Text: "Hello"}, 250, "Hello\nDirectory successfully changed."},
		{xfer.Outcome{Kind: xfer.DirCreated, Path: `/a"b`}, 257, `"/a""b" directory created.`},
		{xfer.Outcome{Kind: xfer.Size, Size: 12345}, 213, "12345"},
		{xfer.Outcome{Kind: xfer.ModTime, Time: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}, 213, "20240102030405"},
		{xfer.Outcome{Kind: xfer.ModTimeSet, Path: "/f", Text: "20240102030405"}, 213, "Modify=20240102030405; /f"},
		{xfer.Outcome{Kind: xfer.Facts, Path: "/f", Text: " size=1; /f"}, 250, "Listing /f\n size=1; /f\nEnd."},
		{xfer.Outcome{Kind: xfer.Status, Path: "/d", Text: "a\nb"}, 213, "Status of /d:\na\nb\nEnd of status."},
		{xfer.Outcome{Kind: xfer.Status, Path: "/empty"}, 213, "Status of /empty:\nEnd of status."},
		{xfer.Outcome{Kind: xfer.RenameReady}, 350, "Ready for RNTO."},
		{xfer.Fail(xfer.ErrDenied), 550, "Permission denied."},
		{xfer.Fail(xfer.ErrBusy), 450, "Server busy, try again later."},
		{xfer.Outcome{Kind: 200}, 451, "Requested action aborted: local error in processing."},
	} {
		if r := outcomeReply(&tt.o); r.Code != tt.code || r.Msg != tt.msg {
			t.Errorf("%v: %d %q, want %d %q", tt.o.Kind, r.Code, r.Msg, tt.code, tt.msg)
		}
	}
}

type codecErr struct{ s string }

func (e *codecErr) Error() string { return e.s }

// TestSettleAppliesState: the session state an outcome changes is set on
// the loop when the outcome is settled, and only by the outcomes that
// change it.
func TestSettleAppliesState(t *testing.T) {
	s := &Session{cwd: "/", renameFrom: ""}
	if code, _ := s.settle(&xfer.Outcome{Kind: xfer.DirChanged, Path: "/pub"}); code != 250 || s.cwd != "/pub" {
		t.Errorf("CWD outcome: %d, cwd %q", code, s.cwd)
	}
	if code, _ := s.settle(&xfer.Outcome{Kind: xfer.RenameReady, Path: "/pub/a"}); code != 350 || s.renameFrom != "/pub/a" {
		t.Errorf("RNFR outcome: %d, renameFrom %q", code, s.renameFrom)
	}
	if _, _ = s.settle(&xfer.Outcome{Kind: xfer.NotDir, Path: "/x"}); s.cwd != "/pub" || s.renameFrom != "/pub/a" {
		t.Errorf("a failed outcome changed the session: cwd %q, renameFrom %q", s.cwd, s.renameFrom)
	}
}

// TestFullPoolClosesPassive: a transfer refused because every worker is
// busy gives back the passive listener it took, at once rather than at the
// data timeout.
func TestFullPoolClosesPassive(t *testing.T) {
	addr, root := startServer(t, Config{Workers: 1, DataTimeout: time.Minute})
	writeFile(t, root, "file.txt", "hello\n")

	// Both log in while the one worker is free (a login is a job too).
	c := dial(t, addr)
	c.login("alice", "secret")
	holder := dial(t, addr)
	holder.login("alice", "secret")
	msg := c.cmd(229, "EPSV")
	port, ok := testserver.EPSVPort(msg)
	if !ok {
		t.Fatalf("EPSV reply %q", msg)
	}
	// Then the worker waits for a data connection that never comes.
	holder.cmd(229, "EPSV")
	if err := holder.tp.PrintfLine("RETR file.txt"); err != nil {
		t.Fatal(err)
	}
	// STAT is read after RETR, whose dispatch handed its job to the pool:
	// once STAT is answered, the pool has no worker left.
	holder.cmd(211, "STAT")

	c.cmd(425, "RETR file.txt")
	d, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
	if err == nil {
		d.Close()
		t.Fatal("the refused transfer's passive listener still accepts")
	}
}

// TestStatEmptyDirectory: STAT of an empty directory has no blank line
// between its first and last lines.
func TestStatEmptyDirectory(t *testing.T) {
	addr, root := startServer(t, Config{})
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	c := dial(t, addr)
	c.login("alice", "secret")
	if msg := c.cmd(213, "STAT empty"); strings.Contains(msg, "\n\n") || !strings.HasSuffix(msg, "End of status.") {
		t.Errorf("STAT of an empty directory: %q", msg)
	}
}

// TestTempNamesRefused: a client can neither create (553) nor reach (550)
// a name of the form upload temporaries use, even while such a file exists.
func TestTempNamesRefused(t *testing.T) {
	addr, root := startServer(t, Config{})
	const temp = ".ftpsd-0123456789abcdef.part"
	writeFile(t, root, temp, "someone's upload in progress")
	c := dial(t, addr)
	c.login("alice", "secret")
	c.cmd(550, "SIZE "+temp)
	c.cmd(550, "DELE "+temp)
	c.epsv()
	c.cmd(550, "RETR "+temp)
	c.epsv()
	c.cmd(553, "STOR "+temp)
	c.cmd(553, "MKD "+temp)
}
