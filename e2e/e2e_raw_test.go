package e2e

// Raw protocol tests: every command of the server's table sent over a plain
// control connection, with the exact reply code RFC 959, 2389, 2428, 3659
// and 2640 give for it.

import (
	"crypto/rand"
	"fmt"
	"io"
	"maps"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixtureTime is the modification time of every fixture file: old enough
// for LIST to show the year form.
var fixtureTime = time.Date(2021, 2, 3, 4, 5, 6, 0, time.UTC)

const (
	helloText = "hello world\n"
	bigSize   = 64 << 20 // sparse: costs no disk
)

// rawServer starts a server whose root holds the fixture files.
func rawServer(t *testing.T, args ...string) *server {
	t.Helper()
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"hello.txt":     helloText,
		".hidden":       "dot file",
		"text.txt":      "line1\nline2\n",
		"sub/inner.txt": "inner",
		"empty/":        "",
	})
	for _, p := range []string{"hello.txt", ".hidden", "text.txt", "sub/inner.txt"} {
		if err := os.Chtimes(filepath.Join(root, p), fixtureTime, fixtureTime); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(root, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(bigSize); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return startServer(t, serverConfig{root: root, args: args})
}

// TestRawBeforeLogin: commands that need a login answer 530 and do
// nothing; the few RFC 959 and 2389 allow before login work.
func TestRawBeforeLogin(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	c := s.dial(t)
	tests := []struct {
		line string
		code int
	}{
		{"FEAT", 211},
		{"SYST", 215},
		{"HELP", 214},
		{"NOOP", 200},
		{"OPTS UTF8 ON", 200},
		{"STAT", 211},
		{"PASS secret", 503}, // no USER yet
		{"BOGUS", 500},
		{"CWD /sub", 530},
		{"XCWD /sub", 530},
		{"CDUP", 530},
		{"XCUP", 530},
		{"PWD", 530},
		{"XPWD", 530},
		{"ACCT x", 530},
		{"PORT 127,0,0,1,4,1", 530},
		{"EPRT |1|127.0.0.1|1025|", 530},
		{"PASV", 530},
		{"EPSV", 530},
		{"TYPE I", 530},
		{"STRU F", 530},
		{"MODE S", 530},
		{"RETR hello.txt", 530},
		{"STOR x", 530},
		{"STOU", 530},
		{"APPE x", 530},
		{"ALLO 10", 530},
		{"REST 1", 530},
		{"RNFR hello.txt", 530},
		{"RNTO x", 530},
		{"DELE hello.txt", 530},
		{"RMD empty", 530},
		{"XRMD empty", 530},
		{"MKD x", 530},
		{"XMKD x", 530},
		{"LIST", 530},
		{"NLST", 530},
		{"MLSD", 530},
		{"MLST hello.txt", 530},
		{"SIZE hello.txt", 530},
		{"MDTM hello.txt", 530},
		{"MFMT 20200101000000 hello.txt", 530},
		{"SITE CHMOD 777 hello.txt", 530},
		{"STAT /", 530},
	}
	for _, tt := range tests {
		c.expect(tt.line, tt.code)
	}
	got := readTree(t, s.root)
	_, madeX := got["x"]
	_, hasEmpty := got["empty/"]
	if got["hello.txt"] != helloText || madeX || !hasEmpty {
		t.Errorf("the tree changed before login: %v", slices.Sorted(maps.Keys(got)))
	}
	c.login(&alice)
	c.expect("NOOP", 200)
}

// TestRawLoginFormats logs in with every htpasswd hash format; a wrong
// password and an unknown user get 530, and USER answers an unknown name
// exactly as it answers a real one.
func TestRawLoginFormats(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	for _, a := range allAccounts {
		t.Run(a.user+" "+a.hash(a.pass)[:4], func(t *testing.T) {
			c := s.dial(t)
			c.must("USER "+a.user, 331)
			c.expect("PASS wrong-"+a.pass, 530)
			c.expect("PWD", 530)
			c.must("USER "+a.user, 331)
			c.must("PASS "+a.pass, 230)
			c.expect("PWD", 257)
			c.expect("PASS "+a.pass, 202) // RFC 959: superfluous once logged in
			c.expect("ACCT anything", 202)
			c.expect("QUIT", 221)
			if !c.closed(replyTimeout) {
				t.Errorf("connection still open after QUIT")
			}
		})
	}
	t.Run("unknown user", func(t *testing.T) {
		c := s.dial(t)
		known := c.must("USER alice", 331)
		unknown := c.must("USER nobody-here", 331)
		if known.msg != unknown.msg {
			t.Errorf("USER reveals accounts: %q for a user, %q for none", known, unknown)
		}
		c.expect("PASS alice-secret", 530)
		c.expect("PWD", 530)
	})
}

// TestRawCommands sends every non-transfer command of the table with its
// expected reply and checks the effect on disk where there is one.
func TestRawCommands(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	c := s.login(t, &alice)
	isDir := func(p string) func(reply) error {
		return func(reply) error {
			if fi, err := os.Stat(s.path(p)); err != nil || !fi.IsDir() {
				return fmt.Errorf("%s is not a directory on disk: %v", p, err)
			}
			return nil
		}
	}
	absent := func(p string) func(reply) error {
		return func(reply) error {
			if _, err := os.Lstat(s.path(p)); !os.IsNotExist(err) {
				return fmt.Errorf("%s still exists on disk (%v)", p, err)
			}
			return nil
		}
	}
	msgIs := func(want string) func(reply) error {
		return func(r reply) error {
			if r.msg != want {
				return fmt.Errorf("text %q, want %q", r.msg, want)
			}
			return nil
		}
	}
	pwdIs := func(dir string) func(reply) error {
		return func(r reply) error {
			if !strings.HasPrefix(r.msg, `"`+dir+`"`) {
				return fmt.Errorf("PWD %q, want it to start with %q", r.msg, `"`+dir+`"`)
			}
			return nil
		}
	}
	contains := func(subs ...string) func(reply) error {
		return func(r reply) error {
			for _, sub := range subs {
				if !strings.Contains(r.msg, sub) {
					return fmt.Errorf("%q missing from %q", sub, r.msg)
				}
			}
			return nil
		}
	}
	lacks := func(sub string) func(reply) error {
		return func(r reply) error {
			if strings.Contains(r.msg, sub) {
				return fmt.Errorf("%q should not be in %q", sub, r.msg)
			}
			return nil
		}
	}
	mode := func(p string, want os.FileMode) func(reply) error {
		return func(reply) error {
			fi, err := os.Stat(s.path(p))
			if err != nil || fi.Mode().Perm() != want {
				return fmt.Errorf("mode of %s on disk: %v %v, want %v", p, fi.Mode(), err, want)
			}
			return nil
		}
	}
	mtime := func(p string, want time.Time) func(reply) error {
		return func(reply) error {
			fi, err := os.Stat(s.path(p))
			if err != nil || !fi.ModTime().Equal(want) {
				return fmt.Errorf("mtime of %s on disk: %v %v, want %v", p, fi.ModTime(), err, want)
			}
			return nil
		}
	}
	steps := []struct {
		line  string
		code  int // 0: any of codes
		codes []int
		check func(reply) error
	}{
		{line: "PWD", code: 257, check: msgIs(`"/" is the current directory.`)},
		{line: "XPWD", code: 257, check: pwdIs("/")},
		{line: "MKD newdir", code: 257, check: all(contains(`"/newdir"`), isDir("newdir"))},
		{line: "XMKD newdir2", code: 257, check: isDir("newdir2")},
		{line: "MKD newdir", code: 550},
		{line: "CWD newdir", code: 250},
		{line: "PWD", code: 257, check: pwdIs("/newdir")},
		// RFC 959 §5.4 lists 200 for CDUP, most servers send 250.
		{line: "CDUP", codes: []int{200, 250}},
		{line: "PWD", code: 257, check: pwdIs("/")},
		{line: "XCWD sub", code: 250},
		{line: "XPWD", code: 257, check: pwdIs("/sub")},
		{line: "XCUP", codes: []int{200, 250}},
		{line: "PWD", code: 257, check: pwdIs("/")},
		{line: "CWD /sub/../empty", code: 250},
		{line: "PWD", code: 257, check: pwdIs("/empty")},
		{line: "CWD /", code: 250},
		{line: "CWD missing", code: 550},
		{line: "CWD hello.txt", code: 550},
		{line: "RMD newdir", code: 250, check: absent("newdir")},
		{line: "XRMD newdir2", code: 250, check: absent("newdir2")},
		{line: "RMD missing", code: 550},
		{line: "RMD sub", code: 550, check: isDir("sub")}, // not empty
		{line: "TYPE A", code: 200},
		{line: "TYPE A N", code: 200},
		{line: "TYPE L 8", code: 200},
		{line: "TYPE I", code: 200},
		{line: "TYPE E", code: 504},
		{line: "TYPE Z", code: 501},
		{line: "STRU F", code: 200},
		{line: "STRU R", code: 504},
		{line: "MODE S", code: 200},
		{line: "MODE B", code: 504},
		{line: "ALLO 1024", codes: []int{200, 202}},
		{line: "REST 0", code: 350},
		{line: "REST abc", code: 501},
		{line: "RNFR hello.txt", code: 350},
		{line: "RNTO renamed.txt", code: 250, check: all(absent("hello.txt"), fileIs(s, "renamed.txt", helloText))},
		{line: "RNFR renamed.txt", code: 350},
		{line: "RNTO hello.txt", code: 250, check: fileIs(s, "hello.txt", helloText)},
		{line: "RNTO again.txt", code: 503},
		{line: "RNFR hello.txt", code: 350},
		{line: "NOOP", code: 200},
		{line: "RNTO after-noop.txt", code: 503, check: fileIs(s, "hello.txt", helloText)},
		{line: "RNFR missing", code: 550},
		{line: "SIZE hello.txt", code: 213, check: msgIs(strconv.Itoa(len(helloText)))},
		{line: "SIZE sub", code: 550},
		{line: "SIZE missing", code: 550},
		{line: "MDTM hello.txt", code: 213, check: msgIs("20210203040506")},
		{line: "MDTM missing", code: 550},
		{line: "MFMT 20200102030405 hello.txt", code: 213,
			check: all(contains("Modify=20200102030405"), mtime("hello.txt", time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)))},
		{line: "MFMT 2020 hello.txt", code: 501},
		{line: "MFMT 20200102030405 missing", code: 550},
		{line: "SITE HELP", code: 214, check: contains("CHMOD")},
		{line: "SITE CHMOD 600 hello.txt", code: 200, check: mode("hello.txt", 0o600)},
		{line: "SITE CHMOD 751 sub", code: 200, check: mode("sub", 0o751)},
		{line: "SITE CHMOD 644 hello.txt", code: 200, check: mode("hello.txt", 0o644)},
		{line: "SITE CHMOD xyz hello.txt", code: 501, check: mode("hello.txt", 0o644)},
		{line: "SITE CHMOD 644 missing", code: 550},
		{line: "SITE BOGUS", codes: []int{500, 501, 502, 504}},
		{line: "SYST", code: 215, check: msgIs("UNIX Type: L8")},
		{line: "STAT", code: 211, check: contains("alice")},
		{line: "STAT /", code: 213, check: all(contains("hello.txt", "sub", "text.txt"), lacks(".hidden"))},
		{line: "STAT -a /", code: 213, check: contains(".hidden", "hello.txt")},
		{line: "STAT /sub", code: 213, check: contains("inner.txt")},
		{line: "STAT missing", code: 550},
		{line: "HELP", code: 214, check: contains("ABOR", "ACCT", "ALLO", "APPE", "CDUP", "CWD", "DELE", "EPRT", "EPSV",
			"FEAT", "HELP", "LIST", "MDTM", "MFMT", "MKD", "MLSD", "MLST", "MODE", "NLST", "NOOP", "OPTS", "PASS",
			"PASV", "PORT", "PWD", "QUIT", "REIN", "REST", "RETR", "RMD", "RNFR", "RNTO", "SITE", "SIZE", "STAT",
			"STOR", "STOU", "STRU", "SYST", "TYPE", "USER", "XCUP", "XCWD", "XMKD", "XPWD", "XRMD")},
		{line: "HELP RETR", code: 214, check: contains("RETR")},
		{line: "FEAT", code: 211, check: featHas("EPRT", "EPSV", "MDTM", "MFMT", "MLST type*;size*;modify*;perm*;unique*", "REST STREAM", "SIZE", "UTF8")},
		{line: "OPTS UTF8 ON", code: 200},
		{line: "OPTS MLST type;size;", code: 200, check: contains("type;size;")},
		{line: "MLST hello.txt", code: 250, check: all(contains("type=file;size=12; /hello.txt"), lacks("modify="))},
		{line: "OPTS MLST type;size;modify;perm;unique;", code: 200},
		{line: "MLST hello.txt", code: 250, check: mlstEntry("file", "/hello.txt", "size=12", "modify=20200102030405", "perm=", "unique=")},
		{line: "MLST sub", code: 250, check: mlstEntry("dir", "/sub", "modify=", "perm=", "unique=")},
		{line: "MLST missing", code: 550},
		{line: "OPTS NO-SUCH-OPTION", code: 501},
		{line: "NOOP", code: 200},
		{line: "FOOBAR", code: 500},
		{line: "RETR", code: 501},
		{line: "DELE missing", code: 550},
		{line: "DELE sub", code: 550, check: isDir("sub")},
		{line: "RETR hello.txt", code: 425}, // no PORT or PASV
		{line: "PASV", code: 227, check: contains("(127,0,0,1,")},
		{line: "EPSV", code: 229, check: contains("(|||")},
		{line: "EPSV 1", code: 229},
		{line: "EPSV 2", code: 522},
		{line: "EPRT |3|x|1|", code: 522},
		{line: "PORT 1,2,3", code: 501},
		{line: "ABOR", code: 225},
		{line: "QUIT", code: 221},
	}
	for _, st := range steps {
		r := c.cmd(st.line)
		want := st.codes
		if st.code != 0 {
			want = []int{st.code}
		}
		if !slices.Contains(want, r.code) {
			t.Errorf("%s: got %q, want %v", st.line, r, want)
			continue
		}
		if st.check != nil {
			if err := st.check(r); err != nil {
				t.Errorf("%s: %v", st.line, err)
			}
		}
	}
	if !c.closed(replyTimeout) {
		t.Errorf("connection still open after QUIT")
	}
}

