package e2e

// lftp against the server: mirror down and up, put and get, ls and cls, in
// passive mode (with MLSD) and active mode (with LIST). lftp runs with
// `debug 5` so each test can also check which commands it sent.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lftpSettings keep lftp from retrying for minutes, from trying TLS and
// from reading the user's configuration (HOME is private, see runTool).
const lftpSettings = "set ftp:ssl-allow no; set net:max-retries 1; set net:timeout 10; " +
	"set net:reconnect-interval-base 1; set net:reconnect-interval-max 1; set cmd:fail-exit yes; " +
	"set xfer:clobber on; set ftp:sync-mode on; "

// lftpRun runs one lftp script against s, logged in as a (nil: anonymous),
// with extra settings before the open.
func lftpRun(t *testing.T, s *server, dir string, a *account, settings, script string) (string, error) {
	t.Helper()
	open := fmt.Sprintf("open -p %d %s", s.port, s.host)
	if a != nil {
		open = fmt.Sprintf("open -u %s,%s -p %d %s", a.user, a.pass, s.port, s.host)
	}
	return runTool(t, dir, "lftp", "-c", lftpSettings+settings+"debug 5; "+open+"; "+script)
}

func mustLftp(t *testing.T, s *server, dir string, a *account, settings, script string) string {
	t.Helper()
	out, err := lftpRun(t, s, dir, a, settings, script)
	if err != nil {
		t.Fatalf("lftp %q: %v\n%s", script, err, out)
	}
	return out
}

var lftpModes = []struct {
	name     string
	settings string
	dataCmds []string // one of them must appear in the debug output
}{
	{"passive MLSD", "set ftp:passive-mode on; set ftp:use-mlsd on; ", []string{"---> EPSV", "---> PASV"}},
	{"active LIST", "set ftp:passive-mode off; set ftp:use-mlsd off; ", []string{"---> EPRT", "---> PORT"}},
}

func usedOneOf(out string, cmds []string) bool {
	for _, c := range cmds {
		if strings.Contains(out, c) {
			return true
		}
	}
	return false
}

// lftpTree is the tree the mirror tests copy down and up.
func lftpTree() map[string]string {
	return map[string]string{
		"top.txt":             "top\n",
		"big.bin":             string(content(1<<20+11, 21)),
		"empty.txt":           "",
		"with space.txt":      "spaced",
		"héllo wörld.txt":     "utf-8 name",
		"a/b/c/deep.txt":      "deep",
		"a/sibling.bin":       string(content(70<<10, 22)),
		"a/empty-dir/":        "",
		"a/b/second-file.txt": "second",
	}
}

// mirrorServer starts a server whose root holds lftpTree under /tree and
// an empty /uploads, and returns it with the tree as mirrors must copy it.
func mirrorServer(t *testing.T, args ...string) (*server, map[string]string) {
	t.Helper()
	root := t.TempDir()
	writeTree(t, filepath.Join(root, "tree"), lftpTree())
	if err := os.MkdirAll(filepath.Join(root, "uploads"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverConfig{root: root, args: args})
	return s, readTree(t, filepath.Join(root, "tree"))
}

func TestLftpMirror(t *testing.T) {
	t.Parallel()
	s, want := mirrorServer(t)

	for i, m := range lftpModes {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			out := mustLftp(t, s, dir, nil, m.settings, "mirror /tree down")
			if !usedOneOf(out, m.dataCmds) {
				t.Errorf("lftp did not use %v:\n%s", m.dataCmds, out)
			}
			if diff := diffTrees(want, readTree(t, filepath.Join(dir, "down"))); len(diff) > 0 {
				t.Errorf("mirror down differs: %v\n%s", diff, out)
			}

			// mirror -R uploads the copy as a named user.
			remote := fmt.Sprintf("/uploads/u%d", i)
			out = mustLftp(t, s, dir, &alice, m.settings, "mirror -R down "+remote)
			if diff := diffTrees(want, readTree(t, s.path(remote))); len(diff) > 0 {
				t.Errorf("mirror -R differs: %v\n%s", diff, out)
			}

			// Anonymous may not upload.
			anonOut, err := lftpRun(t, s, dir, nil, m.settings, "mirror -R down /uploads/anon")
			if err == nil {
				t.Errorf("anonymous mirror -R succeeded:\n%s", anonOut)
			}
			if _, err := os.Stat(s.path("/uploads/anon")); !os.IsNotExist(err) {
				t.Errorf("anonymous mirror -R created /uploads/anon: %v", err)
			}
		})
	}
}

