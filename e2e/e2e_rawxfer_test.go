package e2e

// Raw protocol tests of the data channel: every transfer command over EPSV,
// PASV, PORT and EPRT, ABOR in its forms, commands during a transfer and the
// passive port range.

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var listRE = regexp.MustCompile(`^([-dlpscb])[-r][-w][-xsS][-r][-w][-xsS][-r][-w][-xtT] +\d+ \S+ +\S+ +(\d+) ([A-Z][a-z]{2} [ 0-9]\d (?:\d\d:\d\d| \d{4})) (.+)$`)

// TestRawTransfers runs each transfer command over EPSV, PASV, PORT and
// EPRT and checks 150, the data, 226 and the file on disk.
func TestRawTransfers(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	t.Run("RETR", func(t *testing.T) {
		c := s.login(t, &alice)
		data, r := c.retr("RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("RETR hello.txt: %q, %q; want %q, 226", data, r, helloText)
		}
		for _, p := range []string{"missing", "sub", "/sub/"} {
			if _, r := c.retr("RETR " + p); r.code != 550 {
				t.Errorf("RETR %s: %q, want 550", p, r)
			}
		}
		c.expect("NOOP", 200)
	})

	t.Run("226 follows the end of the data", func(t *testing.T) {
		c := s.login(t, &alice)
		d := c.epsvData()
		c.must("RETR hello.txt", 150)
		// Read the final reply before touching the data: by the time it
		// arrives the server must have closed the data connection, so the
		// data and then EOF are there at once.
		if r := c.read(); r.code != 226 {
			t.Fatalf("RETR hello.txt: %q, want 226", r)
		}
		_ = d.SetReadDeadline(time.Now().Add(2 * time.Second))
		data, err := io.ReadAll(d)
		if err != nil || string(data) != helloText {
			t.Errorf("data after the 226: %q, %v; want %q and EOF", data, err, helloText)
		}
	})

	t.Run("REST then RETR", func(t *testing.T) {
		c := s.login(t, &alice)
		c.must("REST 6", 350)
		data, r := c.retr("RETR hello.txt")
		if r.code != 226 || string(data) != "world\n" {
			t.Errorf("REST 6 + RETR: %q, %q; want %q, 226", data, r, "world\n")
		}
		// The offset applies to one transfer only.
		data, _ = c.retr("RETR hello.txt")
		if string(data) != helloText {
			t.Errorf("RETR after a REST'ed one: %q, want the whole file", data)
		}
	})

	t.Run("STOR APPE and REST STOR", func(t *testing.T) {
		c := s.login(t, &alice)
		want := content(300<<10, 1)
		if p, r := c.stor("STOR up/../stored.bin", want); p.code != 150 || r.code != 226 {
			t.Fatalf("STOR: %q then %q, want 150 then 226", p, r)
		}
		if got := readFile(t, s.path("stored.bin")); got != string(want) {
			t.Errorf("stored.bin: %d bytes on disk differ from the %d sent", len(got), len(want))
		}
		if fi, err := os.Stat(s.path("stored.bin")); err != nil || fi.Mode().Perm() != 0o644 {
			t.Errorf("stored.bin mode %v %v, want 0644 (umask 022)", fi.Mode(), err)
		}
		if _, r := c.stor("APPE stored.bin", []byte("tail")); r.code != 226 {
			t.Errorf("APPE: %q, want 226", r)
		}
		if got := readFile(t, s.path("stored.bin")); got != string(want)+"tail" {
			t.Errorf("after APPE: %d bytes, want %d ending in tail", len(got), len(want)+4)
		}
		if _, r := c.stor("APPE new-by-appe.txt", []byte("fresh")); r.code != 226 {
			t.Errorf("APPE to a new file: %q, want 226", r)
		}
		if got := readFile(t, s.path("new-by-appe.txt")); got != "fresh" {
			t.Errorf("APPE to a new file: %q on disk", got)
		}
		if _, r := c.stor("STOR resume.txt", []byte("hello world")); r.code != 226 {
			t.Fatalf("STOR resume.txt: %q", r)
		}
		c.must("REST 6", 350)
		if _, r := c.stor("STOR resume.txt", []byte("WORLD!")); r.code != 226 {
			t.Errorf("REST 6 + STOR: %q, want 226", r)
		}
		if got := readFile(t, s.path("resume.txt")); got != "hello WORLD!" {
			t.Errorf("REST 6 + STOR: %q on disk, want %q", got, "hello WORLD!")
		}
		if _, r := c.stor("STOR sub", []byte("x")); r.code != 550 {
			t.Errorf("STOR over a directory: %q, want 550", r)
		}
		if _, r := c.stor("STOR missing-dir/x", []byte("x")); r.code != 550 && r.code != 553 {
			t.Errorf("STOR into a missing directory: %q, want 550 or 553", r)
		}
	})

	t.Run("STOU", func(t *testing.T) {
		c := s.login(t, &alice)
		for i, line := range []string{"STOU", "STOU hello.txt", "STOU hello.txt"} {
			body := fmt.Sprintf("unique %d", i)
			p, r := c.stor(line, []byte(body))
			name, ok := strings.CutPrefix(p.msg, "FILE: ")
			if p.code != 150 || !ok || name == "" {
				t.Errorf("%s: preliminary %q, want \"150 FILE: <name>\"", line, p)
				continue
			}
			if r.code != 226 {
				t.Errorf("%s: final %q, want 226", line, r)
			}
			if got := readFile(t, s.path(vpath(name))); got != body {
				t.Errorf("%s stored %q as %q, want %q", line, name, got, body)
			}
		}
		if got := readFile(t, s.path("hello.txt")); got != helloText {
			t.Errorf("STOU hello.txt overwrote hello.txt: %q", got)
		}
	})

	t.Run("TYPE A converts line ends", func(t *testing.T) {
		c := s.login(t, &alice)
		c.must("TYPE A", 200)
		data, r := c.retr("RETR text.txt")
		if r.code != 226 || string(data) != "line1\r\nline2\r\n" {
			t.Errorf("TYPE A RETR: %q, %q; want CRLF line ends", data, r)
		}
		if _, r := c.stor("STOR ascii-up.txt", []byte("a\r\nb\r\nc\r\n")); r.code != 226 {
			t.Errorf("TYPE A STOR: %q", r)
		}
		if got := readFile(t, s.path("ascii-up.txt")); got != "a\nb\nc\n" {
			t.Errorf("TYPE A STOR stored %q, want LF line ends", got)
		}
		c.must("TYPE I", 200)
		data, _ = c.retr("RETR text.txt")
		if string(data) != "line1\nline2\n" {
			t.Errorf("TYPE I RETR: %q, want the bytes on disk", data)
		}
		c.must("TYPE A", 200)
		data, _ = c.retr("RETR ascii-up.txt")
		if string(data) != "a\r\nb\r\nc\r\n" {
			t.Errorf("TYPE A round trip: %q", data)
		}
	})

	t.Run("LIST NLST MLSD", func(t *testing.T) {
		c := s.login(t, &alice)
		data, r := c.retr("LIST")
		if r.code != 226 {
			t.Fatalf("LIST: %q", r)
		}
		names := map[string]string{}
		for _, l := range lines(string(data)) {
			m := listRE.FindStringSubmatch(l)
			if m == nil {
				t.Errorf("LIST line %q is not `ls -l` style", l)
				continue
			}
			names[m[4]] = l
			if m[4] == "hello.txt" && (m[1] != "-" || m[2] != strconv.Itoa(len(helloText))) {
				t.Errorf("LIST hello.txt: %q, want a regular file of %d bytes", l, len(helloText))
			}
			if m[4] == "sub" && m[1] != "d" {
				t.Errorf("LIST sub: %q, want a directory", l)
			}
			if m[4] == "text.txt" && m[3] != "Feb  3  2021" {
				t.Errorf("LIST text.txt date %q, want %q", m[3], "Feb  3  2021")
			}
		}
		for _, n := range []string{"hello.txt", "text.txt", "sub", "empty", "big.bin"} {
			if _, ok := names[n]; !ok {
				t.Errorf("LIST lacks %s:\n%s", n, data)
			}
		}
		if _, ok := names[".hidden"]; ok {
			t.Errorf("LIST without -a shows .hidden")
		}
		data, _ = c.retr("LIST -a")
		if !strings.Contains(string(data), " .hidden\r\n") {
			t.Errorf("LIST -a lacks .hidden:\n%s", data)
		}
		data, _ = c.retr("LIST -la /sub")
		if ls := lines(string(data)); !slices.ContainsFunc(ls, func(l string) bool { return strings.HasSuffix(l, " inner.txt") }) {
			t.Errorf("LIST -la /sub: %q", data)
		}
		data, r = c.retr("LIST hello.txt")
		if ls := lines(string(data)); r.code != 226 || len(ls) != 1 || !strings.HasSuffix(ls[0], "hello.txt") {
			t.Errorf("LIST hello.txt: %q, %q; want one line", data, r)
		}
		if _, r := c.retr("LIST missing"); r.code != 550 && r.code != 450 {
			t.Errorf("LIST missing: %q, want 550", r)
		}

		data, r = c.retr("NLST")
		got := lines(string(data))
		slices.Sort(got)
		if want := []string{"big.bin", "empty", "hello.txt", "sub", "text.txt"}; r.code != 226 || !containsAll(got, want) || slices.Contains(got, ".hidden") {
			t.Errorf("NLST: %q, %q; want %q", got, r, want)
		}
		if !strings.HasSuffix(string(data), "\r\n") {
			t.Errorf("NLST lines must end in CRLF: %q", data)
		}
		data, _ = c.retr("NLST sub")
		if ls := lines(string(data)); len(ls) != 1 || !strings.HasSuffix(ls[0], "inner.txt") {
			t.Errorf("NLST sub: %q", data)
		}

		data, r = c.retr("MLSD")
		if r.code != 226 {
			t.Fatalf("MLSD: %q", r)
		}
		entries := parseMLSD(t, string(data))
		if e := entries["hello.txt"]; e["type"] != "file" || e["size"] != strconv.Itoa(len(helloText)) || e["modify"] == "" || e["perm"] == "" || e["unique"] == "" {
			t.Errorf("MLSD hello.txt facts %v, want type=file size modify perm unique", e)
		}
		if e := entries["sub"]; e["type"] != "dir" || e["modify"] == "" || e["perm"] == "" || e["unique"] == "" {
			t.Errorf("MLSD sub facts %v, want type=dir modify perm unique", e)
		}
		if !strings.Contains(entries["hello.txt"]["perm"], "w") || !strings.Contains(entries["sub"]["perm"], "c") {
			t.Errorf("MLSD perm for a user who may write: %v / %v", entries["hello.txt"]["perm"], entries["sub"]["perm"])
		}
		if entries["hello.txt"]["unique"] == entries["text.txt"]["unique"] {
			t.Errorf("two files share unique=%s", entries["hello.txt"]["unique"])
		}
		if _, r := c.retr("MLSD hello.txt"); r.code != 550 && r.code != 501 {
			t.Errorf("MLSD of a file: %q, want 550 or 501", r)
		}
	})

	t.Run("PASV", func(t *testing.T) {
		c := s.login(t, &alice)
		data, r := c.retrOver(c.dialData(c.pasv()), "RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("RETR over PASV: %q, %q", data, r)
		}
	})

	for _, mode := range []string{"PORT", "EPRT"} {
		t.Run(mode, func(t *testing.T) {
			c := s.login(t, &alice)
			data, r := c.retrActive(mode, "RETR hello.txt", nil)
			if r.code != 226 || string(data) != helloText {
				t.Errorf("RETR over %s: %q, %q", mode, data, r)
			}
			data, r = c.retrActive(mode, "NLST", nil)
			if r.code != 226 || !strings.Contains(string(data), "hello.txt\r\n") {
				t.Errorf("NLST over %s: %q, %q", mode, data, r)
			}
			if _, r = c.retrActive(mode, "STOR active-"+mode, []byte("sent actively")); r.code != 226 {
				t.Errorf("STOR over %s: %q", mode, r)
			}
			if got := readFile(t, s.path("active-"+mode)); got != "sent actively" {
				t.Errorf("STOR over %s stored %q", mode, got)
			}
		})
	}

	t.Run("EPSV ALL", func(t *testing.T) {
		c := s.login(t, &alice)
		c.must("EPSV ALL", 200)
		ln, portArg, eprtArg := activeListener(t)
		defer ln.Close()
		c.expectClass("PORT "+portArg, 5)
		c.expectClass("EPRT "+eprtArg, 5)
		c.expectClass("PASV", 5)
		data, r := c.retr("RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("RETR over EPSV after EPSV ALL: %q, %q", data, r)
		}
	})

	t.Run("REIN", func(t *testing.T) {
		c := s.login(t, &alice)
		c.must("TYPE A", 200)
		c.must("CWD sub", 250)
		c.expect("REIN", 220)
		c.expect("PWD", 530)
		c.expect("RETR inner.txt", 530)
		c.login(&bob)
		c.expect("PWD", 257)
		if r := c.cmd("PWD"); !strings.HasPrefix(r.msg, `"/"`) {
			t.Errorf("PWD after REIN and a new login: %q, want /", r)
		}
		data, _ := c.retr("RETR text.txt")
		if string(data) != "line1\nline2\n" {
			t.Errorf("REIN kept TYPE A: %q", data)
		}
	})
}

