package e2e

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// wget reads its own configuration files unless told not to; -nv keeps
// its output to one line per file, --tries=1 stops it retrying a failure
// into a pass.
var wgetBase = []string{"--no-config", "-nv", "--tries=1", "--timeout=20", "--no-check-certificate"}

// TestWget drives GNU Wget on its defaults (passive, anonymous, and for
// FTPS PROT P with its TLS session resumed on data connections, which the
// default -tls-reuse accepts): a download, a glob (wget lists and matches
// itself), a recursive download, and a named user's download, over plain
// FTP, explicit TLS (ftps://) and implicit TLS (--ftps-implicit). wget has
// no upload.
func TestWget(t *testing.T) {
	t.Parallel()
	s, data := curlServer(t, "-implicit", "127.0.0.1:0")
	writeTree(t, s.root, map[string]string{"dl/notes.txt": "notes\n", "dl/other.md": "md"})
	implicit := s.implicitAddr(t)
	for _, tc := range []struct {
		name   string
		prefix string // scheme://host:port
		flags  []string
	}{
		{"plain", "ftp://" + s.addr, nil},
		{"explicit TLS", "ftps://" + s.addr, nil},
		{"implicit TLS", "ftps://" + implicit, []string{"--ftps-implicit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			wget := func(args ...string) string {
				t.Helper()
				return mustRunTool(t, dir, "wget", append(append(append([]string{}, wgetBase...), tc.flags...), args...)...)
			}
			wget("-O", "data.bin", tc.prefix+"/dl/data.bin")
			if got := readFile(t, filepath.Join(dir, "data.bin")); got != string(data) {
				t.Errorf("download: %d bytes differ from the %d on the server", len(got), len(data))
			}

			globDir := filepath.Join(dir, "glob")
			wget("-P", globDir, tc.prefix+"/dl/*.txt")
			if got := names(t, globDir); strings.Join(got, " ") != "notes.txt text.txt" {
				t.Errorf("glob *.txt fetched %q, want notes.txt text.txt", got)
			}

			treeDir := filepath.Join(dir, "tree")
			wget("-r", "-np", "-nH", "-P", treeDir, tc.prefix+"/dl/")
			if got := readFile(t, filepath.Join(treeDir, "dl", "sub", "deep.txt")); got != "deep" {
				t.Errorf("recursive download: dl/sub/deep.txt = %q", got)
			}

			wget("--user", alice.user, "--password", alice.pass, "-O", "text.txt", tc.prefix+"/dl/text.txt")
			if got := readFile(t, filepath.Join(dir, "text.txt")); got != "l1\nl2\nl3\n" {
				t.Errorf("alice's download: %q", got)
			}
		})
	}
}

// names lists the regular files directly in dir, sorted.
func names(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}
