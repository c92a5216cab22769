package loop

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// TestFaultHeldReplyKeepsOrder: a reply held back by injected latency
// still comes before the replies of commands pipelined behind it, and a
// job's outcome (SIZE) is held back as long.
func TestFaultHeldReplyKeepsOrder(t *testing.T) {
	plan := fault.New(fault.Options{Seed: 1, Delays: map[string]fault.Delay{
		"NOOP": {Min: 200 * time.Millisecond, Max: 200 * time.Millisecond},
		"SIZE": {Min: 200 * time.Millisecond, Max: 200 * time.Millisecond}}})
	addr, root := startServer(t, Config{Faults: plan})
	writeFile(t, root, "f.txt", "12345")
	c := dial(t, addr)
	c.login("alice", "secret")
	start := time.Now()
	if _, err := io.WriteString(c.c, "NOOP\r\nPWD\r\nSIZE f.txt\r\nSYST\r\n"); err != nil {
		t.Fatal(err)
	}
	c.expect(int(codec.CodeOK))
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("NOOP answered after %v, before its 200ms", d)
	}
	c.expect(int(codec.CodePathCreated))
	if got := c.expect(int(codec.CodeFileStatus)); got != "5" {
		t.Errorf("SIZE answered %q", got)
	}
	// SIZE's hold starts when the server dispatches it, after NOOP's
	// hold ended and before this client has read PWD's reply: only the
	// sum of the two holds is a bound the client's clock can check.
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("SIZE answered %v after the pipeline was sent, before NOOP's and its own 200ms", d)
	}
	c.expect(int(codec.CodeSystemType))
	if plan.Count(fault.KindDelay) != 2 {
		t.Errorf("%d delays counted, want 2", plan.Count(fault.KindDelay))
	}
}

// TestFaultInjectedReply: an injected reply replaces the command; 421
// closes the session.
func TestFaultInjectedReply(t *testing.T) {
	plan := fault.New(fault.Options{Seed: 1, Replies: map[string]fault.Reply{"MKD": {Code: 550, Rate: 1}, "PWD": {Code: 421, Rate: 1}}})
	addr, root := startServer(t, Config{Faults: plan})
	c := dial(t, addr)
	c.login("alice", "secret")
	if msg := c.cmd(int(codec.CodeFileUnavailable), "MKD d"); !strings.Contains(msg, "Injected fault") {
		t.Errorf("MKD: %q", msg)
	}
	if _, err := os.Stat(filepath.Join(root, "d")); !os.IsNotExist(err) {
		t.Errorf("the injected MKD reply still made the directory: %v", err)
	}
	c.cmd(int(codec.CodeServiceUnavailable), "PWD")
	_ = c.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := c.c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("after an injected 421 the session still reads: %d, %v", n, err)
	}
	if plan.Count(fault.KindReply) != 2 {
		t.Errorf("%d replies counted, want 2", plan.Count(fault.KindReply))
	}
}

// TestSinkReadOnlyLogin: anonymous logins get the sink's verdict, and
// still 550 for any other write.
func TestSinkReadOnlyLogin(t *testing.T) {
	sf, err := synth.New(synth.Options{Mount: "/synthetic", Sink: "/sink"})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, Config{Synth: sf})
	c := dial(t, addr)
	c.login("anonymous", "x@example.com")
	c.cmd(int(codec.CodeFileUnavailable), "MKD /sink/d")
	c.cmd(int(codec.CodeFileUnavailable), "DELE /x")
	// STOR into the sink passes the read-only check and wants a data
	// connection; elsewhere it is refused before that.
	c.cmd(int(codec.CodeCantOpenData), "STOR /sink/1K.bin")
	c.cmd(int(codec.CodeFileUnavailable), "STOR /elsewhere")
	c.cmd(int(codec.CodeFileStatus), "SIZE /synthetic/1K.bin")
}