// retrActive runs a command over PORT or EPRT to a listener of the test,
// uploading up when it is not nil.
func (c *ctrl) retrActive(mode, line string, up []byte) ([]byte, reply) {
	c.t.Helper()
	ln, portArg, eprtArg := activeListener(c.t)
	defer ln.Close()
	if mode == "PORT" {
		c.must("PORT "+portArg, 200)
	} else {
		c.must("EPRT "+eprtArg, 200)
	}
	r := c.cmd(line)
	if r.code/100 != 1 {
		return nil, r
	}
	if r.code != 150 {
		c.t.Errorf("%s: preliminary %q, want 150", line, r)
	}
	_ = ln.SetDeadline(time.Now().Add(replyTimeout))
	d, err := ln.Accept()
	if err != nil {
		c.t.Fatalf("%s over %s: the server did not connect: %v", line, mode, err)
	}
	defer d.Close()
	_ = d.SetDeadline(time.Now().Add(dataTimeout))
	if remote := d.RemoteAddr().(*net.TCPAddr); !remote.IP.Equal(net.ParseIP(c.s.host)) {
		c.t.Errorf("active data connection from %v, want the server's %s", remote, c.s.host)
	}
	var data []byte
	if up != nil {
		if _, err := d.Write(up); err != nil {
			c.t.Fatalf("%s: writing data: %v", line, err)
		}
		d.Close()
	} else if data, err = io.ReadAll(d); err != nil {
		c.t.Fatalf("%s: reading data: %v", line, err)
	}
	return data, c.read()
}

