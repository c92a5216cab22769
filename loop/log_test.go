package loop

import (
	"bytes"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// lockedBuffer is a bytes.Buffer the log writer's goroutine and the test
// may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestCommandAndTransferLogs drives real commands and transfers and checks
// the lines the seed's two LogFormats produce.
func TestCommandAndTransferLogs(t *testing.T) {
	cmdFmt, err := ftplog.Compile(`%u [%a] %r %>s`)
	if err != nil {
		t.Fatal(err)
	}
	xferFmt, err := ftplog.Compile(`%{%b %e %H:%M:%S %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y`)
	if err != nil {
		t.Fatal(err)
	}
	var cmds, xfers lockedBuffer
	cw, xw := ftplog.New(&cmds, ftplog.Options{}), ftplog.New(&xfers, ftplog.Options{})
	logger, err := ftplog.NewLogger(
		ftplog.Target{Format: cmdFmt, W: cw, Kind: ftplog.Commands},
		ftplog.Target{Format: xferFmt, W: xw, Kind: ftplog.Transfers},
	)
	if err != nil {
		t.Fatal(err)
	}
	addr, root := startServer(t, Config{Host: Host{Log: logger}})
	randomFile(t, root, "big", 32<<20)
	writeFile(t, root, "small", "0123456789")

	anon := dial(t, addr)
	anon.cmd(331, "USER anonymous")
	anon.cmd(230, "PASS guest@example.com")
	d := anon.epsv()
	anon.cmd(150, "RETR small")
	if _, err := io.ReadAll(d); err != nil {
		t.Fatal(err)
	}
	anon.expect(226)
	anon.cmd(550, "DELE small")

	alice := dial(t, addr)
	alice.login("alice", "secret")
	d = alice.epsv()
	alice.cmd(150, "STOR up.txt")
	_, _ = d.Write([]byte("hello"))
	d.Close()
	alice.expect(226)
	alice.epsv() // opened and never read: ABOR ends the transfer
	alice.cmd(150, "RETR big")
	alice.cmd(426, "ABOR")
	alice.expect(226)
	alice.cmd(250, "DELE up.txt")
	alice.cmd(221, "QUIT")
	expectClosed(t, alice, 5e9)

	if err := logger.Close(); err != nil {
		t.Fatal(err)
	}
	wantCmds := []string{
		"anonymous [127.0.0.1] USER anonymous 331",
		"anonymous [127.0.0.1] PASS 230",
		"anonymous [127.0.0.1] EPSV 229",
		"anonymous [127.0.0.1] RETR small 226",
		"anonymous [127.0.0.1] DELE small 550",
		"alice [127.0.0.1] PASS 230",
		"alice [127.0.0.1] STOR up.txt 226",
		"alice [127.0.0.1] RETR big 426",
		"alice [127.0.0.1] ABOR 226",
		"alice [127.0.0.1] DELE up.txt 250",
		"alice [127.0.0.1] QUIT 221",
	}
	got := cmds.String()
	if strings.Contains(got, "secret") || strings.Contains(got, "guest@example.com") {
		t.Errorf("the command log holds a password:\n%s", got)
	}
	for _, w := range wantCmds {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("command log lacks %q:\n%s", w, got)
		}
	}
	date := `[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \d{4} \d+ 127\.0\.0\.1 `
	for _, re := range []string{
		date + `10 /small b _ o a guest@example\.com ftp 0 \*`,
		date + `5 /up\.txt b _ i r alice ftp 0 \*`,
		date + `\d+ /big b _ o r alice ftp 0 \*`,
		date + `5 /up\.txt b _ d r alice ftp 0 \*`,
	} {
		if !regexp.MustCompile("(?m)^" + re + "$").MatchString(xfers.String()) {
			t.Errorf("transfer log lacks a line like %q:\n%s", re, xfers.String())
		}
	}
	if n := strings.Count(xfers.String(), "\n"); n != 4 {
		t.Errorf("transfer log has %d lines, want 4 (a refused DELE is no transfer):\n%s", n, xfers.String())
	}
}
