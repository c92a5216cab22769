package xfer

import (
	"bytes"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/synth"
)

func synthFS(t *testing.T) *synth.FS {
	t.Helper()
	s, err := synth.New(synth.Options{Mount: "/synthetic", Sink: "/sink", Max: 1 << 30, Seed: "t", Tree: 50})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// expected is the synthetic content of name from off.
func expected(name string, off, size int64) []byte {
	b := make([]byte, size-off)
	synth.NewGen([]byte("t"), name).Fill(b, off)
	return b
}

// runWithClient runs tr while a client connects to its passive listener
// and calls talk with the connection.
func runWithClient(t *testing.T, tr *Transfer, dial func() net.Conn, talk func(net.Conn)) Outcome {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		c := dial()
		if c == nil {
			return
		}
		defer c.Close()
		talk(c)
	}()
	o := tr.Run(context.Background(), &progress{})
	within(t, 10*time.Second, done)
	return o
}

func TestSynthRetr(t *testing.T) {
	s := synthFS(t)
	f, _ := rootFS(t, nil)
	for _, c := range []struct {
		name  string
		path  string
		rest  int64
		ascii bool
		size  int64
	}{
		{"whole", "/synthetic/3M.bin", 0, false, 3 << 20},
		{"rest", "/synthetic/3M.bin", 1234567, false, 3 << 20},
		{"rest at the end", "/synthetic/1K.bin", 1024, false, 1024},
		{"tree file", "/synthetic/tree/d000049/f000003-64K.bin", 0, false, 64 << 10},
		{"empty", "/synthetic/0.bin", 0, false, 0},
		{"TYPE A", "/synthetic/200K.bin", 0, true, 200 << 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, dial := passive(t)
			tr := &Transfer{Op: Retr, FS: f, Synth: s, Path: c.path, Verb: "RETR", Rest: c.rest, ASCII: c.ascii, Data: d}
			var got []byte
			o := runWithClient(t, tr, dial, func(conn net.Conn) { got, _ = io.ReadAll(conn) })
			if o.Kind != Complete {
				t.Fatalf("outcome %v (%v)", o.Kind, o.Err)
			}
			name := c.path[strings.LastIndexByte(c.path, '/')+1:]
			want := expected(name, c.rest, c.size)
			if c.ascii {
				var enc CRLFEncoder
				want = enc.Append(nil, want)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("got %d bytes that are not the synthetic content from %d", len(got), c.rest)
			}
			if tr.Moved.Load() != int64(len(want)) {
				t.Errorf("Moved %d, want %d", tr.Moved.Load(), len(want))
			}
		})
	}
}

func TestSynthRefused(t *testing.T) {
	s := synthFS(t)
	f, _ := rootFS(t, nil)
	for _, c := range []struct {
		op   TransferOp
		path string
		rest int64
		want Kind
	}{
		{Retr, "/synthetic/2G.bin", 0, NotExist}, // above Max
		{Retr, "/synthetic/hello.txt", 0, NotExist},
		{Retr, "/synthetic", 0, IsDir},
		{Retr, "/synthetic/1K.bin", 1025, BadOffset},
		{Retr, "/sink/1K.bin", 0, NotExist},
		{Stor, "/synthetic/1K.bin", 0, Denied},
		{Appe, "/synthetic/new.bin", 0, Denied},
		{Stor, "/sink", 0, IsDir},
		{Stor, "/sink/a/1K.bin", 0, Denied},
		{Stor, "/sink/1K.bin", 2000, BadOffset},
		{List, "/synthetic/nothing", 0, NotExist},
	} {
		d, _ := passive(t)
		tr := &Transfer{Op: c.op, FS: f, Synth: s, Path: c.path, Verb: c.op.String(), Rest: c.rest, Data: d}
		if o := tr.Run(context.Background(), &progress{}); o.Kind != c.want {
			t.Errorf("%v %s (REST %d): %v, want %v", c.op, c.path, c.rest, o.Kind, c.want)
		}
	}
}

