package config

import (
	"bytes"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fuzzFiles are the files an Include in a fuzzed configuration can reach: the fuzzer reads no
// disk file.
var fuzzFiles = map[string]string{
	"/etc/ftpsd/a.conf":        "FTP On\nServerName a.example\n",
	"/etc/ftpsd/conf.d/1.conf": "<Directory /srv>\n  Require valid-user\n</Directory>\n",
	"/etc/ftpsd/conf.d/2.conf": "LogFormat \"%u %r\" cmd\n<VirtualHost *:21>\n",
	"/etc/ftpsd/loop.conf":     "Include loop.conf\n",
	"/etc/ftpsd/bad.conf":      "\n\"unterminated\n</Limit>\n",
}

// FuzzConfig loads random configurations. Invariants: Load never panics; on failure it returns
// an ErrorList of at most MaxErrors entries, each at a line that exists in the file it names; on
// success the effective servers are usable; loading is deterministic.
func FuzzConfig(f *testing.F) {
	for _, name := range []string{"seed-explicit.conf", "seed-implicit.conf"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, tt := range parseTests {
		f.Add([]byte(tt.src))
	}
	for _, tt := range directiveTests {
		f.Add([]byte(tt.conf))
	}
	for _, tt := range badValues {
		f.Add([]byte(tt.conf))
	}
	f.Add([]byte("Include a.conf\nInclude conf.d/*.conf\nIncludeOptional loop.conf\nInclude bad.conf\n"))
	f.Add([]byte("<IfModule mod_ftp.c>\n<IfDefine !X>\nFTP On\n</IfDefine>\n</IfModule>\n"))

	fsys := files(fuzzFiles)
	lines := map[string]int{}
	for name, src := range fuzzFiles {
		lines[name] = countLines([]byte(src))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		l := Loader{fs: fsys, MaxErrors: 20}
		cfg, notes, err := l.LoadSource(mainFile, src)
		for _, n := range notes {
			if n.File == "" {
				t.Errorf("note without a file: %q", n.Msg)
			}
		}
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 || len(list) > 20 {
				t.Fatalf("error %T %v is not a short ErrorList", err, err)
			}
			if cfg != nil {
				t.Errorf("a Config with errors")
			}
			for _, e := range list {
				n, known := lines[e.File]
				if e.File == mainFile {
					n, known = countLines(src), true
				}
				if !known || e.Line < 1 || e.Line > n {
					t.Errorf("error at %s:%d, outside the file (%d lines): %s", e.File, e.Line, n, e.Msg)
				}
				if e.Kind == nil || !strings.HasPrefix(e.Error(), e.File+":"+strconv.Itoa(e.Line)+": ") {
					t.Errorf("malformed error %q", e.Error())
				}
			}
			_, _, err2 := l.LoadSource(mainFile, src)
			if err2 == nil || err2.Error() != err.Error() {
				t.Errorf("second load differs:\n%v\n%v", err, err2)
			}
			return
		}
		ss := cfg.Servers()
		if len(ss) != 1+len(cfg.VirtualHosts) || ss[0] == nil {
			t.Fatalf("%d servers for %d virtual hosts", len(ss), len(cfg.VirtualHosts))
		}
		for _, lst := range cfg.Listen {
			_ = lst.Addr()
		}
		for _, s := range ss {
			sc := s.Access("/srv/ftp/a", "/a")
			_ = sc.Allows("STOR", "alice", func(string) bool { return true })
			_ = s.SSL.Versions()
		}
		for _, a := range []string{"192.0.2.1:21", "[2001:db8::1]:990", "127.0.0.1:0"} {
			if m := cfg.Match(netip.MustParseAddrPort(a)); len(m) == 0 {
				t.Errorf("Match(%s) is empty", a)
			}
		}
	})
}

// countLines counts lines as the lexer numbers them: a last line without a newline counts.
func countLines(b []byte) int {
	n := bytes.Count(b, []byte{'\n'})
	if len(b) > 0 && b[len(b)-1] != '\n' {
		n++
	}
	return n
}