// activeListener listens on 127.0.0.1:0 and returns its PORT and EPRT
// arguments.
func activeListener(t *testing.T) (*net.TCPListener, string, string) {
	t.Helper()
	ln, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return ln, fmt.Sprintf("127,0,0,1,%d,%d", port>>8, port&0xff), fmt.Sprintf("|1|127.0.0.1|%d|", port)
}

func vpath(name string) string { return "/" + strings.TrimPrefix(name, "/") }

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// parseMLSD parses MLSD lines ("fact=value;...; name") into name -> facts,
// with fact names in lower case.
func parseMLSD(t *testing.T, data string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	for _, l := range lines(data) {
		factStr, name, ok := strings.Cut(l, " ")
		if !ok || !strings.HasSuffix(factStr, ";") {
			t.Errorf("MLSD line %q is not \"facts; name\"", l)
			continue
		}
		facts := map[string]string{}
		for _, f := range strings.Split(strings.TrimSuffix(factStr, ";"), ";") {
			k, v, _ := strings.Cut(f, "=")
			facts[strings.ToLower(k)] = v
		}
		out[name] = facts
	}
	return out
}

// TestRawAbortDuringTransfer: ABOR during RETR and STOR answers 426 for the
// transfer, then 226 for the ABOR, and the session goes on.
func TestRawAbortDuringTransfer(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	t.Run("RETR", func(t *testing.T) {
		c := s.login(t, &alice)
		d := c.epsvData()
		c.must("RETR big.bin", 150)
		if _, err := io.ReadFull(d, make([]byte, 64<<10)); err != nil {
			t.Fatalf("reading the first 64 KiB: %v", err)
		}
		c.send("ABOR")
		if r := c.read(); r.code != 426 {
			t.Errorf("first reply after ABOR: %q, want 426 for the transfer", r)
		}
		if r := c.read(); r.code != 226 {
			t.Errorf("second reply after ABOR: %q, want 226 for the ABOR", r)
		}
		c.expect("NOOP", 200)
		data, r := c.retr("RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("RETR after ABOR: %q, %q", data, r)
		}
	})

	t.Run("STOR", func(t *testing.T) {
		c := s.login(t, &alice)
		d := c.epsvData()
		c.must("STOR aborted.bin", 150)
		if _, err := d.Write(content(256<<10, 2)); err != nil {
			t.Fatalf("writing: %v", err)
		}
		c.send("ABOR")
		if r := c.read(); r.code != 426 {
			t.Errorf("first reply after ABOR: %q, want 426 for the transfer", r)
		}
		if r := c.read(); r.code != 226 {
			t.Errorf("second reply after ABOR: %q, want 226 for the ABOR", r)
		}
		c.expect("NOOP", 200)
		data, _ := c.retr("NLST")
		if strings.Contains(string(data), ".part") {
			t.Errorf("an upload temporary is listed after ABOR: %q", data)
		}
	})

	t.Run("waiting for the data connection", func(t *testing.T) {
		c := s.login(t, &alice)
		c.epsv()
		c.send("RETR hello.txt") // nobody connects
		time.Sleep(100 * time.Millisecond)
		c.send("ABOR")
		r1 := c.read()
		r2 := c.read()
		// RFC 959: the aborted command answers 4xx (425 or 426), ABOR 226.
		if r1.code/100 != 4 || r2.code != 226 {
			t.Errorf("ABOR before the data connection: %q then %q, want 4xx then 226", r1, r2)
		}
		c.expect("NOOP", 200)
	})
}