func all(checks ...func(reply) error) func(reply) error {
	return func(r reply) error {
		for _, c := range checks {
			if err := c(r); err != nil {
				return err
			}
		}
		return nil
	}
}

func fileIs(s *server, p, want string) func(reply) error {
	return func(reply) error {
		b, err := os.ReadFile(s.path(p))
		if err != nil || string(b) != want {
			return fmt.Errorf("%s on disk: %q %v, want %q", p, b, err, want)
		}
		return nil
	}
}

// featHas checks FEAT lines (RFC 2389: one feature a line, after a space).
func featHas(feats ...string) func(reply) error {
	return func(r reply) error {
		ls := strings.Split(r.msg, "\n")
		for _, f := range feats {
			found := false
			for _, l := range ls[1:] {
				if strings.HasPrefix(l, " ") && strings.HasPrefix(strings.TrimSpace(l), f) {
					found = true
				}
			}
			if !found {
				return fmt.Errorf("feature %q missing from %q", f, r.msg)
			}
		}
		return nil
	}
}

// mlstEntry checks an MLST reply (RFC 3659 §7.2): the entry is the second
// line, starts with one space, has the type fact and the other facts given,
// and ends with "; path".
func mlstEntry(typ, path string, facts ...string) func(reply) error {
	return func(r reply) error {
		ls := strings.Split(r.msg, "\n")
		if len(ls) < 3 {
			return fmt.Errorf("MLST reply has %d lines, want 3: %q", len(ls), r.msg)
		}
		e := ls[1]
		if !strings.HasPrefix(e, " ") || strings.HasPrefix(e, "  ") {
			return fmt.Errorf("MLST entry %q must start with exactly one space", e)
		}
		factStr, name, ok := strings.Cut(e[1:], " ")
		if !ok || name != path {
			return fmt.Errorf("MLST entry %q: path %q, want %q", e, name, path)
		}
		if !strings.Contains(strings.ToLower(factStr), "type="+typ+";") {
			return fmt.Errorf("MLST entry %q: want type=%s", e, typ)
		}
		for _, f := range facts {
			if !strings.Contains(strings.ToLower(factStr), strings.ToLower(f)) {
				return fmt.Errorf("MLST entry %q: fact %q missing", e, f)
			}
		}
		return nil
	}
}

