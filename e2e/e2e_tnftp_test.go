package e2e

// Server-side globbing as clients use it: the classic `ftp` client (tnftp)
// whose mget sends NLST <pattern> and fetches what comes back; curl with a
// custom NLST or LIST; lftp's nlist and ls, which pass the pattern on (its
// cls and mget glob on the client side, so they prove nothing here); and
// Python's ftplib nlst. Each test also checks the pattern reached the
// server as typed, so what is tested is the server's matching.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// globTree is the tree the glob tests list: names a pattern must pick out,
// names it must not (other case, dot files, an upload temporary), a
// subdirectory, and a file literally called "a*b".
func globTree() map[string]string {
	return map[string]string{
		"a.txt":                        "alpha\n",
		"b.txt":                        "bravo\n",
		"f1":                           "f1",
		"f10":                          "f10",
		"f2":                           "f2",
		"notes.TXT":                    "upper case: not *.txt\n",
		"c.log":                        "log\n",
		".hidden.txt":                  "hidden\n",
		".ftpsd-0123456789abcdef.part": "an upload in progress\n",
		"a*b":                          "a literal star\n",
		"sub/x.txt":                    "x in sub\n",
		"sub/y.log":                    "y in sub\n",
	}
}

// tnftp runs the classic ftp client non-interactively: -n (no auto-login,
// the script sends USER), -i (no mget prompts), -d (echo commands sent as
// "---> "), the script on standard input, in dir.
func tnftp(t *testing.T, dir, script string) string {
	t.Helper()
	requireTool(t, "tnftp")
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "tnftp", "-n", "-i", "-d")
	cmd.Dir = dir
	home := t.TempDir() // no ~/.netrc
	cmd.Env = append(os.Environ(), "HOME="+home, "LC_ALL=C.UTF-8")
	cmd.Stdin = strings.NewReader(script)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil || ctx.Err() != nil {
		t.Fatalf("tnftp: %v (%v)\nscript:\n%s\noutput:\n%s", err, ctx.Err(), script, out.String())
	}
	return out.String()
}

// TestTnftpMget: `mget *.txt` downloads exactly the .txt files, and
// `mget sub/*.txt` the one in sub under its path; ls and dir pass
// patterns and options to LIST; put uploads; a pattern that matches
// nothing gets the server's 550.
func TestTnftpMget(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	tree := globTree()
	writeTree(t, root, tree)
	s := startServer(t, serverConfig{root: root})
	local := t.TempDir()
	if err := os.Mkdir(filepath.Join(local, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(local, "up.dat"), []byte("uploaded by tnftp\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := tnftp(t, local, fmt.Sprintf("open %s %d\nuser %s %s\nbinary\nprompt off\n"+
		"mget *.txt\nmget sub/*.txt\nmget *.zip\nls f1*\ndir \"-la .h*\"\nnlist ?.txt\nput up.dat\nquit\n",
		s.host, s.port, alice.user, alice.pass))

	for _, sent := range []string{"---> NLST *.txt", "---> NLST sub/*.txt", "---> NLST *.zip", "---> LIST f1*", "---> LIST -la .h*",
		"---> NLST ?.txt", "---> STOR up.dat"} {
		if !strings.Contains(out, sent+"\n") {
			t.Errorf("tnftp did not send %q:\n%s", sent, out)
		}
	}
	got := readTree(t, local)
	want := map[string]string{"a.txt": tree["a.txt"], "b.txt": tree["b.txt"], "sub/": "", "sub/x.txt": tree["sub/x.txt"],
		"up.dat": "uploaded by tnftp\n"}
	if len(got) != len(want) {
		t.Errorf("downloaded %v, want exactly %v", keys(got), keys(want))
	}
	for p, data := range want {
		if got[p] != data {
			t.Errorf("local %s = %q, want %q", p, got[p], data)
		}
	}
	for _, line := range []string{" f1\n", " f10\n", " .hidden.txt\n", "No such file or directory.\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("tnftp output lacks %q:\n%s", line, out)
		}
	}
	if strings.Contains(out, " f2\n") || strings.Contains(out, "ftpsd-") || strings.Contains(out, "notes.TXT") {
		t.Errorf("a listing showed what its pattern excludes:\n%s", out)
	}
	if b, err := os.ReadFile(filepath.Join(root, "up.dat")); err != nil || string(b) != "uploaded by tnftp\n" {
		t.Errorf("put up.dat stored %q, %v", b, err)
	}
}

func keys(m map[string]string) []string {
	k := make([]string, 0, len(m))
	for p := range m {
		k = append(k, p)
	}
	slices.Sort(k)
	return k
}

