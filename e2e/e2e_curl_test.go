package e2e

// curl against the server: downloads and uploads over EPSV, PASV, PORT and
// EPRT, resumed transfers, ASCII mode, listings and quote commands. curl runs
// with -v so each test can also check which commands it sent.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// curl runs curl with -q (no .curlrc), -sS, -v and bounded timeouts.
func curl(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	base := []string{"-q", "-sS", "-v", "--connect-timeout", "10", "--max-time", "45"}
	return runTool(t, dir, "curl", append(base, args...)...)
}

func mustCurl(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := curl(t, dir, args...)
	if err != nil {
		t.Fatalf("curl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// sent reports whether curl's -v output shows it sent a command starting
// with prefix.
func sent(out, prefix string) bool {
	return strings.Contains(out, "\n> "+prefix)
}

func curlServer(t *testing.T, args ...string) (*server, []byte) {
	t.Helper()
	root := t.TempDir()
	data := content(1<<20+3, 7)
	writeTree(t, root, map[string]string{
		"dl/data.bin":     string(data),
		"dl/text.txt":     "l1\nl2\nl3\n",
		"dl/sub/deep.txt": "deep",
		"up/":             "",
	})
	return startServer(t, serverConfig{root: root, args: args}), data
}

func TestCurlModes(t *testing.T) {
	t.Parallel()
	s, data := curlServer(t)
	modes := []struct {
		name string
		args []string
		cmd  string // the data-connection command curl must send
	}{
		{"EPSV", nil, "EPSV"},
		{"PASV", []string{"--ftp-pasv", "--disable-epsv"}, "PASV"},
		{"PORT", []string{"--ftp-port", "127.0.0.1", "--disable-eprt"}, "PORT 127,0,0,1,"},
		{"EPRT", []string{"--ftp-port", "127.0.0.1"}, "EPRT |1|127.0.0.1|"},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			out := mustCurl(t, dir, append(m.args, "-o", "got.bin", s.url(nil, "dl/data.bin"))...)
			if !sent(out, m.cmd) {
				t.Errorf("curl did not send %s:\n%s", m.cmd, out)
			}
			if got := readFile(t, filepath.Join(dir, "got.bin")); got != string(data) {
				t.Errorf("download: %d bytes differ from the %d on the server", len(got), len(data))
			}

			local := filepath.Join(dir, "up.bin")
			up := content(700<<10, 8)
			if err := os.WriteFile(local, up, 0o644); err != nil {
				t.Fatal(err)
			}
			remote := "up/" + m.name + ".bin"
			out = mustCurl(t, dir, append(m.args, "-T", local, s.url(&alice, remote))...)
			if !sent(out, m.cmd) || !sent(out, "STOR "+m.name+".bin") {
				t.Errorf("curl -T did not send %s and STOR:\n%s", m.cmd, out)
			}
			if got := readFile(t, s.path(remote)); got != string(up) {
				t.Errorf("upload: %d bytes on the server differ from the %d sent", len(got), len(up))
			}
		})
	}
}

// TestCurlSkipPasvIP: with -pasv-addr announcing an address nobody can
// reach, --ftp-skip-pasv-ip still works (curl uses the control address).
func TestCurlSkipPasvIP(t *testing.T) {
	t.Parallel()
	s, data := curlServer(t, "-pasv-addr", "192.0.2.7")
	dir := t.TempDir()
	out := mustCurl(t, dir, "--disable-epsv", "--ftp-skip-pasv-ip", "-o", "got.bin", s.url(nil, "dl/data.bin"))
	if !strings.Contains(out, "(192,0,2,7,") {
		t.Errorf("227 does not announce -pasv-addr 192.0.2.7:\n%s", out)
	}
	if got := readFile(t, filepath.Join(dir, "got.bin")); got != string(data) {
		t.Errorf("download: %d bytes, want %d", len(got), len(data))
	}
}

func TestCurlResume(t *testing.T) {
	t.Parallel()
	s, data := curlServer(t)

	t.Run("download", func(t *testing.T) {
		dir := t.TempDir()
		local := filepath.Join(dir, "got.bin")
		if err := os.WriteFile(local, data[:100<<10], 0o644); err != nil {
			t.Fatal(err)
		}
		out := mustCurl(t, dir, "-C", "-", "-o", local, s.url(nil, "dl/data.bin"))
		if !sent(out, "REST 102400") {
			t.Errorf("curl -C - did not send REST 102400:\n%s", out)
		}
		if got := readFile(t, local); got != string(data) {
			t.Errorf("resumed download: %d bytes, want %d equal to the server's", len(got), len(data))
		}
	})

	t.Run("upload", func(t *testing.T) {
		dir := t.TempDir()
		full := content(600<<10, 9)
		if err := os.WriteFile(s.path("up/resume.bin"), full[:250<<10], 0o644); err != nil {
			t.Fatal(err)
		}
		local := filepath.Join(dir, "full.bin")
		if err := os.WriteFile(local, full, 0o644); err != nil {
			t.Fatal(err)
		}
		out := mustCurl(t, dir, "-C", "-", "-T", local, s.url(&alice, "up/resume.bin"))
		if !sent(out, "SIZE resume.bin") || !(sent(out, "APPE resume.bin") || sent(out, "REST 256000")) {
			t.Errorf("curl -C - -T did not resume with SIZE and APPE or REST:\n%s", out)
		}
		if got := readFile(t, s.path("up/resume.bin")); got != string(full) {
			t.Errorf("resumed upload: %d bytes on the server, want %d", len(got), len(full))
		}
	})
}

// TestCurlASCII: --use-ascii sends TYPE A; the server sends CRLF line ends
// and stores LF ones. curl converts on its side too (CRLF to LF after
// receiving, LF to CRLF before sending), so the bytes that crossed the wire
// are checked in its --trace dump.
func TestCurlASCII(t *testing.T) {
	t.Parallel()
	s, _ := curlServer(t)
	dir := t.TempDir()

	mustCurl(t, dir, "-B", "--trace", "down.trace", "-o", "got.txt", s.url(nil, "dl/text.txt"))
	trace := readFile(t, filepath.Join(dir, "down.trace"))
	if !strings.Contains(trace, "TYPE A") {
		t.Errorf("curl -B did not send TYPE A:\n%s", trace)
	}
	if !strings.Contains(trace, "<= Recv data, 12 bytes") || !strings.Contains(trace, "6c 31 0d 0a 6c 32 0d 0a 6c 33 0d 0a") {
		t.Errorf("TYPE A download: want l1 CR LF l2 CR LF l3 CR LF on the wire; trace:\n%s", trace)
	}
	if got := readFile(t, filepath.Join(dir, "got.txt")); got != "l1\nl2\nl3\n" {
		t.Errorf("TYPE A download saved %q", got)
	}

	local := filepath.Join(dir, "lf.txt")
	if err := os.WriteFile(local, []byte("u1\nu2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCurl(t, dir, "-B", "--trace", "up.trace", "-T", local, s.url(&alice, "up/ascii.txt"))
	trace = readFile(t, filepath.Join(dir, "up.trace"))
	if !strings.Contains(trace, "TYPE A") || !strings.Contains(trace, "=> Send data, 8 bytes") || !strings.Contains(trace, "75 31 0d 0a 75 32 0d 0a") {
		t.Errorf("curl -B -T: want TYPE A and u1 CR LF u2 CR LF on the wire; trace:\n%s", trace)
	}
	if got := readFile(t, s.path("up/ascii.txt")); got != "u1\nu2\n" {
		t.Errorf("TYPE A upload stored %q, want LF line ends", got)
	}
}

func TestCurlListAndQuote(t *testing.T) {
	t.Parallel()
	s, _ := curlServer(t)
	dir := t.TempDir()

	out := mustCurl(t, dir, "-o", "list.txt", s.url(nil, "dl/"))
	if !sent(out, "LIST") {
		t.Errorf("curl ftp://host/dir/ did not send LIST:\n%s", out)
	}
	list := lines(readFile(t, filepath.Join(dir, "list.txt")))
	found := map[string]bool{}
	for _, l := range list {
		m := listRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("LIST line %q is not `ls -l` style", l)
			continue
		}
		found[m[4]] = true
	}
	for _, n := range []string{"data.bin", "text.txt", "sub"} {
		if !found[n] {
			t.Errorf("LIST via curl lacks %s: %q", n, list)
		}
	}

	mustCurl(t, dir, "-l", "-o", "nlst.txt", s.url(nil, "dl/"))
	if got := lines(readFile(t, filepath.Join(dir, "nlst.txt"))); !containsAll(got, []string{"data.bin", "text.txt", "sub"}) || len(got) != 3 {
		t.Errorf("curl -l (NLST): %q", got)
	}

	writeTree(t, s.root, map[string]string{"up/victim.txt": "delete me"})
	out = mustCurl(t, dir, "-Q", "DELE up/victim.txt", "-Q", "-MKD up/made-after", "-o", "root.txt", s.url(&alice, ""))
	if !sent(out, "DELE up/victim.txt") {
		t.Errorf("curl -Q did not send DELE:\n%s", out)
	}
	if _, err := os.Stat(s.path("up/victim.txt")); !os.IsNotExist(err) {
		t.Errorf("-Q \"DELE up/victim.txt\": the file still exists (%v)", err)
	}
	if fi, err := os.Stat(s.path("up/made-after")); err != nil || !fi.IsDir() {
		t.Errorf("-Q \"-MKD up/made-after\" (after the transfer): %v", err)
	}

	// A quote command the server refuses makes curl fail (exit 21).
	out, err := curl(t, dir, "-Q", "DELE up/missing.txt", s.url(&alice, ""))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 21 {
		t.Errorf("-Q DELE of a missing file: %v, want curl exit 21 (quote error)\n%s", err, out)
	}
	if !strings.Contains(out, "< 550") {
		t.Errorf("-Q DELE of a missing file: no 550 in\n%s", out)
	}
}

func TestCurlWriteAccess(t *testing.T) {
	t.Parallel()
	s, _ := curlServer(t)
	dir := t.TempDir()
	local := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(local, []byte("payload"), 0o644); err != nil {
		t.Fatal(err)
	}

	// Anonymous uploads are refused with 550 and leave nothing behind.
	out, err := curl(t, dir, "-T", local, s.url(nil, "up/anon.txt"))
	if err == nil || !strings.Contains(out, "< 550") {
		t.Errorf("anonymous curl -T: %v, want failure with 550\n%s", err, out)
	}
	if _, err := os.Stat(s.path("up/anon.txt")); !os.IsNotExist(err) {
		t.Errorf("anonymous upload created a file: %v", err)
	}

	// A wrong password is refused.
	bad := account{"alice", "wrong", nil}
	out, err = curl(t, dir, "-T", local, s.url(&bad, "up/bad.txt"))
	if err == nil || !strings.Contains(out, "< 530") {
		t.Errorf("curl with a wrong password: %v, want failure with 530\n%s", err, out)
	}

	// --ftp-create-dirs makes the path with MKD.
	mustCurl(t, dir, "--ftp-create-dirs", "-T", local, s.url(&carol, "up/a/b/c/f.txt"))
	if got := readFile(t, s.path("up/a/b/c/f.txt")); got != "payload" {
		t.Errorf("--ftp-create-dirs upload: %q", got)
	}
}
