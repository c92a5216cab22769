package setup

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestAnnounce: the listening and stopped lines reach standard error
// exactly once whatever the error log's file and level, and go to the
// error log too; without -config nothing changes.
func TestAnnounce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		file     *fileSettings
		level    slog.Level
		stderr   int    // msg=listening lines on standard error
		errorLog int    // and in the ErrorLog file
		debug    string // where a debug line goes: "stderr", "ErrorLog" or nowhere ("")
	}{
		{"no -config", nil, slog.LevelInfo, 1, 0, ""},
		{"no -config, level warn", nil, slog.LevelWarn, 0, 0, ""},
		{"no -config, level debug", nil, slog.LevelDebug, 1, 0, "stderr"},
		{"-config", &fileSettings{}, slog.LevelInfo, 1, 0, ""},
		{"-config, LogLevel warn", &fileSettings{}, slog.LevelWarn, 1, 0, ""},
		{"-config, LogLevel debug", &fileSettings{}, slog.LevelDebug, 1, 0, "stderr"},
		{"ErrorLog", &fileSettings{errorLog: filepath.Join(dir, "a")}, slog.LevelInfo, 1, 1, ""},
		{"ErrorLog, LogLevel error", &fileSettings{errorLog: filepath.Join(dir, "b")}, slog.LevelError, 1, 0, ""},
		{"ErrorLog, LogLevel debug", &fileSettings{errorLog: filepath.Join(dir, "c")}, slog.LevelDebug, 1, 1, "ErrorLog"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			logs, err := openLogs(tt.level, tt.file, &stderr)
			if err != nil {
				t.Fatal(err)
			}
			logs.Announce("listening", "addr", "127.0.0.1:21")
			logs.log.Debug("debug line")
			if err := logs.Close(); err != nil {
				t.Fatal(err)
			}
			if n := strings.Count(stderr.String(), "msg=listening addr=127.0.0.1:21"); n != tt.stderr {
				t.Errorf("%d listening lines on stderr, want %d:\n%s", n, tt.stderr, stderr.String())
			}
			if got := strings.Contains(stderr.String(), "debug line"); got != (tt.debug == "stderr") {
				t.Errorf("debug line on stderr %v at level %v, want it where %q:\n%s", got, tt.level, tt.debug, stderr.String())
			}
			if tt.file != nil && tt.file.errorLog != "" {
				text := readFile(t, tt.file.errorLog)
				if n := strings.Count(text, "msg=listening"); n != tt.errorLog {
					t.Errorf("%d listening lines in ErrorLog, want %d", n, tt.errorLog)
				}
				if got := strings.Contains(text, "debug line"); got != (tt.debug == "ErrorLog") {
					t.Errorf("debug line in ErrorLog %v at level %v, want it where %q:\n%s", got, tt.level, tt.debug, text)
				}
			}
		})
	}
}

// TestErrorLogReopen: after the ErrorLog file is renamed (rotated),
// Reopen makes later lines land in a new file at the path, and Close writes
// out what was still buffered.
func TestErrorLogReopen(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "error_log")
	var stderr bytes.Buffer
	logs, err := openLogs(slog.LevelInfo, &fileSettings{errorLog: p}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	logs.log.Info("one")
	if err := os.Rename(p, p+".1"); err != nil {
		t.Fatal(err)
	}
	logs.log.Info("two")
	if err := logs.Reopen(); err != nil {
		t.Fatal(err)
	}
	logs.log.Info("three")
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	msgs := func(text string) (m []string) {
		for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
			if _, msg, ok := strings.Cut(line, " msg="); ok {
				m = append(m, msg)
			}
		}
		return m
	}
	if got := msgs(readFile(t, p+".1")); !slices.Equal(got, []string{"one", "two"}) {
		t.Errorf("rotated file has %q, want one and two", got)
	}
	if got := msgs(readFile(t, p)); !slices.Equal(got, []string{"three"}) {
		t.Errorf("new file has %q, want three", got)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o640&^fcUmask() {
		t.Errorf("new file mode %v, %v; want 0640 less the umask", fi.Mode(), err)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q, want nothing", stderr.String())
	}
}

// TestErrorLogDoesNotWait: a line for the error log is buffered, not
// written while the caller waits (the event loop logs through it).
func TestErrorLogDoesNotWait(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "error_log")
	logs, err := openLogs(slog.LevelInfo, &fileSettings{errorLog: p}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	logs.log.Warn("buffered")
	if got := readFile(t, p); got != "" {
		t.Errorf("error log already holds %q right after the call, want it buffered", got)
	}
	if err := logs.errorLog.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, p); !strings.Contains(got, "msg=buffered") {
		t.Errorf("after Flush the error log holds %q", got)
	}
}

// fcUmask returns the process umask without changing it for long.
func fcUmask() os.FileMode {
	dir, err := os.MkdirTemp("", "umask")
	if err != nil {
		return 0
	}
	defer os.RemoveAll(dir)
	f, err := os.OpenFile(filepath.Join(dir, "f"), os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		return 0
	}
	fi, _ := f.Stat()
	f.Close()
	return 0o777 &^ fi.Mode().Perm()
}

// TestStderrLogDoesNotWait: without ErrorLog the error log is standard
// error, and a reader of it that stops reading must not stall whoever logs
// (the event loop among them): lines are buffered, and those that no
// longer fit are dropped and counted.
func TestStderrLogDoesNotWait(t *testing.T) {
	t.Parallel()
	stderr := &stuckWriter{entered: make(chan struct{}), release: make(chan struct{})}
	logs, err := openLogs(slog.LevelInfo, nil, stderr)
	if err != nil {
		t.Fatal(err)
	}
	logs.log.Warn("first")
	flushed := make(chan error, 1)
	go func() { flushed <- logs.errorLog.Flush() }()
	<-stderr.entered // the Writer's goroutine is now stuck in Write

	// Over 2 MiB of lines: more than the buffer holds.
	logged := make(chan struct{})
	go func() {
		defer close(logged)
		for range 20_000 {
			logs.log.Warn("while stuck", "pad", strings.Repeat("x", 100))
		}
	}()
	select {
	case <-logged:
	case <-time.After(30 * time.Second):
		t.Fatal("logging waited for standard error")
	}
	close(stderr.release)
	if err := <-flushed; err != nil {
		t.Fatal(err)
	}
	if err := logs.Close(); err != nil {
		t.Fatal(err)
	}
	out := stderr.String()
	if !strings.Contains(out, "msg=first") {
		t.Errorf("the first line never reached standard error")
	}
	if !strings.Contains(out, "msg=\"while stuck\"") {
		t.Errorf("no line logged while stuck reached standard error")
	}
	if !regexp.MustCompile(`ftpsd: [1-9][0-9]* log lines dropped`).MatchString(out) {
		t.Errorf("no count of dropped lines on standard error")
	}
	if d := logs.errorLog.Dropped(); d == 0 || d >= 20_000 {
		t.Errorf("%d lines dropped, want some but not all", d)
	}
}

// stuckWriter blocks its first Write until release is closed, telling
// entered when it is blocked.
type stuckWriter struct {
	entered, release chan struct{}
	once             sync.Once
	mu               sync.Mutex
	buf              bytes.Buffer
}

func (w *stuckWriter) Write(p []byte) (int, error) {
	w.once.Do(func() {
		close(w.entered)
		<-w.release
	})
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *stuckWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}
