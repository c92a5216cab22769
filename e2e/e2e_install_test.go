package e2e

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeInstall: make install into a staging root (DESTDIR, PREFIX=/usr)
// puts the binary, the man page, the systemd unit (with the paths used)
// and the default configuration where a system daemon's go; the installed
// binary runs the installed configuration (its paths moved into the test's
// directories, its ports to 0): anonymous downloads over FTP, explicit and
// implicit TLS.
func TestMakeInstall(t *testing.T) {
	t.Parallel()
	e2e(t)
	dest := t.TempDir()
	make := exec.Command("make", "-C", "..", "install", "DESTDIR="+dest, "PREFIX=/usr", "BIN="+filepath.Join(dest, "build", "ftpsd"))
	if out, err := make.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, f := range []struct {
		path string
		mode os.FileMode
	}{
		{"usr/sbin/ftpsd", 0o755},
		{"usr/share/man/man8/ftpsd.8", 0o644},
		{"usr/lib/systemd/system/ftpsd.service", 0o644},
		{"etc/ftpsd/ftpsd.conf", 0o644},
	} {
		fi, err := os.Stat(filepath.Join(dest, f.path))
		if err != nil || fi.Mode().Perm() != f.mode {
			t.Errorf("%s: %v, want mode %v", f.path, err, f.mode)
		}
	}
	unit := readFile(t, filepath.Join(dest, "usr/lib/systemd/system/ftpsd.service"))
	for _, want := range []string{"Type=notify", "ExecStart=/usr/sbin/ftpsd -config /etc/ftpsd/ftpsd.conf", "ExecReload=/bin/kill -HUP $MAINPID", "StateDirectory=ftpsd"} {
		if !strings.Contains(unit, want) {
			t.Errorf("unit lacks %q:\n%s", want, unit)
		}
	}
	// systemd's own check of the unit (syntax, directives, that ExecStart
	// and ExecReload run, that Documentation= finds the man page), with
	// the staged paths in place of the installed ones.
	staged := strings.NewReplacer("/usr/sbin/ftpsd", filepath.Join(dest, "usr/sbin/ftpsd"),
		"/etc/ftpsd", filepath.Join(dest, "etc/ftpsd")).Replace(unit)
	unitCopy := filepath.Join(t.TempDir(), "ftpsd.service")
	if err := os.WriteFile(unitCopy, []byte(staged), 0o644); err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(requireTool(t, "systemd-analyze"), "verify", unitCopy)
	verify.Env = append(os.Environ(), "MANPATH="+filepath.Join(dest, "usr/share/man"))
	if out, err := verify.CombinedOutput(); err != nil {
		t.Errorf("systemd-analyze verify ftpsd.service: %v\n%s", err, out)
	}
	bin := filepath.Join(dest, "usr/sbin/ftpsd")
	if out, err := exec.Command(bin, "-version").Output(); err != nil || !strings.HasPrefix(string(out), "ftpsd ") {
		t.Errorf("installed -version: %q, %v", out, err)
	}
	// A second install keeps the operator's configuration.
	conf := filepath.Join(dest, "etc/ftpsd/ftpsd.conf")
	if err := os.WriteFile(conf, []byte("# mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("make", "-C", "..", "install", "DESTDIR="+dest, "PREFIX=/usr", "BIN="+filepath.Join(dest, "build", "ftpsd")).CombinedOutput(); err != nil {
		t.Fatalf("second make install: %v\n%s", err, out)
	}
	if readFile(t, conf) != "# mine\n" {
		t.Error("make install replaced an existing /etc/ftpsd/ftpsd.conf")
	}

	// The default configuration, run: its paths moved under the test's
	// directories; as root it drops to nobody instead of ftpsd.
	srv, logs, run := t.TempDir(), t.TempDir(), t.TempDir()
	writeTree(t, srv, map[string]string{"pub/hello.txt": helloText})
	text := readFile(t, filepath.Join("..", "examples", "ftpsd.conf"))
	r := strings.NewReplacer("/srv/ftp", srv, "/var/log/ftpsd", logs, "/run/ftpsd", run)
	text = r.Replace(text)
	if os.Geteuid() == 0 {
		worldReadable(t, srv)
		for _, p := range []string{filepath.Join(srv, "pub"), filepath.Join(srv, "pub", "hello.txt")} {
			mode := os.FileMode(0o755)
			if strings.HasSuffix(p, ".txt") {
				mode = 0o644
			}
			if err := os.Chmod(p, mode); err != nil {
				t.Fatal(err)
			}
		}
		text = strings.NewReplacer("User ftpsd", "User nobody", "Group ftpsd", "Group nogroup").Replace(text)
	} else {
		text = strings.NewReplacer("User ftpsd\n", "", "Group ftpsd\n", "").Replace(text)
	}
	// Ports 21 and 990 moved to two free ports, the <VirtualHost *:990>
	// with them, so the file is run as written otherwise.
	p1, p2 := freePorts(t)
	text = strings.NewReplacer("Listen 21 ftp", "Listen 127.0.0.1:"+p1+" ftp", "Listen 990 ftps", "Listen 127.0.0.1:"+p2+" ftps", "<VirtualHost *:990>", "<VirtualHost *:"+p2+">").Replace(text)
	confPath := filepath.Join(t.TempDir(), "ftpsd.conf")
	if err := os.WriteFile(confPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "-t", "-config", confPath).CombinedOutput(); err != nil || string(out) != "Syntax OK\n" {
		t.Fatalf("ftpsd -t on the default configuration: %v\n%s", err, out)
	}
	state := t.TempDir()
	s := launchEnv(t, state, srv, []string{"-config", confPath}, "STATE_DIRECTORY="+state)
	work := t.TempDir()
	for _, tc := range []struct {
		name, url string
		args      []string
	}{
		{"plain", "ftp://127.0.0.1:" + p1 + "/pub/hello.txt", nil},
		{"explicit TLS", "ftp://127.0.0.1:" + p1 + "/pub/hello.txt", []string{"--ssl-reqd", "-k"}},
		{"implicit TLS", "ftps://127.0.0.1:" + p2 + "/pub/hello.txt", []string{"-k"}},
	} {
		out := filepath.Join(work, strings.ReplaceAll(tc.name, " ", "_"))
		mustCurl(t, work, append(tc.args, "-o", out, tc.url)...)
		if got := readFile(t, out); got != helloText {
			t.Errorf("%s: anonymous download %q", tc.name, got)
		}
	}
	// Anonymous users only read.
	up := filepath.Join(work, "up.txt")
	if err := os.WriteFile(up, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := curl(t, work, "-T", up, "ftp://127.0.0.1:"+p1+"/pub/up.txt"); err == nil {
		t.Errorf("anonymous upload accepted by the default configuration:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(run, "ftpsd.pid")); err != nil {
		t.Errorf("PidFile: %v", err)
	}
	if os.Geteuid() == 0 && !strings.Contains(s.log.String()+readFile(t, filepath.Join(logs, "error.log")), "privileges dropped") {
		t.Errorf("as root, the default configuration did not drop privileges:\n%s", s.log)
	}
}

// freePorts returns two distinct ports the kernel had free a moment ago:
// both listeners stay open until both are known, so the two cannot be the
// same port handed out twice.
func freePorts(t *testing.T) (string, string) {
	t.Helper()
	var ports []string
	for range 2 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		_, port, _ := net.SplitHostPort(l.Addr().String())
		ports = append(ports, port)
	}
	return ports[0], ports[1]
}
