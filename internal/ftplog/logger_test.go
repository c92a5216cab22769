package ftplog

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestLoggerRoutesByKind(t *testing.T) {
	var cmdBuf, xferBuf bytes.Buffer
	cw := New(&cmdBuf, Options{FlushEvery: time.Hour})
	xw := New(&xferBuf, Options{FlushEvery: time.Hour})
	l, err := NewLogger(
		Target{Format: mustCompile(t, seedCommand), W: cw, Kind: Commands},
		Target{Format: mustCompile(t, seedTransfer), W: xw, Kind: Transfers},
		Target{Format: mustCompile(t, "%m %s"), W: cw, Kind: Commands}, // two CustomLogs, one file
	)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Wants(Commands) || !l.Wants(Transfers) {
		t.Error("Wants is false for a kind with targets")
	}
	l.Command(&Command{Peer: peer, User: "alice", Verb: "RETR", Arg: "/pub/file.bin", Status: 226})
	l.Transfer(sampleTransfer())
	if err := l.Reopen(); err != nil { // New writers: nothing to reopen
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "alice [127.0.0.1] RETR /pub/file.bin 226\nRETR 226\n"; cmdBuf.String() != want {
		t.Errorf("command log %q, want %q", cmdBuf.String(), want)
	}
	if want := "Nov 25 01:21:07 2026 3 127.0.0.1 1048576 /pub/file.bin b _ o a anonymous@example.com ftp 0 *\n"; xferBuf.String() != want {
		t.Errorf("transfer log %q, want %q", xferBuf.String(), want)
	}
}

func TestLoggerOnlyCommands(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, Options{})
	l, err := NewLogger(Target{Format: mustCompile(t, "%u"), W: w})
	if err != nil {
		t.Fatal(err)
	}
	if l.Wants(Transfers) {
		t.Error("Wants(Transfers) without a Transfers target")
	}
	l.Transfer(sampleTransfer())
	l.Close()
	if buf.Len() != 0 {
		t.Errorf("a transfer reached a command log: %q", buf.String())
	}
}

func TestNilLogger(t *testing.T) {
	var l *Logger
	l.Command(sampleCommand())
	l.Transfer(sampleTransfer())
	if l.Wants(Commands) || l.Reopen() != nil || l.Close() != nil {
		t.Error("a nil Logger is not a no-op")
	}
}

func TestNewLoggerErrors(t *testing.T) {
	f := mustCompile(t, "%u")
	w := New(discard{}, Options{})
	defer w.Close()
	for name, tgt := range map[string]Target{
		"no format": {W: w},
		"no writer": {Format: f},
		"bad kind":  {Format: f, W: w, Kind: 7},
	} {
		if _, err := NewLogger(Target{Format: f, W: w}, tgt); err == nil || !strings.Contains(err.Error(), "target 1") {
			t.Errorf("%s: %v, want an error naming target 1", name, err)
		}
	}
	if Kind(7).String() != "Kind(7)" || Transfers.String() != "transfers" {
		t.Error("Kind.String")
	}
}