// TestRawAbortUrgent: clients send ABOR as urgent data. The RFC 959
// §4.1.3 form (BSD ftp, lftp) sends "IAC IP IAC" in band, the Synch's DM
// out of band, then "ABOR"; Python's ftplib sends all of "ABOR\r\n" with
// MSG_OOB, so the urgent byte is its final '\n'. A socket without
// SO_OOBINLINE never delivers that byte in band.
func TestRawAbortUrgent(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	tests := []struct {
		name  string
		parts []urgentPart
	}{
		{"RFC 959 Synch", []urgentPart{{"\xff\xf4\xff", false}, {"\xf2", true}, {"ABOR\r\n", false}}},
		{"whole line out of band (ftplib)", []urgentPart{{"ABOR\r\n", true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.login(t, &alice)
			d := c.epsvData()
			c.must("RETR big.bin", 150)
			if _, err := io.ReadFull(d, make([]byte, 64<<10)); err != nil {
				t.Fatal(err)
			}
			for _, p := range tt.parts {
				c.sendUrgent(p)
				time.Sleep(10 * time.Millisecond) // separate segments
			}
			r1, err := c.readErr(5 * time.Second)
			if err != nil {
				t.Fatalf("no reply within 5s of the urgent ABOR: %v", err)
			}
			r2 := c.read()
			if r1.code != 426 || r2.code != 226 {
				t.Errorf("urgent ABOR: %q then %q, want 426 then 226", r1, r2)
			}
			c.expect("NOOP", 200)
		})
	}
}

// urgentPart is bytes sent in one send(2), out of band when oob is set.
type urgentPart struct {
	data string
	oob  bool
}

func (c *ctrl) sendUrgent(p urgentPart) {
	c.t.Helper()
	if !p.oob {
		c.sendRaw(p.data)
		return
	}
	raw, err := c.conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		c.t.Fatal(err)
	}
	var serr error
	if err := raw.Write(func(fd uintptr) bool {
		serr = syscall.Sendto(int(fd), []byte(p.data), syscall.MSG_OOB, nil)
		return true
	}); err != nil || serr != nil {
		c.t.Fatalf("send MSG_OOB: %v %v", err, serr)
	}
}

