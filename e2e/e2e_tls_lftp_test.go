package e2e

// lftp (GnuTLS) over FTP with TLS: mirror down and up, put, get and ls
// with PROT P, over explicit TLS in passive and active mode and over
// implicit ftps://. lftp resumes the control session on its data
// connections, so every test runs with the default -tls-reuse user: a
// data connection that did not resume would get 522 and fail the run.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lftpTLSSettings require TLS with protected data and accept the
// self-signed certificate; the rest is lftpSettings without ssl-allow no.
const lftpTLSSettings = "set ssl:verify-certificate no; set ftp:ssl-force yes; set ftp:ssl-protect-data yes; " +
	"set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1; set net:reconnect-interval-max 1; " +
	"set cmd:fail-exit yes; set xfer:clobber on; set ftp:sync-mode on; "

// lftpTLS runs one lftp script logged in as a (nil: anonymous). addr is
// s.addr for explicit TLS, or an -implicit address for ftps://.
func lftpTLS(t *testing.T, s *server, dir string, a *account, implicit bool, addr, settings, script string) string {
	t.Helper()
	user := "anonymous,e2e@example.com"
	if a != nil {
		user = a.user + "," + a.pass
	}
	host, port := s.host, fmt.Sprint(s.port)
	open := fmt.Sprintf("open -u %s -p %s %s", user, port, host)
	if implicit {
		open = fmt.Sprintf("open -u %s ftps://%s", user, addr)
	}
	out, err := runTool(t, dir, "lftp", "-c", lftpTLSSettings+settings+"debug 5; "+open+"; "+script)
	if err != nil {
		t.Fatalf("lftp %q: %v\n%s", script, err, out)
	}
	return out
}

// protectedSession checks lftp's debug output for a TLS session with
// protected data: AUTH TLS (explicit only), PBSZ 0 and PROT P, and no 522.
func protectedSession(t *testing.T, out string, explicit bool) {
	t.Helper()
	if strings.Contains(out, "---> AUTH TLS") != explicit {
		t.Errorf("AUTH TLS sent: %v, want %v:\n%s", !explicit, explicit, out)
	}
	if !strings.Contains(out, "---> PBSZ 0") || !strings.Contains(out, "---> PROT P") {
		t.Errorf("lftp did not send PBSZ 0 and PROT P:\n%s", out)
	}
	if strings.Contains(out, "<--- 522") {
		t.Errorf("a data connection did not resume the session (522):\n%s", out)
	}
}

func TestTLSLftpMirror(t *testing.T) {
	t.Parallel()
	s, want := mirrorServer(t)

	for i, m := range lftpModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := lftpTLS(t, s, dir, nil, false, "", m.settings, "mirror /tree down")
			protectedSession(t, out, true)
			if !usedOneOf(out, m.dataCmds) {
				t.Errorf("lftp did not use %v:\n%s", m.dataCmds, out)
			}
			if diff := diffTrees(want, readTree(t, filepath.Join(dir, "down"))); len(diff) > 0 {
				t.Errorf("mirror down over TLS differs: %v\n%s", diff, out)
			}

			remote := fmt.Sprintf("/uploads/u%d", i)
			out = lftpTLS(t, s, dir, &alice, false, "", m.settings, "mirror -R down "+remote)
			protectedSession(t, out, true)
			if diff := diffTrees(want, readTree(t, s.path(remote))); len(diff) > 0 {
				t.Errorf("mirror -R over TLS differs: %v\n%s", diff, out)
			}

			out = lftpTLS(t, s, dir, nil, false, "", m.settings, "ls /tree")
			protectedSession(t, out, true)
			var names []string
			for _, l := range lines(out) {
				if lm := listRE.FindStringSubmatch(l); lm != nil {
					names = append(names, lm[4])
					if lm[4] == "top.txt" && lm[2] != "4" {
						t.Errorf("ls: top.txt listed with size %s: %q", lm[2], l)
					}
				}
			}
			if !containsAll(names, []string{"top.txt", "big.bin", "with space.txt", "a"}) {
				t.Errorf("ls /tree over TLS: names %q in\n%s", names, out)
			}
		})
	}
}

func TestTLSLftpImplicit(t *testing.T) {
	t.Parallel()
	s, want := mirrorServer(t, "-implicit", "127.0.0.1:0")
	implicit := s.implicitAddr(t)

	for i, m := range lftpModes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			out := lftpTLS(t, s, dir, nil, true, implicit, m.settings, "mirror /tree down")
			protectedSession(t, out, false)
			if !usedOneOf(out, m.dataCmds) {
				t.Errorf("lftp did not use %v:\n%s", m.dataCmds, out)
			}
			if diff := diffTrees(want, readTree(t, filepath.Join(dir, "down"))); len(diff) > 0 {
				t.Errorf("implicit mirror down differs: %v\n%s", diff, out)
			}

			local := filepath.Join(dir, "local.bin")
			data := content(512<<10+3, uint64(60+i))
			if err := os.WriteFile(local, data, 0o644); err != nil {
				t.Fatal(err)
			}
			remote := fmt.Sprintf("/uploads/put%d.bin", i)
			out = lftpTLS(t, s, dir, &bob, true, implicit, m.settings,
				fmt.Sprintf("put local.bin -o %s; get %s -o back.bin; cls -1 /uploads", remote, remote))
			protectedSession(t, out, false)
			if got := readFile(t, s.path(remote)); got != string(data) {
				t.Errorf("implicit put: %d bytes on the server, want %d", len(got), len(data))
			}
			if got := readFile(t, filepath.Join(dir, "back.bin")); got != string(data) {
				t.Errorf("implicit get: %d bytes, want %d", len(got), len(data))
			}
			if !strings.Contains(out, "\n"+remote+"\n") {
				t.Errorf("implicit cls -1 /uploads lacks %s:\n%s", remote, out)
			}
		})
	}
}
