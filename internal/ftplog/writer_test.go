package ftplog

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		t.Fatalf("%s ends with a partial line", path)
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// stuckWriter is the io.Writer seam for a disk that stops: each Write
// signals entered and then waits for release.
type stuckWriter struct {
	entered chan struct{}
	release chan struct{}
	once    sync.Once
	mu      sync.Mutex
	buf     bytes.Buffer
}

func newStuckWriter() *stuckWriter {
	return &stuckWriter{entered: make(chan struct{}, 1), release: make(chan struct{})}
}

func (s *stuckWriter) Write(p []byte) (int, error) {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *stuckWriter) unstick() { s.once.Do(func() { close(s.release) }) }

func (s *stuckWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

var dropLine = regexp.MustCompile(`^ftpsd: (\d+) log lines dropped$`)

// countLines splits output into log lines and the total the drop reports
// give.
func countLines(t *testing.T, out string) (lines []string, dropped int) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if m := dropLine.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[1])
			dropped += n
			continue
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines, dropped
}

func TestWriterCloseLosesNothing(t *testing.T) {
	const goroutines, perG = 8, 12500
	path := filepath.Join(t.TempDir(), "command_log")
	w, err := Open(path, Options{MaxBuffered: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			line := make([]byte, 0, 32)
			for i := range perG {
				line = fmt.Appendf(line[:0], "g%d line %d\n", g, i)
				w.Write(line)
			}
		})
	}
	// Flushes and reopens of the same path race with the writers and must
	// not lose a line either.
	stop := make(chan struct{})
	var side sync.WaitGroup
	side.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := w.Flush(); err != nil {
				t.Error(err)
			}
			if err := w.Reopen(); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	close(stop)
	side.Wait()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines := readLines(t, path)
	if len(lines) != goroutines*perG || w.Dropped() != 0 {
		t.Fatalf("%d lines in the file, %d dropped; want %d and 0", len(lines), w.Dropped(), goroutines*perG)
	}
	seen := make(map[string]bool, len(lines))
	next := make([]int, goroutines) // each goroutine's lines stay in order
	for _, l := range lines {
		var g, i int
		if _, err := fmt.Sscanf(l, "g%d line %d", &g, &i); err != nil || seen[l] || i != next[g] {
			t.Fatalf("bad, repeated or out-of-order line %q", l)
		}
		seen[l] = true
		next[g]++
	}
}