// TestRawDuringTransfer: STAT and NOOP are answered while a transfer runs,
// before its 226; other commands wait for it, in order.
func TestRawDuringTransfer(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	c := s.login(t, &alice)
	d := c.epsvData()
	c.must("RETR big.bin", 150)
	if _, err := io.ReadFull(d, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	// The transfer is blocked on us now: these must be answered anyway.
	if r := c.cmd("STAT"); r.code != 211 && r.code != 213 {
		t.Errorf("STAT during a transfer: %q, want 211 or 213", r)
	} else if !strings.Contains(r.msg, "\n") {
		t.Errorf("STAT during a transfer: %q, want a multi-line status", r)
	}
	c.expect("NOOP", 200)
	c.send("PWD") // must wait for the transfer's 226
	n, err := io.Copy(io.Discard, d)
	if err != nil || n != bigSize-(1<<20) {
		t.Errorf("rest of big.bin: %d bytes, %v; want %d", n, err, bigSize-(1<<20))
	}
	if r := c.read(); r.code != 226 {
		t.Errorf("after the data: %q, want 226", r)
	}
	if r := c.read(); r.code != 257 {
		t.Errorf("PWD sent during the transfer: %q, want 257 after the 226", r)
	}
}

// TestRawUmask: -umask applies to uploads and new directories.
func TestRawUmask(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-umask", "027")
	c := s.login(t, &alice)
	if _, r := c.stor("STOR masked.txt", []byte("m")); r.code != 226 {
		t.Fatalf("STOR: %q", r)
	}
	c.must("MKD maskdir", 257)
	for p, want := range map[string]os.FileMode{"masked.txt": 0o640, "maskdir": 0o750} {
		if fi, err := os.Stat(s.path(p)); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v %v, want %v with -umask 027", p, fi.Mode().Perm(), err, want)
		}
	}
}