func TestSinkVerifies(t *testing.T) {
	s := synthFS(t)
	f, dir := rootFS(t, nil)
	good := expected("300K.bin", 0, 300<<10)
	bad := append([]byte(nil), good...)
	bad[200000] ^= 0xff
	for _, c := range []struct {
		name string
		path string
		rest int64
		data []byte
		kind Kind
		text string
	}{
		{"match", "/sink/300K.bin", 0, good, Verified, "Transfer complete: 307200 bytes match 300K.bin."},
		{"match from REST", "/sink/300K.bin", 100000, good[100000:], Verified, "Transfer complete: 207200 bytes match 300K.bin."},
		{"corrupted", "/sink/300K.bin", 0, bad, Mismatch, "Content differs from 300K.bin at offset 200000."},
		{"short", "/sink/300K.bin", 0, good[:300000], Mismatch, "Upload ended at offset 300000; 300K.bin has 307200 bytes."},
		{"long", "/sink/300K.bin", 0, append(append([]byte(nil), good...), 1, 2), Mismatch, "Upload longer than 300K.bin: extra bytes from offset 307200."},
		{"other content", "/sink/x-300K.bin", 0, good, Mismatch, "Content differs from x-300K.bin at offset 0."},
		{"unchecked", "/sink/notes.txt", 0, bad, Verified, "Transfer complete: 307200 bytes counted and discarded."},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, dial := passive(t)
			tr := &Transfer{Op: Stor, FS: f, Synth: s, Path: c.path, Verb: "STOR", Rest: c.rest, Data: d}
			o := runWithClient(t, tr, dial, func(conn net.Conn) { _, _ = conn.Write(c.data) })
			if o.Kind != c.kind || o.Text != c.text {
				t.Errorf("outcome %v %q (%v), want %v %q", o.Kind, o.Text, o.Err, c.kind, c.text)
			}
			if uint16(o.Kind.Code()) != map[Kind]uint16{Verified: 226, Mismatch: 451}[c.kind] {
				t.Errorf("code %d", o.Kind.Code())
			}
		})
	}
	if ents, err := f.OpenDir("/"); err == nil {
		names, _ := ents.Readdirnames(-1)
		ents.Close()
		if len(names) != 0 {
			t.Errorf("the sink wrote to the disk (%s): %v", dir, names)
		}
	}
}

func TestSynthList(t *testing.T) {
	s := synthFS(t)
	f, _ := rootFS(t, nil)
	for _, c := range []struct {
		path   string
		format ListFormat
		lines  int
		first  string
	}{
		{"/synthetic/tree", FormatNLST, 50, "d000000"},
		{"/synthetic/tree/d000007", FormatList, 50, "f000000-1K.bin"},
		{"/synthetic/tree/d000007", FormatMLSD, 50, "f000000-1K.bin"},
		{"/synthetic", FormatNLST, 7, "100M.bin"},
		{"/synthetic/1G.bin", FormatList, 1, "1G.bin"},
		{"/sink", FormatList, 0, ""},
	} {
		d, dial := passive(t)
		tr := &Transfer{Op: List, FS: f, Synth: s, Path: c.path, Verb: "LIST", Data: d, List: ListOptions{Format: c.format, Facts: codec.DefaultFacts}}
		var got []byte
		o := runWithClient(t, tr, dial, func(conn net.Conn) { got, _ = io.ReadAll(conn) })
		lines := strings.Split(strings.TrimSuffix(string(got), "\r\n"), "\r\n")
		if len(got) == 0 {
			lines = nil
		}
		if o.Kind != Complete || len(lines) != c.lines || (c.lines > 0 && !strings.HasSuffix(lines[0], c.first)) {
			t.Errorf("%v %s: %v, %d lines, first %q; want %d lines, first %q", c.format, c.path, o.Kind, len(lines), lines, c.lines, c.first)
		}
		if c.format == FormatMLSD && !strings.Contains(lines[1], "size=4096;") {
			t.Errorf("MLSD line %q has no size=4096", lines[1])
		}
	}
}