func TestWriterFlushesOnTimer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log")
	w, err := Open(path, Options{FlushEvery: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	w.Write([]byte("one line"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, _ := os.ReadFile(path)
		if string(b) == "one line\n" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("file holds %q after 5s, want the line flushed by the timer", b)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWriterReopenAfterRename(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "transfer_log")
	w, err := Open(path, Options{FlushEvery: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("before 1\n"))
	w.Write([]byte("before 2\n"))
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := w.Reopen(); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("after 1\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, path+".1"); strings.Join(got, ",") != "before 1,before 2" {
		t.Errorf("rotated file holds %q", got)
	}
	if got := readLines(t, path); strings.Join(got, ",") != "after 1" {
		t.Errorf("new file holds %q", got)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm&^0o640 != 0 {
		t.Errorf("new file mode %v, want at most 0640", perm)
	}
}

func TestWriterReopenFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "log")
	if err := os.Mkdir(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var reported atomic.Int32
	w, err := Open(path, Options{OnError: func(error) { reported.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Dir(path), filepath.Join(dir, "gone")); err != nil {
		t.Fatal(err)
	}
	if err := w.Reopen(); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Reopen into a missing directory: %v, want ErrNotExist", err)
	}
	w.Write([]byte("still logged"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if got := readLines(t, filepath.Join(dir, "gone", "log")); len(got) != 1 || got[0] != "still logged" {
		t.Errorf("old file holds %q", got)
	}
	if reported.Load() != 1 {
		t.Errorf("OnError called %d times, want 1", reported.Load())
	}
}

func TestWriterDropsWhenFullAndReports(t *testing.T) {
	const total = 200
	sw := newStuckWriter()
	w := New(sw, Options{MaxBuffered: 256, FlushEvery: time.Hour})
	for i := range total {
		w.Write(fmt.Appendf(nil, "line %09d\n", i)) // 15 bytes
	}
	if w.Dropped() == 0 {
		t.Fatal("nothing dropped with a 256-byte buffer and a stuck disk")
	}
	sw.unstick()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines, dropped := countLines(t, sw.String())
	if len(lines)+dropped != total || uint64(dropped) != w.Dropped() {
		t.Errorf("%d lines written + %d reported dropped (counter %d), want %d in all",
			len(lines), dropped, w.Dropped(), total)
	}
	// Where the report lands depends on when the flusher ran: after the
	// lines written before the drops, or, when it was scheduled late, after
	// the first buffer with the lines that fitted later behind it.
	if !strings.Contains(sw.String(), " log lines dropped\n") {
		t.Errorf("no drop report: %q", sw.String())
	}
}

func TestWriteNeverBlocks(t *testing.T) {
	sw := newStuckWriter()
	defer sw.unstick()
	w := New(sw, Options{MaxBuffered: 4096, FlushEvery: time.Millisecond})
	w.Write([]byte("first"))
	select {
	case <-sw.entered: // the flusher is now stuck inside the file's Write
	case <-time.After(5 * time.Second):
		t.Fatal("the flusher never wrote")
	}
	line := []byte("a line of some forty bytes for the log\n")
	start := time.Now()
	for range 100000 {
		w.Write(line)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("100000 Writes took %v while the disk was stuck", d)
	}
	if w.Dropped() == 0 {
		t.Error("no line dropped although the buffer overflowed")
	}
	sw.unstick()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	lines, dropped := countLines(t, sw.String())
	if len(lines)+dropped != 100001 {
		t.Errorf("%d lines + %d dropped, want 100001", len(lines), dropped)
	}
}

// failOnce fails its first Write and records the rest.
type failOnce struct {
	failed bool
	buf    bytes.Buffer
}

var errDisk = errors.New("disk full")

func (f *failOnce) Write(p []byte) (int, error) {
	if !f.failed {
		f.failed = true
		return 0, errDisk
	}
	return f.buf.Write(p)
}

func TestWriterWriteErrorIsReported(t *testing.T) {
	fw := &failOnce{}
	var got []error
	var mu sync.Mutex
	w := New(fw, Options{FlushEvery: time.Hour, OnError: func(err error) {
		mu.Lock()
		got = append(got, err)
		mu.Unlock()
	}})
	w.Write([]byte("lost 1\nlost 2\n"))
	if err := w.Flush(); !errors.Is(err, errDisk) {
		t.Fatalf("Flush: %v, want the disk's error", err)
	}
	w.Write([]byte("kept"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "kept\nftpsd: 2 log lines dropped\n"; fw.buf.String() != want {
		t.Errorf("file holds %q, want %q", fw.buf.String(), want)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !errors.Is(got[0], errDisk) || !strings.HasPrefix(got[0].Error(), "ftplog: ") {
		t.Errorf("OnError got %v", got)
	}
	if w.Dropped() != 2 {
		t.Errorf("Dropped() = %d, want 2", w.Dropped())
	}
}

func TestWriterLinesAndClose(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, Options{})
	w.Write([]byte("no newline"))
	w.Write(nil)
	w.Write([]byte("with newline\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := "no newline\nwith newline\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	w.Write([]byte("after close"))
	if w.Dropped() != 1 || strings.Contains(buf.String(), "after close") {
		t.Errorf("a Write after Close was not dropped: %d, %q", w.Dropped(), buf.String())
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.Flush(); !errors.Is(err, ErrClosed) {
		t.Errorf("Flush after Close: %v, want ErrClosed", err)
	}
	if err := w.Reopen(); !errors.Is(err, ErrClosed) {
		t.Errorf("Reopen after Close: %v, want ErrClosed", err)
	}
}

func TestOpenError(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "missing", "log"), Options{})
	if !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), "ftplog: ") {
		t.Errorf("Open in a missing directory: %v", err)
	}
}

func BenchmarkWriterWrite(b *testing.B) {
	w := New(discard{}, Options{})
	defer w.Close()
	line := []byte("alice [127.0.0.1] RETR /pub/file.txt 226\n")
	b.ReportAllocs()
	b.SetBytes(int64(len(line)))
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w.Write(line)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