// listRE is one vsftpd-style `ls -l` line: mode, links, owner, group, size,
// date ("Jan _2 15:04" or "Jan _2  2006") and name.
// TestRawPipelining: commands sent in one write are answered in order, even
// those that run on workers.
func TestRawPipelining(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	c := s.dial(t)
	script := []struct {
		line string
		code int
		text string
	}{
		{"USER alice", 331, ""},
		{"PASS alice-secret", 230, ""},
		{"NOOP", 200, ""},
		{"SYST", 215, ""},
		{"PWD", 257, `"/"`},
		{"TYPE I", 200, ""},
		{"MKD pipe", 257, `"/pipe"`},
		{"CWD pipe", 250, ""},
		{"PWD", 257, `"/pipe"`},
		{"SIZE /hello.txt", 213, "12"},
		{"CWD /", 250, ""},
		{"RNFR pipe", 350, ""},
		{"RNTO pipe2", 250, ""},
		{"RMD pipe2", 250, ""},
		{"MDTM hello.txt", 213, "20210203040506"},
		{"NOOP", 200, ""},
	}
	var b strings.Builder
	for _, st := range script {
		b.WriteString(st.line + "\r\n")
	}
	c.sendRaw(b.String())
	for _, st := range script {
		r := c.read()
		if r.code != st.code || !strings.HasPrefix(r.msg, st.text) {
			t.Errorf("reply to pipelined %q: %q, want %d %s", st.line, r, st.code, st.text)
		}
	}
	if _, err := os.Stat(s.path("pipe2")); !os.IsNotExist(err) {
		t.Errorf("pipe2 still exists: %v", err)
	}
}

