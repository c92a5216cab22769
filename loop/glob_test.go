package loop

import (
	"io"
	"strings"
	"testing"
)

// TestGlobCommands: LIST, NLST and STAT match a pattern on a worker, with
// LIST's options still parsed; MLSD takes the argument as a literal name;
// the refusals come before any 150; Config.GlobMaxScan bounds the scan.
func TestGlobCommands(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"a.txt", "b.txt", "c.log", "f1", "f10", "f2", "a*b", ".f1rc", "sub/x.txt", "sub/y.dat"} {
		writeFile(t, root, name, "x")
	}
	addr, _ := startServer(t, Config{Host: Host{Root: root}})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	list := func(line string) []string {
		t.Helper()
		c := cl.epsv()
		cl.cmd(150, "%s", line)
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		cl.expect(226)
		return strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	}
	for _, tt := range []struct {
		line string
		want []string // whole lines for NLST, the ends of the lines for LIST
	}{
		{"NLST *.txt", []string{"a.txt", "b.txt"}},
		{"NLST ?.*", []string{"a.txt", "b.txt", "c.log"}},
		{"NLST [ab].txt", []string{"a.txt", "b.txt"}},
		{"NLST sub/*.txt", []string{"sub/x.txt"}},
		{"NLST a*b", []string{"a*b"}}, // the literal name, not a pattern
		{"LIST f1*", []string{" f1", " f10"}},
		{"LIST -la f1*", []string{" f1", " f10"}},
		{"LIST -la .f1*", []string{" .f1rc"}},
		{"LIST /sub/?.dat", []string{" y.dat"}},
	} {
		got := list(tt.line)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %q, want %q", tt.line, got, tt.want)
			continue
		}
		for i := range got {
			if strings.HasPrefix(tt.line, "NLST") && got[i] != tt.want[i] || !strings.HasSuffix(got[i], tt.want[i]) {
				t.Errorf("%s: line %q, want %q", tt.line, got[i], tt.want[i])
			}
		}
	}
	if r := cl.cmd(213, "STAT f?"); !strings.Contains(r, " f1\n") || !strings.Contains(r, " f2\n") || strings.Contains(r, "f10") {
		t.Errorf("STAT f?: %q, want f1 and f2 only", r)
	}
	for _, tt := range []struct {
		code int
		line string
	}{
		{550, "NLST *.zip"},
		{550, "LIST -l *.zip"},
		{501, "NLST [a"},
		{501, "NLST " + strings.Repeat("?", 257)},
		{550, "MLSD *.txt"}, // RFC 3659: no globbing, and no such directory
	} {
		cl.epsv()
		cl.cmd(tt.code, "%s", tt.line)
	}
	cl.cmd(501, "STAT [a")
	cl.cmd(550, "MLST *.txt") // RFC 3659: a literal name, and there is none
	if r := cl.cmd(250, "MLST a*b"); !strings.Contains(r, " /a*b\n") {
		t.Errorf("MLST a*b: %q, want the facts of the file called a*b", r)
	}

	small, _ := startServer(t, Config{Host: Host{Root: root}, GlobMaxScan: 3})
	cl = dial(t, small)
	cl.login("alice", "secret")
	cl.epsv()
	if r := cl.cmd(550, "NLST *"); !strings.Contains(r, "Too many") {
		t.Errorf("NLST in a directory of 9 entries under a bound of 3: %q, want too many", r)
	}
	got := list("NLST sub/*") // 2 entries: under the bound
	if strings.Join(got, " ") != "sub/x.txt sub/y.dat" {
		t.Errorf("NLST sub/* under the bound: %q", got)
	}
}