// TestRawPasvPorts: -pasv-ports confines passive listeners to the range; a
// one-port range serves transfer after transfer, and a second session
// waiting for it gets 425 while the port is held.
func TestRawPasvPorts(t *testing.T) {
	t.Parallel()
	// A free port below the ephemeral range (32768 and up), so that no
	// client socket of a test running at the same time can take it.
	port := 0
	for range 100 {
		p := 20000 + rand.IntN(10000)
		if probe, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(p))); err == nil {
			probe.Close()
			port = p
			break
		}
	}
	if port == 0 {
		t.Fatal("no free port in 20000-29999")
	}
	s := rawServer(t, "-pasv-ports", fmt.Sprintf("%d-%d", port, port))

	c := s.login(t, &alice)
	for i := range 3 {
		if got := c.epsv(); got != port {
			t.Fatalf("EPSV #%d announced port %d, want %d (-pasv-ports)", i, got, port)
		}
		data, r := c.retrOver(c.dialData(net.JoinHostPort(s.host, strconv.Itoa(port))), "RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("transfer #%d on the one passive port: %q, %q", i, data, r)
		}
	}
	if got := c.pasv(); got != net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) {
		t.Errorf("PASV announced %s, want 127.0.0.1:%d", got, port)
	}
	other := s.login(t, &bob)
	other.expect("EPSV", 425)
	other.expect("PASV", 425)
	c.expect("ABOR", 225) // frees the port
	if got := other.epsv(); got != port {
		t.Errorf("EPSV after the port was freed: %d, want %d", got, port)
	}
}