// TestRawHostileInput: an over-long line gets 500 and the session goes on;
// random bytes do not take the server down.
func TestRawHostileInput(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	t.Run("over-long line", func(t *testing.T) {
		c := s.login(t, &alice)
		c.expect("NOOP "+strings.Repeat("a", 5000), 500)
		c.expect("NOOP", 200)
		c.expect("RETR "+strings.Repeat("b", 100000), 500)
		c.expect("PWD", 257)
		// 4096 bytes is still a line: the server looks the path up.
		long := "SIZE /" + strings.Repeat("d/", (4096-6)/2)
		long = long[:4096]
		if r := c.cmd(long); r.code == 500 {
			t.Errorf("a 4096-byte line: %q, want it handled as a command", r)
		}
		c.expect("NOOP", 200)
	})

	t.Run("bare LF and lower case", func(t *testing.T) {
		c := s.login(t, &alice)
		c.sendRaw("noop\n")
		if r := c.read(); r.code != 200 {
			t.Errorf("\"noop\\n\": %q, want 200", r)
		}
		c.expect("pwd", 257)
	})

	t.Run("random bytes", func(t *testing.T) {
		for i := range 4 {
			junk := make([]byte, 64<<10)
			if _, err := rand.Read(junk); err != nil {
				t.Fatal(err)
			}
			conn, err := net.DialTimeout("tcp", s.addr, replyTimeout)
			if err != nil {
				t.Fatal(err)
			}
			_ = conn.SetDeadline(time.Now().Add(replyTimeout))
			if i%2 == 1 {
				// Half the time, log in first so the junk meets a session.
				io.WriteString(conn, "USER alice\r\nPASS alice-secret\r\n")
			}
			go io.Copy(io.Discard, conn)
			conn.Write(junk)
			conn.Close()
		}
		s.alive(t)
		c := s.login(t, &alice)
		data, r := c.retr("RETR hello.txt")
		if r.code != 226 || string(data) != helloText {
			t.Errorf("after random bytes: %q, %q", data, r)
		}
	})
}

