package e2e

// The configuration file end to end: the seed's two configurations
// (examples/seed-*.conf) run as written, their Listen lines moved to
// 127.0.0.1:0 and the implicit one's DocumentRoot to a temporary directory,
// with their certificates, key and logs/ in the configuration's directory
// (their relative paths resolve there). Real clients (curl over explicit
// and implicit TLS, a raw control connection) then log in, list, download
// and upload, and the tests read the command and transfer logs the seed
// asks for, the error log, and what SIGHUP does to them. Also: a RequireSSL
// host refuses USER before AUTH, and a configuration whose authorization
// ftpsd cannot enforce does not start.
//
// Identifiers here start with conf: other e2e files share the package.

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/textproto"
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

// startConfServer writes text as dir/ftpsd.conf (dir from fcFixture) and
// starts ftpsd -config on it with more flags, as startServer does: it waits
// for msg=listening on standard error, and t.Cleanup stops the server.
func startConfServer(t *testing.T, dir, root, text string, args ...string) *server {
	t.Helper()
	e2e(t)
	conf := filepath.Join(dir, "ftpsd.conf")
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	args = append([]string{"-config", conf, "-fail-delay", "0", "-grace", "2s"}, args...)
	return launch(t, root, args)
}

// confWaitFile waits until the file at path contains substr.
func confWaitFile(t *testing.T, path, substr string) {
	t.Helper()
	deadline := time.Now().Add(replyTimeout)
	for {
		b, _ := os.ReadFile(path)
		if bytes.Contains(b, []byte(substr)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %q within %v:\n%s", path, substr, replyTimeout, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// confCommandRE is a line of the seed's command log, "%u [%a] %r %>s".
var confCommandRE = regexp.MustCompile(`^(\S+) \[127\.0\.0\.1\] ([A-Z]+)(?: (.*))? (\d{3})$`)

// confTransferRE is a line of the seed's transfer log, "%{%b %e %H:%M:%S
// %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y": xferlog's fields.
var confTransferRE = regexp.MustCompile(`^[A-Z][a-z]{2} [ 1-3]\d \d\d:\d\d:\d\d \d{4} (\d+) 127\.0\.0\.1 (\d+) (\S+) ([ab]) _ ([oid]) ([ar]) (\S+) ftp 0 (\S+)$`)

// confCheckCommandLog checks that every line of a command log has the
// seed's form and that no password was written, and returns the lines.
func confCheckCommandLog(t *testing.T, path string, secrets ...string) []string {
	t.Helper()
	ls := lines(readFile(t, path))
	for _, l := range ls {
		if !confCommandRE.MatchString(l) {
			t.Errorf("%s: %q is not \"%%u [%%a] %%r %%>s\"", filepath.Base(path), l)
		}
		if m := confCommandRE.FindStringSubmatch(l); m != nil && m[2] == "PASS" && m[3] != "" {
			t.Errorf("%s: PASS logged with an argument: %q", filepath.Base(path), l)
		}
		for _, s := range secrets {
			if strings.Contains(l, s) {
				t.Errorf("%s: a password in %q", filepath.Base(path), l)
			}
		}
	}
	return ls
}

// confHas reports an error unless the lines contain want.
func confHas(t *testing.T, what string, ls []string, want ...string) {
	t.Helper()
	for _, w := range want {
		found := false
		for _, l := range ls {
			found = found || l == w
		}
		if !found {
			t.Errorf("%s has no line %q:\n%s", what, w, strings.Join(ls, "\n"))
		}
	}
}

// confTransfers returns the transfer log's lines by path, failing on a line
// that is not in xferlog form.
func confTransfers(t *testing.T, path string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, l := range lines(readFile(t, path)) {
		m := confTransferRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("%s: %q is not an xferlog line", filepath.Base(path), l)
			continue
		}
		out[m[3]] = m[1:]
	}
	return out
}

// confTree makes a document root with a file to download and a directory
// to upload into.
func confTree(t *testing.T, root string) []byte {
	t.Helper()
	data := content(200<<10+5, 11)
	writeTree(t, root, map[string]string{"file.bin": string(data), "up/": ""})
	return data
}

// confCurlRoundTrip downloads file.bin anonymously, lists /, and uploads
// up/new.bin as alice, with curl and the given TLS arguments, and checks
// the three.
func confCurlRoundTrip(t *testing.T, s *server, scheme string, data []byte, tlsArgs ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	url := func(a *account, p string) string {
		return strings.Replace(s.url(a, p), "ftp://", scheme+"://", 1)
	}
	mustCurl(t, dir, append(tlsArgs, "-o", "got.bin", url(nil, "file.bin"))...)
	if got := readFile(t, filepath.Join(dir, "got.bin")); got != string(data) {
		t.Errorf("download: %d bytes differ from the %d on the server", len(got), len(data))
	}
	mustCurl(t, dir, append(tlsArgs, "-o", "list.txt", url(nil, "/"))...)
	if l := readFile(t, filepath.Join(dir, "list.txt")); !strings.Contains(l, "file.bin") || !strings.Contains(l, "up") {
		t.Errorf("LIST /: %q, want file.bin and up", l)
	}
	body := content(150<<10+1, 12)
	local := filepath.Join(dir, "up.bin")
	if err := os.WriteFile(local, body, 0o644); err != nil {
		t.Fatal(err)
	}
	mustCurl(t, dir, append(tlsArgs, "-T", local, url(&alice, "up/new.bin"))...)
	if got := readFile(t, s.path("up/new.bin")); got != string(body) {
		t.Errorf("upload: %d bytes on the server differ from the %d sent", len(got), len(body))
	}
	return body
}

// TestConfigSeedExplicit runs the seed's explicit-TLS configuration: AUTH
// TLS with curl --ssl-reqd, the command and transfer logs in the seed's
// formats, the error log in its file with the listening line still on
// standard error, and SIGHUP reopening the logs after rotation.
func TestConfigSeedExplicit(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	data := confTree(t, root)
	s := startConfServer(t, dir, root, fcSeed(t, "explicit", ""),
		"-root", root, "-anonymous", "-users", writeUsers(t))
	logs := filepath.Join(dir, "logs")
	errorLog := filepath.Join(logs, "ftps_error_log")
	confWaitFile(t, errorLog, "msg=listening addr="+s.addr)
	confWaitFile(t, errorLog, `msg="LoadModule: nothing to load`)
	if strings.Contains(s.log.String(), "LoadModule") {
		t.Errorf("notes went to stderr, not to ErrorLog:\n%s", s.log)
	}

	body := confCurlRoundTrip(t, s, "ftp", data, "--ssl-reqd", "-k")

	// Rotate the command log: SIGHUP reopens it at its path.
	cmdLog := filepath.Join(logs, "ftps_command_log")
	if err := os.Rename(cmdLog, cmdLog+".1"); err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	confWaitFile(t, errorLog, "SIGHUP: logs reopened")
	c := s.login(t, nil) // no RequireSSL in the seed: clear text is allowed
	c.must("NOOP", 200)
	c.must("QUIT", 221)

	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want status 0", err)
	}
	if !strings.Contains(s.log.String(), "msg=stopped") {
		t.Errorf("no msg=stopped on stderr:\n%s", s.log)
	}
	secrets := []string{alice.pass, "ftp@example.com"}
	before := confCheckCommandLog(t, cmdLog+".1", secrets...)
	confHas(t, "command log before SIGHUP", before,
		"- [127.0.0.1] AUTH SSL 234",
		"anonymous [127.0.0.1] USER anonymous 331",
		"anonymous [127.0.0.1] PASS 230",
		"anonymous [127.0.0.1] PROT P 200",
		"anonymous [127.0.0.1] RETR file.bin 226",
		"anonymous [127.0.0.1] LIST 226",
		"alice [127.0.0.1] USER alice 331",
		"alice [127.0.0.1] PASS 230",
		"alice [127.0.0.1] STOR new.bin 226")
	for _, l := range before {
		if strings.Contains(l, "NOOP") {
			t.Errorf("rotated command log has %q, sent after SIGHUP", l)
		}
	}
	after := confCheckCommandLog(t, cmdLog, secrets...)
	want := []string{"anonymous [127.0.0.1] USER anonymous 331", "anonymous [127.0.0.1] PASS 230",
		"anonymous [127.0.0.1] NOOP 200", "anonymous [127.0.0.1] QUIT 221"}
	if strings.Join(after, "\n") != strings.Join(want, "\n") {
		t.Errorf("command log after SIGHUP:\n%s\nwant:\n%s", strings.Join(after, "\n"), strings.Join(want, "\n"))
	}

	xfers := confTransfers(t, filepath.Join(logs, "ftps_transfer_log"))
	confCheckTransfers(t, xfers, len(data), len(body))
}

// confCheckTransfers checks the download of /file.bin (anonymous, by the
// e-mail curl gives) and the upload of /up/new.bin (alice), and that
// nothing else was logged as a transfer: LIST is a command, not a transfer.
func confCheckTransfers(t *testing.T, xfers map[string][]string, down, up int) {
	t.Helper()
	if len(xfers) != 2 {
		t.Errorf("transfer log: %d paths %v, want /file.bin and /up/new.bin", len(xfers), xfers)
	}
	// Fields: seconds, bytes, path, type, direction, access mode, user, authenticated id.
	if f := xfers["/file.bin"]; f == nil || f[1] != strconv.Itoa(down) || f[3] != "b" || f[4] != "o" || f[5] != "a" || f[6] != "ftp@example.com" || f[7] != "*" {
		t.Errorf("transfer log for /file.bin: %q, want %d bytes, b o a ftp@example.com *", f, down)
	}
	if f := xfers["/up/new.bin"]; f == nil || f[1] != strconv.Itoa(up) || f[3] != "b" || f[4] != "i" || f[5] != "r" || f[6] != "alice" {
		t.Errorf("transfer log for /up/new.bin: %q, want %d bytes, b i r alice", f, up)
	}
}

// TestConfigSeedImplicit runs the seed's implicit-TLS configuration: the
// listener speaks TLS from the first byte (curl ftps://), and the logs are
// the seed's.
func TestConfigSeedImplicit(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	data := confTree(t, root)
	s := startConfServer(t, dir, root, fcSeed(t, "implicit", root), "-anonymous", "-users", writeUsers(t))
	if !strings.Contains(s.log.String(), "kind=ftps-implicit") {
		t.Errorf("listener not implicit:\n%s", s.log)
	}
	// A clear-text client gets no greeting: TLS comes first.
	conn, err := net.DialTimeout("tcp", s.addr, replyTimeout)
	if err != nil {
		t.Fatalf("dialling the implicit listener: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	b := make([]byte, 3)
	if n, _ := conn.Read(b); n > 0 && string(b[:n]) == "220" {
		t.Errorf("implicit listener greeted in clear text")
	}
	conn.Close()

	body := confCurlRoundTrip(t, s, "ftps", data, "-k")
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("exit after SIGTERM: %v, want status 0", err)
	}
	logs := filepath.Join(dir, "logs")
	cmds := confCheckCommandLog(t, filepath.Join(logs, "ftps_command.log"), alice.pass, "ftp@example.com")
	confHas(t, "command log", cmds,
		"anonymous [127.0.0.1] RETR file.bin 226",
		"anonymous [127.0.0.1] LIST 226",
		"alice [127.0.0.1] STOR new.bin 226",
		"alice [127.0.0.1] QUIT 221")
	for _, l := range cmds {
		if strings.Contains(l, "AUTH") {
			t.Errorf("AUTH on an implicit listener: %q", l)
		}
	}
	confCheckTransfers(t, confTransfers(t, filepath.Join(logs, "ftps_transfer.log")), len(data), len(body))
	if e := readFile(t, filepath.Join(logs, "ftps_error.log")); !strings.Contains(e, "msg=stopped") {
		t.Errorf("error log lacks msg=stopped:\n%s", e)
	}
}

// TestConfigRequireSSL: FTPOptions RequireSSL in the seed's explicit host
// refuses USER before AUTH TLS with 530, and accepts it after.
func TestConfigRequireSSL(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	text := strings.Replace(fcSeed(t, "explicit", ""), "FTP On", "FTP On\n  FTPOptions RequireSSL", 1)
	s := startConfServer(t, dir, root, text, "-root", root, "-anonymous")
	c := s.dial(t)
	c.expect("USER anonymous", 530)
	c.must("AUTH TLS", 234)
	tc := tls.Client(c.conn, &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1"})
	ctx, cancel := context.WithTimeout(context.Background(), replyTimeout)
	defer cancel()
	if err := tc.HandshakeContext(ctx); err != nil {
		t.Fatalf("TLS handshake after AUTH TLS: %v", err)
	}
	c.conn, c.tp = tc, textproto.NewConn(tc)
	c.must("USER anonymous", 331)
	c.must("PASS e2e@example.com", 230)
}

// TestConfigCurves: SSLOpenSSLConfCmd Curves limits the key exchange of the
// control and the data connections: a Go client, which prefers
// X25519MLKEM768, gets X25519 on both; one that offers only the hybrid is
// refused. Without the line the same client gets the hybrid; without a
// configuration file, Go's GODEBUG=tlsmlkem=0 (README) does what the line
// does.
func TestConfigCurves(t *testing.T) {
	t.Parallel()
	withConf := func(line string) func(t *testing.T) *server {
		return func(t *testing.T) *server {
			dir := fcFixture(t)
			root := filepath.Join(dir, "root")
			text := strings.Replace(fcSeed(t, "explicit", ""), "FTP On", "FTP On"+line, 1)
			return startConfServer(t, dir, root, text, "-root", root, "-anonymous")
		}
	}
	for _, tt := range []struct {
		name  string
		start func(t *testing.T) *server
		want  tls.CurveID
	}{
		{"Curves X25519:P-256", withConf("\n  SSLOpenSSLConfCmd Curves X25519:P-256"), tls.X25519},
		{"no Curves line", withConf(""), tls.X25519MLKEM768},
		{"flags, GODEBUG=tlsmlkem=0", func(t *testing.T) *server {
			e2e(t)
			dir, root := t.TempDir(), t.TempDir()
			args := []string{"-listen", "127.0.0.1:0", "-root", root, "-anonymous", "-fail-delay", "0", "-grace", "2s"}
			return launchEnv(t, dir, root, args, "STATE_DIRECTORY="+dir, "GODEBUG=tlsmlkem=0")
		}, tls.X25519},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.start(t)
			handshake := func(prefs ...tls.CurveID) (tls.ConnectionState, error) {
				c := s.dial(t)
				c.must("AUTH TLS", 234)
				tc := tls.Client(c.conn, &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1", CurvePreferences: prefs})
				ctx, cancel := context.WithTimeout(context.Background(), replyTimeout)
				defer cancel()
				err := tc.HandshakeContext(ctx)
				return tc.ConnectionState(), err
			}
			if st, err := handshake(); err != nil || st.CurveID != tt.want {
				t.Errorf("control connection: group %v, %v; want %v", st.CurveID, err, tt.want)
			}
			_, err := handshake(tls.X25519MLKEM768)
			if refused := err != nil; refused != (tt.want != tls.X25519MLKEM768) {
				t.Errorf("a client offering X25519MLKEM768 only: handshake error %v", err)
			}
			cfg := &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1", ClientSessionCache: tls.NewLRUClientSessionCache(4)}
			g := goTLSDial(t, s.addr, false, cfg, nil)
			if _, err := g.List("/"); err != nil {
				t.Fatalf("LIST over PROT P: %v", err)
			}
			if ds := g.dataStates(); len(ds) != 1 || ds[0].CurveID != tt.want {
				t.Errorf("data connections %d, want 1 with group %v", len(ds), tt.want)
			} else if !ds[0].DidResume {
				t.Errorf("data connection did not resume the control session")
			}
		})
	}
}

// TestConfigRefused: a configuration ftpsd cannot honour does not start,
// and names the directive; -t says the same with status 1; the examples
// pass -t.
func TestConfigRefused(t *testing.T) {
	t.Parallel()
	e2e(t)
	dir := fcFixture(t)
	conf := filepath.Join(dir, "ftpsd.conf")
	text := strings.Replace(fcSeed(t, "explicit", ""), "FTP On",
		"FTP On\n  FTPOptions AllowProxyPASV", 1)
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, "root")
	refusal := conf + ":13: FTPOptions AllowProxyPASV: not supported, ftpsd never lets a data connection use an address other than the client's; refusing to start rather than differ silently"
	tests := []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"start", []string{"-config", conf, "-root", root}, 1, refusal + "\n"},
		{"check", []string{"-t", "-config", conf, "-root", root}, 1, refusal + "\n"},
		{"example explicit", []string{"-t", "-config", filepath.Join("..", "examples", "seed-explicit.conf")}, 0, "Syntax OK\n"},
		{"example implicit", []string{"-t", "-config", filepath.Join("..", "examples", "seed-implicit.conf")}, 0, "Syntax OK\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			defer cancel()
			out, err := exec.CommandContext(ctx, ftpsdBin, tt.args...).CombinedOutput()
			code := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.code || string(out) != tt.out {
				t.Errorf("ftpsd %s: status %d, output:\n%s\nwant status %d, output:\n%s", strings.Join(tt.args, " "), code, out, tt.code, tt.out)
			}
		})
	}
}