// TestCurlGlob: curl's -X replaces the listing command, so NLST and LIST
// with a pattern reach the server as typed.
func TestCurlGlob(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, globTree())
	s := startServer(t, serverConfig{root: root})
	dir := t.TempDir()
	for _, tt := range []struct {
		cmd  string
		want []string // whole lines for NLST, line ends for LIST
	}{
		{"NLST *.txt", []string{"a.txt", "b.txt"}},
		{"NLST sub/*", []string{"sub/x.txt", "sub/y.log"}},
		{"NLST [ab]*", []string{"a*b", "a.txt", "b.txt"}},
		{"LIST -la f?", []string{" f1", " f2"}},
	} {
		out := mustCurl(t, dir, "--list-only", "-X", tt.cmd, s.url(nil, "/"))
		if !sent(out, tt.cmd) {
			t.Errorf("curl did not send %q:\n%s", tt.cmd, out)
		}
		var body []string
		for _, l := range lines(out) {
			if !strings.HasPrefix(l, "* ") && !strings.HasPrefix(l, "> ") && !strings.HasPrefix(l, "< ") && !strings.HasPrefix(l, "{") && !strings.HasPrefix(l, "}") {
				body = append(body, l)
			}
		}
		if len(body) != len(tt.want) {
			t.Errorf("%s: %q, want %q", tt.cmd, body, tt.want)
			continue
		}
		for i, l := range body {
			if strings.HasPrefix(tt.cmd, "NLST") && l != tt.want[i] || !strings.HasSuffix(l, tt.want[i]) {
				t.Errorf("%s: line %q, want %q", tt.cmd, l, tt.want[i])
			}
		}
	}
	if out, err := curl(t, dir, "--list-only", "-X", "NLST *.zip", s.url(nil, "/")); err == nil || !strings.Contains(out, "< 550") {
		t.Errorf("NLST *.zip: %v, want curl to fail on 550:\n%s", err, out)
	}
}

// TestLftpGlob: lftp's nlist and ls send their pattern to the server
// (with MLSD on or off: MLSD is for its own listings).
func TestLftpGlob(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, globTree())
	s := startServer(t, serverConfig{root: root})
	for _, mode := range lftpModes {
		t.Run(mode.name, func(t *testing.T) {
			out := mustLftp(t, s, t.TempDir(), nil, mode.settings, "nlist *.txt; ls sub/?.log")
			for _, want := range []string{"---> NLST *.txt", "---> LIST sub/?.log"} {
				if !strings.Contains(out, want) {
					t.Errorf("lftp did not send %q:\n%s", want, out)
				}
			}
			var names []string
			for _, l := range lines(out) {
				if !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "<---") && !strings.HasPrefix(l, "**** ") && !strings.HasPrefix(l, "+") {
					names = append(names, l)
				}
			}
			if len(names) != 3 || names[0] != "a.txt" || names[1] != "b.txt" || !strings.HasSuffix(names[2], " y.log") {
				t.Errorf("lftp listed %q, want a.txt, b.txt and the LIST line of y.log", names)
			}
		})
	}
}

// ftplibGlobScript prints, as JSON, what ftplib's nlst and LIST return for
// patterns, and the errors of those that must fail.
const ftplibGlobScript = `
import ftplib, json, sys
f = ftplib.FTP()
f.connect(sys.argv[1], int(sys.argv[2]), timeout=20)
f.login("anonymous", "e2e@example.com")
res = {}
def step(name, fn):
    try:
        res[name] = fn()
    except ftplib.all_errors as e:
        res[name] = {"error": str(e)}
def lines(cmd):
    out = []
    f.retrlines(cmd, out.append)
    return out
step("nlst", lambda: f.nlst("*.txt"))
step("nlst_sub", lambda: f.nlst("sub/*.log"))
step("nlst_literal", lambda: f.nlst("a*b"))
step("list", lambda: lines("LIST -l f1*"))
step("stat", lambda: f.sendcmd("STAT f?"))
step("nomatch", lambda: f.nlst("*.zip"))
step("bad", lambda: f.nlst("[a"))
step("mlsd", lambda: list(f.mlsd("*.txt")))
f.quit()
print(json.dumps(res))
`

// TestFtplibGlob: ftplib's nlst with patterns, MLSD taking none.
func TestFtplibGlob(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, globTree())
	s := startServer(t, serverConfig{root: root})
	dir := t.TempDir()
	script := filepath.Join(dir, "glob.py")
	if err := os.WriteFile(script, []byte(ftplibGlobScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port))
	var res map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines(out)[len(lines(out))-1]), &res); err != nil {
		t.Fatalf("python3 output is not JSON: %v\n%s", err, out)
	}
	strs := func(key string) []string {
		var v []string
		if err := json.Unmarshal(res[key], &v); err != nil {
			t.Errorf("%s: %s, want a list", key, res[key])
		}
		return v
	}
	errText := func(key string) string {
		var v struct{ Error string }
		_ = json.Unmarshal(res[key], &v)
		return v.Error
	}
	for key, want := range map[string][]string{"nlst": {"a.txt", "b.txt"}, "nlst_sub": {"sub/y.log"}, "nlst_literal": {"a*b"}} {
		if got := strs(key); !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", key, got, want)
		}
	}
	if l := strs("list"); len(l) != 2 || !strings.HasSuffix(l[0], " f1") || !strings.HasSuffix(l[1], " f10") {
		t.Errorf("LIST -l f1*: %q, want the lines of f1 and f10", l)
	}
	var stat string
	if err := json.Unmarshal(res["stat"], &stat); err != nil || !strings.HasPrefix(stat, "213") || !strings.Contains(stat, " f1\n") || !strings.Contains(stat, " f2\n") || strings.Contains(stat, "f10") {
		t.Errorf("STAT f?: %s, want 213 with f1 and f2", res["stat"])
	}
	for key, code := range map[string]string{"nomatch": "550", "bad": "501", "mlsd": "550"} {
		if e := errText(key); !strings.HasPrefix(e, code) {
			t.Errorf("%s: %s, want error %s", key, res[key], code)
		}
	}
}