func TestSynthFSJob(t *testing.T) {
	s := synthFS(t)
	f, _ := rootFS(t, map[string]string{"real.txt": "x"})
	for _, c := range []struct {
		op   FSOp
		path string
		from string
		want Kind
		size int64
	}{
		{OpSize, "/synthetic/1G.bin", "", Size, 1 << 30},
		{OpSize, "/synthetic/tree/d000001/f000002-16K.bin", "", Size, 16 << 10},
		{OpSize, "/synthetic/tree", "", NoSize, 0},
		{OpSize, "/synthetic/nope", "", NotExist, 0},
		{OpModTime, "/synthetic/1G.bin", "", ModTime, 0},
		{OpChdir, "/synthetic/tree/d000003", "", DirChanged, 0},
		{OpChdir, "/sink", "", DirChanged, 0},
		{OpChdir, "/synthetic/1K.bin", "", NotDir, 0},
		{OpFacts, "/synthetic/1K.bin", "", Facts, 0},
		{OpStatus, "/synthetic/tree", "", Status, 0},
		{OpMkdir, "/synthetic/new", "", Denied, 0},
		{OpMkdir, "/sink/new", "", Denied, 0},
		{OpDelete, "/synthetic/1K.bin", "", Denied, 0},
		{OpRmdir, "/synthetic/tree", "", Denied, 0},
		{OpRenameFrom, "/synthetic/1K.bin", "", Denied, 0},
		{OpRenameTo, "/synthetic/x", "/real.txt", Denied, 0},
		{OpRenameTo, "/moved.txt", "/synthetic/1K.bin", Denied, 0},
		{OpChmod, "/synthetic/1K.bin", "", Denied, 0},
		{OpSetModTime, "/synthetic/1K.bin", "", Denied, 0},
	} {
		j := &FSJob{Op: c.op, FS: f, Synth: s, Path: c.path, From: c.from, Verb: c.op.String(), Facts: codec.DefaultFacts}
		o := j.Run(context.Background(), nil)
		if o.Kind != c.want || o.Size != c.size {
			t.Errorf("%v %s: %v size %d, want %v size %d", c.op, c.path, o.Kind, o.Size, c.want, c.size)
		}
		switch {
		case o.Kind == ModTime && !o.Time.Equal(synth.ModTime):
			t.Errorf("MDTM %v, want %v", o.Time, synth.ModTime)
		case o.Kind == Facts && (!strings.Contains(o.Text, "size=1024;") || !strings.Contains(o.Text, "type=file;")):
			t.Errorf("MLST facts %q", o.Text)
		case o.Kind == Status && strings.Count(o.Text, "\n") != 49:
			t.Errorf("STAT of tree: %d lines", strings.Count(o.Text, "\n")+1)
		}
	}
	if fi, err := f.Stat("/real.txt"); err != nil || fi.Size() != 1 {
		t.Errorf("the real file was touched: %v %v", fi, err)
	}
}

// TestSynthStatBounded: STAT lists a big synthetic directory on the
// control channel only up to maxStatEntries entries; LIST has no bound.
func TestSynthStatBounded(t *testing.T) {
	s, err := synth.New(synth.Options{Mount: "/synthetic", Tree: maxStatEntries + 1})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := rootFS(t, nil)
	j := &FSJob{Op: OpStatus, FS: f, Synth: s, Path: "/synthetic/tree", Verb: "STAT"}
	if o := j.Run(context.Background(), nil); o.Kind != TooMany {
		t.Errorf("STAT of %d entries: %v, want TooMany", maxStatEntries+1, o.Kind)
	}
	j.Path = "/synthetic"
	if o := j.Run(context.Background(), nil); o.Kind != Status || !strings.Contains(o.Text, "tree") {
		t.Errorf("STAT of the mount: %v %q", o.Kind, o.Text)
	}
}
