package e2e

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// requireRoot: the privilege tests bind port 21 and drop root, which only
// root can; CI runs as root, so there they run.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (binds port 21, then drops privileges); CI runs as root")
	}
}

// worldReadable makes a test's temporary directory (and its parent, which
// testing creates 0700) readable by the user the server drops to.
func worldReadable(t *testing.T, dir string) {
	t.Helper()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// procIDs reads the Uid and Gid lines of /proc/PID/status: real,
// effective, saved and file-system ids.
func procIDs(t *testing.T, pid int) (uid, gid []string) {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Uid:"); ok {
			uid = strings.Fields(v)
		}
		if v, ok := strings.CutPrefix(l, "Gid:"); ok {
			gid = strings.Fields(v)
		}
	}
	return uid, gid
}

// TestDaemonDropsRoot: started as root, the server binds port 21 (on a
// loopback address of its own), writes its pid file, then runs as nobody
// and nogroup on every thread; curl downloads over FTP and FTPS.
func TestDaemonDropsRoot(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	e2e(t)
	root, work := t.TempDir(), t.TempDir()
	worldReadable(t, root)
	writeTree(t, root, map[string]string{"hello.txt": helloText})
	worldReadable(t, root)
	if err := os.Chmod(filepath.Join(root, "hello.txt"), 0o644); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(work, "ftpsd.pid")
	s := launch(t, root, []string{"-listen", "127.0.0.77:21", "-root", root, "-anonymous",
		"-user", "nobody", "-group", "nogroup", "-pidfile", pidFile, "-grace", "2s"})
	pid := s.cmd.Process.Pid
	if b, err := os.ReadFile(pidFile); err != nil || string(b) != strconv.Itoa(pid)+"\n" {
		t.Errorf("pid file: %q, %v; want %d", b, err, pid)
	}
	uid, gid := procIDs(t, pid)
	want := strings.Fields(strings.Repeat("65534 ", 4))
	if strings.Join(uid, " ") != strings.Join(want, " ") || strings.Join(gid, " ") != strings.Join(want, " ") {
		t.Errorf("/proc/%d/status: Uid %v Gid %v, want all 65534 (nobody, nogroup)", pid, uid, gid)
	}
	if !strings.Contains(s.log.String(), `msg="privileges dropped" user=nobody uid=65534 gid=65534`) {
		t.Errorf("no privileges-dropped line:\n%s", s.log)
	}
	out := mustCurl(t, work, "-o", "a.txt", "ftp://127.0.0.77:21/hello.txt")
	if readFile(t, filepath.Join(work, "a.txt")) != helloText {
		t.Errorf("download as nobody:\n%s", out)
	}
	mustCurl(t, work, "--ssl-reqd", "-k", "-o", "b.txt", "ftp://127.0.0.77:21/hello.txt")
	if readFile(t, filepath.Join(work, "b.txt")) != helloText {
		t.Error("FTPS download as nobody failed")
	}
}

// runExit runs the binary to its exit (bounded) and returns its exit code
// and standard error.
func runExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ftpsdBin, args...)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "STATE_DIRECTORY="+cmd.Dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("ftpsd %s did not exit: %s", strings.Join(args, " "), stderr.String())
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stderr.String()
}

// TestDaemonRefusesRootInPublic: as root without -user, a listener on a
// public address is refused before it serves, naming the address; the
// refusal names the way out.
func TestDaemonRefusesRootInPublic(t *testing.T) {
	requireRoot(t)
	t.Parallel()
	e2e(t)
	code, stderr := runExit(t, "-listen", "0.0.0.0:0", "-root", t.TempDir(), "-anonymous")
	if code != 1 || !strings.Contains(stderr, "refusing to serve as root on 0.0.0.0:") || !strings.Contains(stderr, "-allow-root") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and a refusal naming 0.0.0.0 and -allow-root", code, stderr)
	}
	code, stderr = runExit(t, "-listen", "127.0.0.1:0", "-root", t.TempDir(), "-anonymous", "-user", "no-such-user-ftpsd")
	if code != 1 || !strings.Contains(stderr, "-user/-group: daemon: user no-such-user-ftpsd") {
		t.Errorf("unknown -user: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestDaemonBindErrorNamesAddress: a listener whose address is taken stops
// the start with the address in the message.
func TestDaemonBindErrorNamesAddress(t *testing.T) {
	t.Parallel()
	e2e(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().String()
	code, stderr := runExit(t, "-listen", "127.0.0.1:0", "-listen", busy, "-root", t.TempDir(), "-anonymous")
	if code != 1 || !strings.Contains(stderr, "listening on "+busy+": ") || !strings.Contains(stderr, "address already in use") {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and the busy address %s named", code, stderr, busy)
	}
}

// TestDaemonNotify: under systemd's Type=notify protocol (a NOTIFY_SOCKET
// datagram socket) the server says READY=1 once it listens, RELOADING=1
// then READY=1 around a SIGHUP, and STOPPING=1 at SIGTERM.
func TestDaemonNotify(t *testing.T) {
	t.Parallel()
	e2e(t)
	dir := t.TempDir()
	sock := filepath.Join(dir, "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	next := func(want string) string {
		t.Helper()
		buf := make([]byte, 4096)
		_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("waiting for %s: %v", want, err)
		}
		msg := string(buf[:n])
		if !strings.Contains(msg, want) {
			t.Fatalf("sd_notify message %q, want %s", msg, want)
		}
		return msg
	}
	root := t.TempDir()
	s := launchEnv(t, dir, root, []string{"-listen", "127.0.0.1:0", "-root", root, "-anonymous", "-grace", "1s"},
		"NOTIFY_SOCKET="+sock, "STATE_DIRECTORY="+dir)
	if msg := next("READY=1"); !strings.Contains(msg, "STATUS=serving 1 listeners") {
		t.Errorf("READY message %q has no STATUS", msg)
	}
	s.send(syscall.SIGHUP)
	if msg := next("RELOADING=1"); !regexp.MustCompile(`MONOTONIC_USEC=\d+`).MatchString(msg) {
		t.Errorf("RELOADING message %q has no MONOTONIC_USEC", msg)
	}
	next("READY=1")
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	next("STOPPING=1")
}

// TestDaemonKeepsCertificate: the generated certificate is written to the
// state directory (key mode 0600) and the next start serves the same one,
// its fingerprint logged both times.
func TestDaemonKeepsCertificate(t *testing.T) {
	t.Parallel()
	e2e(t)
	state := t.TempDir()
	var prints []string
	for i := 0; i < 2; i++ {
		root := t.TempDir()
		s := launchEnv(t, t.TempDir(), root, []string{"-listen", "127.0.0.1:0", "-root", root, "-anonymous", "-state-dir", state, "-grace", "1s"})
		m := fingerprintRE.FindStringSubmatch(s.log.String())
		if m == nil {
			t.Fatalf("start %d: no fingerprint logged:\n%s", i+1, s.log)
		}
		if !strings.Contains(s.log.String(), "expires=") {
			t.Errorf("start %d: no expiry logged:\n%s", i+1, s.log)
		}
		prints = append(prints, m[1])
		if err := s.signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	if prints[0] != prints[1] {
		t.Errorf("fingerprints %v: the second start generated a new certificate", prints)
	}
	keys, _ := filepath.Glob(filepath.Join(state, "selfsigned-*.key"))
	if len(keys) != 1 {
		t.Fatalf("state dir holds keys %v, want one", keys)
	}
	if fi, err := os.Stat(keys[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("key %s: %v, mode %v; want 0600", keys[0], err, fi.Mode().Perm())
	}
}
