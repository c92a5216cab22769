package xfer

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// progress records the preliminary replies a job posts.
type progress struct {
	mu     sync.Mutex
	opened []string
}

func (p *progress) Opened(msg string) {
	p.mu.Lock()
	p.opened = append(p.opened, msg)
	p.mu.Unlock()
}

func (p *progress) messages() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.opened...)
}

// rootFS returns a rooted file system over a new directory holding files.
func rootFS(t *testing.T, files map[string]string) (*fsys.FS, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, dir
}

// passive returns a passive data source on loopback and a function that
// connects to it as the client would.
func passive(t *testing.T) (DataSource, func() net.Conn) {
	t.Helper()
	lo, hi := freeRange(t, 8)
	p, err := Listen(loopback, lo, hi, loopback, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	dial := func() net.Conn {
		c, err := net.Dial("tcp", p.Addr().String())
		if err != nil {
			t.Error(err)
			return nil
		}
		return c
	}
	return DataSource{Passive: p, Local: loopback, Timeout: 5 * time.Second, Idle: 5 * time.Second}, dial
}

// denyAll refuses every command, and counts the questions.
type denyAll struct{ asked int }

func (d *denyAll) Allow(string, string, string, string) bool { d.asked++; return false }

func TestTransferRetr(t *testing.T) {
	f, _ := rootFS(t, map[string]string{"pub/a.txt": "hello, world"})
	d, dial := passive(t)
	var xfers strings.Builder
	format, err := ftplog.Compile(`%f %b %s`)
	if err != nil {
		t.Fatal(err)
	}
	w := ftplog.New(&lockedWriter{w: &xfers}, ftplog.Options{})
	log, err := ftplog.NewLogger(ftplog.Target{Format: format, W: w, Kind: ftplog.Transfers})
	if err != nil {
		t.Fatal(err)
	}
	tr := &Transfer{Op: Retr, FS: f, Path: "/pub/a.txt", Verb: "RETR", Rest: 7, Data: d, Log: log,
		Record: ftplog.Transfer{Path: "/pub/a.txt"}}
	got := make(chan string, 1)
	go func() {
		c := dial()
		if c == nil {
			got <- ""
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	p := &progress{}
	o := tr.Run(context.Background(), p)
	if o.Kind != Complete {
		t.Fatalf("RETR: outcome %v (%v), want Complete", o.Kind, o.Err)
	}
	if b := within(t, 5*time.Second, got); b != "world" {
		t.Errorf("RETR from REST 7 sent %q, want %q", b, "world")
	}
	if m := p.messages(); len(m) != 1 || m[0] != "Opening BINARY mode data connection for /pub/a.txt (12 bytes)." {
		t.Errorf("preliminary replies %q, want one 150 text with the size", m)
	}
	if n := tr.Moved.Load(); n != 5 {
		t.Errorf("Moved = %d, want 5", n)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if line := xfers.String(); !strings.Contains(line, "5 226") {
		t.Errorf("transfer log %q, want the 5 bytes and status 226", line)
	}
}

// lockedWriter lets the log writer's goroutine and the test share a
// strings.Builder.
type lockedWriter struct {
	mu sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func TestTransferStore(t *testing.T) {
	for _, tt := range []struct {
		name    string
		op      TransferOp
		rest    int64
		before  string // the file's content before; "" for none
		want    string
		kind    Kind
		opening string
	}{
		{name: "STOR replaces", op: Stor, before: "old content", want: "new", kind: Complete, opening: "Ok to send data."},
		{name: "STOR with REST resumes", op: Stor, rest: 3, before: "abcdef", want: "abcnew", kind: Complete, opening: "Ok to send data."},
		{name: "APPE appends", op: Appe, before: "abc", want: "abcnew", kind: Complete, opening: "Ok to send data."},
		{name: "STOU picks a name", op: Stou, before: "taken", want: "new", kind: StoredAs, opening: "FILE: "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, dir := rootFS(t, map[string]string{"up.bin": tt.before})
			d, dial := passive(t)
			tr := &Transfer{Op: tt.op, FS: f, Path: "/up.bin", Verb: tt.op.String(), Rest: tt.rest, Data: d}
			go func() {
				if c := dial(); c != nil {
					_, _ = io.WriteString(c, "new")
					c.Close()
				}
			}()
			p := &progress{}
			o := tr.Run(context.Background(), p)
			if o.Kind != tt.kind {
				t.Fatalf("outcome %v (%v), want %v", o.Kind, o.Err, tt.kind)
			}
			name := "up.bin"
			if tt.op == Stou {
				if o.Name == "" || o.Name == "/up.bin" {
					t.Fatalf("STOU stored as %q, want a new name", o.Name)
				}
				name = strings.TrimPrefix(o.Name, "/")
				if b, _ := os.ReadFile(filepath.Join(dir, "up.bin")); string(b) != tt.before {
					t.Errorf("STOU changed the existing file to %q", b)
				}
			}
			if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != tt.want {
				t.Errorf("%s holds %q, want %q", name, b, tt.want)
			}
			if m := p.messages(); len(m) != 1 || !strings.HasPrefix(m[0], tt.opening) {
				t.Errorf("preliminary replies %q, want one starting %q", m, tt.opening)
			}
		})
	}
}

// TestTransferFailures: each way a transfer fails before or during its
// copy ends in the right outcome, and frees the passive listener.
func TestTransferFailures(t *testing.T) {
	t.Run("denied", func(t *testing.T) {
		f, _ := rootFS(t, map[string]string{"a": "x"})
		d, _ := passive(t)
		az := &denyAll{}
		tr := &Transfer{Op: Retr, FS: f, Path: "/a", Verb: "RETR", Data: d, Access: &Access{Authorizer: az, View: f, Root: "/r", RealRoot: "/r"}}
		if o := tr.Run(context.Background(), &progress{}); o.Kind != Denied || az.asked != 1 {
			t.Errorf("outcome %v after %d questions, want Denied after 1", o.Kind, az.asked)
		}
		if _, err := d.Passive.Accept(time.Now().Add(time.Second)); err == nil {
			t.Error("the passive listener still accepts after a denied transfer")
		}
	})
	t.Run("no such file", func(t *testing.T) {
		f, _ := rootFS(t, nil)
		d, _ := passive(t)
		o := (&Transfer{Op: Retr, FS: f, Path: "/missing", Data: d}).Run(context.Background(), &progress{})
		if o.Kind != NotExist || !errors.Is(o.Err, fs.ErrNotExist) {
			t.Errorf("outcome %v (%v), want NotExist", o.Kind, o.Err)
		}
	})
	t.Run("MLSD of a file", func(t *testing.T) {
		f, _ := rootFS(t, map[string]string{"a": "x"})
		d, _ := passive(t)
		o := (&Transfer{Op: List, FS: f, Path: "/a", Data: d, List: ListOptions{Format: FormatMLSD}}).Run(context.Background(), &progress{})
		if o.Kind != NotDir {
			t.Errorf("outcome %v, want NotDir", o.Kind)
		}
	})
	t.Run("no data connection", func(t *testing.T) {
		f, _ := rootFS(t, map[string]string{"a": "x"})
		d, _ := passive(t)
		d.Timeout = 50 * time.Millisecond
		p := &progress{}
		if o := (&Transfer{Op: Retr, FS: f, Path: "/a", Data: d}).Run(context.Background(), p); o.Kind != NoData {
			t.Errorf("outcome %v, want NoData", o.Kind)
		}
		if m := p.messages(); len(m) != 0 {
			t.Errorf("preliminary replies %q without a data connection", m)
		}
	})
	t.Run("aborted while waiting", func(t *testing.T) {
		f, _ := rootFS(t, map[string]string{"a": "x"})
		d, _ := passive(t)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(50*time.Millisecond, cancel)
		if o := (&Transfer{Op: Retr, FS: f, Path: "/a", Data: d}).Run(ctx, &progress{}); o.Kind != Aborted {
			t.Errorf("outcome %v, want Aborted", o.Kind)
		}
	})
	t.Run("stalled upload", func(t *testing.T) {
		f, dir := rootFS(t, nil)
		d, dial := passive(t)
		d.Idle = 100 * time.Millisecond
		hold := make(chan struct{})
		defer close(hold)
		go func() {
			if c := dial(); c != nil {
				_, _ = io.WriteString(c, "part")
				<-hold // the client stops sending without closing
				c.Close()
			}
		}()
		o := (&Transfer{Op: Stor, FS: f, Path: "/s.bin", Data: d}).Run(context.Background(), &progress{})
		if o.Kind != Aborted {
			t.Errorf("outcome %v (%v), want Aborted by the stall watch", o.Kind, o.Err)
		}
		if _, err := os.Stat(filepath.Join(dir, "s.bin")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a stalled STOR left s.bin behind: %v", err)
		}
	})
}

func TestTransferList(t *testing.T) {
	f, _ := rootFS(t, map[string]string{"d/one": "1", "d/two": "22", "d/.hidden": ""})
	d, dial := passive(t)
	got := make(chan string, 1)
	go func() {
		c := dial()
		if c == nil {
			got <- ""
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	p := &progress{}
	o := (&Transfer{Op: List, FS: f, Path: "/d", Data: d, List: ListOptions{Format: FormatNLST}}).Run(context.Background(), p)
	if o.Kind != Complete {
		t.Fatalf("outcome %v (%v), want Complete", o.Kind, o.Err)
	}
	if b := within(t, 5*time.Second, got); b != "one\r\ntwo\r\n" {
		t.Errorf("NLST sent %q, want one and two without the dot file", b)
	}
	if m := p.messages(); len(m) != 1 || m[0] != "Here comes the directory listing." {
		t.Errorf("preliminary replies %q", m)
	}
}

// TestTransferRetrFileShrinks: a download whose file is truncated under it
// (sendfile then meets the file's new end; a mapped TLS download faults)
// fails with 451 instead of ending with 226 on a short copy the client
// would take for the file.
func TestTransferRetrFileShrinks(t *testing.T) {
	for _, protP := range []bool{false, true} {
		t.Run(map[bool]string{false: "clear", true: "TLS"}[protP], func(t *testing.T) {
			const size = 64 << 20
			f, dir := rootFS(t, map[string]string{"big": string(randomBytes(t, size))})
			d, dial := passive(t)
			if protP {
				d.TLS = &tls.Config{Certificates: []tls.Certificate{selfSigned(t)}}
			}
			tr := &Transfer{Op: Retr, FS: f, Path: "/big", Verb: "RETR", Data: d}
			conns := make(chan net.Conn, 1)
			go func() {
				c := dial()
				if c != nil && protP {
					tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true})
					if err := tc.Handshake(); err != nil {
						t.Error(err)
					}
					c = tc
				}
				conns <- c
			}()
			done := make(chan Outcome, 1)
			go func() { done <- tr.Run(context.Background(), &progress{}) }()
			c := within(t, 5*time.Second, conns)
			if c == nil {
				t.FailNow()
			}
			defer c.Close()
			// The client reads nothing until the send has stalled on full
			// buffers.
			last, deadline := int64(-1), time.Now().Add(10*time.Second)
			for (last <= 0 || tr.Moved.Load() != last) && time.Now().Before(deadline) {
				last = tr.Moved.Load()
				time.Sleep(100 * time.Millisecond)
			}
			if last >= size/2 {
				t.Fatalf("sent %d of %d bytes before the client read: no room to truncate", last, size)
			}
			if err := os.Truncate(filepath.Join(dir, "big"), 1<<20); err != nil {
				t.Fatal(err)
			}
			go io.Copy(io.Discard, c)
			o := within(t, 10*time.Second, done)
			if o.Kind != LocalError || !errors.Is(o.Err, errFileShrank) {
				t.Errorf("RETR of a file truncated under it: outcome %v (%v), want LocalError (451) for errFileShrank", o.Kind, o.Err)
			}
		})
	}
}
