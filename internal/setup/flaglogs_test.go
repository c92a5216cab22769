package setup

import (
	"bytes"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// TestCheckFlagLogs: the log flags' formats compile, a format flag needs
// its file flag, and a file's directory must exist.
func TestCheckFlagLogs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name    string
		fl      Flags
		err     string // substring of the one error; "" for none
		targets int
	}{
		{"none", Flags{}, "", 0},
		{"both to files", Flags{CommandLog: Given(filepath.Join(dir, "c")), TransferLog: Given(filepath.Join(dir, "x"))}, "", 2},
		{"stderr", Flags{CommandLog: Given("-"), ErrorLog: Given("-")}, "", 1},
		{"format alone", Flags{CommandLogFormat: Given("%u")}, "-command-log-format: give -command-log FILE too", 0},
		{"bad format", Flags{TransferLog: Given("-"), TransferLogFormat: Given("%u %J")}, "-transfer-log-format", 0},
		{"missing dir", Flags{CommandLog: Given(filepath.Join(dir, "no", "c"))}, "-command-log " + filepath.Join(dir, "no", "c"), 0},
		{"missing error-log dir", Flags{ErrorLog: Given(filepath.Join(dir, "no", "e"))}, "-error-log", 0},
		{"empty name", Flags{CommandLog: Given("")}, "-command-log: empty file name", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := checkFlagLogs(tt.fl)
			switch {
			case tt.err == "" && len(errs) > 0:
				t.Fatalf("errors %v, want none", errs)
			case tt.err != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error(), tt.err)):
				t.Fatalf("errors %v, want one with %q", errs, tt.err)
			}
			if len(got.targets) != tt.targets {
				t.Errorf("%d targets, want %d", len(got.targets), tt.targets)
			}
		})
	}
}

// TestFlagLogsOver: a flag's log replaces the first server's CustomLogs of
// its kind and keeps the others.
func TestFlagLogsOver(t *testing.T) {
	t.Parallel()
	file := []logTarget{{path: "/a", kind: ftplog.Commands}, {path: "/b", kind: ftplog.Transfers}, {path: "/c", kind: ftplog.Commands}}
	fl := flagLogs{targets: []logTarget{{path: "-", kind: ftplog.Commands}}}
	var paths []string
	for _, t := range fl.over(file) {
		paths = append(paths, t.path)
	}
	if got := strings.Join(paths, " "); got != "/b -" {
		t.Errorf("targets %q, want /b -", got)
	}
	if got := (flagLogs{}).over(file); len(got) != 3 {
		t.Errorf("no flag: %d targets, want the file's 3", len(got))
	}
}

// TestFlagLogsWrite: without -config, -command-log and -transfer-log
// write the seed's formats, to a file or to standard error ("-") beside
// the error log's lines; -error-log moves the error log to a file, and
// start-up warnings then reach standard error too.
func TestFlagLogsWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cmdPath, errPath := filepath.Join(dir, "command_log"), filepath.Join(dir, "error_log")
	fl, errs := checkFlagLogs(Flags{CommandLog: Given(cmdPath), TransferLog: Given("-"), ErrorLog: Given(errPath)})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var stderr lockedBuffer
	logs, err := openAllLogs(slog.LevelInfo, nil, fl, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	peer := netip.MustParseAddrPort("192.0.2.7:40000")
	logs.access.Command(&ftplog.Command{Time: time.Now(), Peer: peer, User: "bob", Verb: "PASS", Arg: "secret", Status: 530})
	start := time.Date(2026, 12, 2, 18, 30, 5, 0, time.Local)
	logs.access.Transfer(&ftplog.Transfer{Start: start, Duration: 2 * time.Second, Peer: peer, Bytes: 10, Path: "/f",
		Direction: ftplog.DirOutgoing, User: "bob", Complete: true, Status: 226})
	logs.Warn("nobody can log in")
	logs.log.Info("only in the error log")
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, cmdPath); got != "bob [192.0.2.7] PASS 530\n" {
		t.Errorf("command log %q", got)
	}
	out := stderr.String()
	if want := "Dec  2 18:30:05 2026 2 192.0.2.7 10 /f b _ o r bob ftp 0 *\n"; !strings.Contains(out, want) {
		t.Errorf("stderr lacks the transfer line %q:\n%s", want, out)
	}
	if !strings.Contains(out, `level=WARN msg="nobody can log in"`) || strings.Contains(out, "only in the error log") {
		t.Errorf("stderr should hold the warning and not the info line:\n%s", out)
	}
	el := readFile(t, errPath)
	if !strings.Contains(el, `level=WARN msg="nobody can log in"`) || !strings.Contains(el, "only in the error log") {
		t.Errorf("error log:\n%s", el)
	}
}

// TestWarnConfigErrorLog: with -config and an ErrorLog file, the
// configuration's warnings go to standard error as well as to the file;
// its notes (info) only to the file.
func TestWarnConfigErrorLog(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "error_log")
	var stderr lockedBuffer
	f := &fileSettings{errorLog: p}
	logs, err := openLogs(slog.LevelInfo, f, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	f.warnings = append(f.warnings, noteAt("Anonymous: not used, AuthBasicProvider does not list anon"))
	f.notes = append(f.notes, noteAt("LoadModule: ignored"))
	f.logNotes(logs.log, logs.Warn)
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	if out := stderr.String(); !strings.Contains(out, `msg="Anonymous: not used`) || strings.Contains(out, "LoadModule") {
		t.Errorf("stderr:\n%s", out)
	}
	if el := readFile(t, p); !strings.Contains(el, `msg="Anonymous: not used`) || !strings.Contains(el, "LoadModule") {
		t.Errorf("error log:\n%s", el)
	}
}

// lockedBuffer is a bytes.Buffer that a Writer's goroutine and the test
// share.
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

func noteAt(msg string) config.Note {
	return config.Note{Pos: config.Pos{File: "ftpsd.conf", Line: 3}, Msg: msg}
}