// TestRawAnonymousReadOnly: anonymous users read everything and change
// nothing; every writing command answers 550.
func TestRawAnonymousReadOnly(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	before := readTree(t, s.root)
	for _, user := range []string{"anonymous", "ftp", "FTP"} {
		t.Run(user, func(t *testing.T) {
			c := s.dial(t)
			c.must("USER "+user, 331)
			c.must("PASS someone@example.com", 230)
			data, r := c.retr("RETR hello.txt")
			if r.code != 226 || string(data) != helloText {
				t.Errorf("anonymous RETR: %q, %q", data, r)
			}
			for _, line := range []string{"STOR new.txt", "STOR hello.txt", "APPE hello.txt", "STOU", "STOU x"} {
				c.epsv() // a data connection is not what is missing
				c.expect(line, 550)
			}
			for _, line := range []string{
				"DELE hello.txt", "MKD newdir", "XMKD newdir", "RMD empty", "XRMD empty",
				"RNFR hello.txt", "RNTO stolen.txt", "SITE CHMOD 777 hello.txt",
				"MFMT 20000101000000 hello.txt",
			} {
				c.expect(line, 550)
			}
			r = c.expect("MLST hello.txt", 250)
			if perm := regexp.MustCompile(`perm=([a-z]*);`).FindStringSubmatch(r.msg); perm == nil || strings.ContainsAny(perm[1], "adfwcmp") {
				t.Errorf("anonymous MLST perm fact: %q, want no write rights", r.msg)
			}
			c.expect("CWD sub", 250)
			c.expect("NOOP", 200)
		})
	}
	if diff := diffTrees(before, readTree(t, s.root)); len(diff) > 0 {
		t.Errorf("anonymous sessions changed the tree: %v", diff)
	}
}