func TestLftpCommands(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"pub/readme.txt": "read me\n", "pub/data.bin": string(content(300<<10, 23)), "pub/docs/": ""})
	s := startServer(t, serverConfig{root: root})

	for i, m := range lftpModes {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			local := filepath.Join(dir, "local.bin")
			data := content(512<<10+1, uint64(30+i))
			if err := os.WriteFile(local, data, 0o644); err != nil {
				t.Fatal(err)
			}
			remote := fmt.Sprintf("/pub/put%d.bin", i)
			out := mustLftp(t, s, dir, &bob, m.settings,
				fmt.Sprintf("put local.bin -o %s; get %s -o back.bin; get /pub/readme.txt -o readme.txt", remote, remote))
			if !usedOneOf(out, m.dataCmds) {
				t.Errorf("lftp did not use %v:\n%s", m.dataCmds, out)
			}
			if got := readFile(t, s.path(remote)); got != string(data) {
				t.Errorf("put: %d bytes on the server, want %d", len(got), len(data))
			}
			if got := readFile(t, filepath.Join(dir, "back.bin")); got != string(data) {
				t.Errorf("get: %d bytes, want %d", len(got), len(data))
			}
			if got := readFile(t, filepath.Join(dir, "readme.txt")); got != "read me\n" {
				t.Errorf("get readme.txt: %q", got)
			}

			out = mustLftp(t, s, dir, nil, m.settings, "ls /pub")
			var names []string
			for _, l := range lines(out) {
				if m := listRE.FindStringSubmatch(l); m != nil {
					names = append(names, m[4])
					if m[4] == "readme.txt" && m[2] != "8" {
						t.Errorf("ls: readme.txt listed with size %s: %q", m[2], l)
					}
				}
			}
			if !containsAll(names, []string{"readme.txt", "data.bin", "docs"}) {
				t.Errorf("ls /pub: names %q in\n%s", names, out)
			}

			out = mustLftp(t, s, dir, nil, m.settings, "cls -1 /pub")
			got := map[string]bool{}
			for _, l := range lines(out) {
				if !strings.HasPrefix(l, "---") && !strings.HasPrefix(l, "<---") && !strings.HasPrefix(l, "**") {
					got[l] = true
				}
			}
			for _, n := range []string{"/pub/readme.txt", "/pub/data.bin", "/pub/docs/"} {
				if !got[n] {
					t.Errorf("cls -1 /pub lacks %s:\n%s", n, out)
				}
			}
			out = mustLftp(t, s, dir, nil, m.settings, "cls -l --sort=name /pub")
			if !strings.Contains(out, "307200") || !strings.Contains(out, "/pub/data.bin") {
				t.Errorf("cls -l /pub: no size 307200 for data.bin:\n%s", out)
			}

			// mkdir, mv and rm as a named user; each is checked on disk.
			d := fmt.Sprintf("/pub/made%d", i)
			mustLftp(t, s, dir, &dave, m.settings,
				fmt.Sprintf("mkdir %s; put local.bin -o %s/x.bin; mv %s/x.bin %s/y.bin; rm %s/y.bin; rmdir %s", d, d, d, d, d, d))
			if _, err := os.Stat(s.path(d)); !os.IsNotExist(err) {
				t.Errorf("mkdir/put/mv/rm/rmdir left %s behind: %v", d, err)
			}
		})
	}
}
