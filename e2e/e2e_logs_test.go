package e2e

// The logs from flags (-error-log, -command-log, -transfer-log) as the real
// binary writes them, and the shipped fail2ban filter and jail run by
// fail2ban itself over those lines.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

const (
	f2bFilter = "../contrib/fail2ban/filter.d/ftpsd.conf"
	f2bJail   = "../contrib/fail2ban/jail.d/ftpsd.conf"
)

// f2bLinesRE is fail2ban-regex's summary line.
var f2bLinesRE = regexp.MustCompile(`Lines: (\d+) lines, (\d+) ignored, (\d+) matched, (\d+) missed`)

// TestLogsFail2ban: started from flags only, the server writes the
// command log (every line, refused ones with their code, failed PASS with
// the name tried), the transfer log, and the error log's "login failed"
// lines; fail2ban-regex with the shipped filter matches exactly the failed
// logins curl made and extracts the client address from each.
func TestLogsFail2ban(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	errLog, cmdLog, xferLog := filepath.Join(dir, "error.log"), filepath.Join(dir, "command.log"), filepath.Join(dir, "transfer.log")
	root := t.TempDir()
	writeTree(t, root, map[string]string{"pub/hello.txt": "hello, world\n"})
	s := startServer(t, serverConfig{root: root, args: []string{
		"-error-log", errLog, "-command-log", cmdLog, "-transfer-log", xferLog,
	}})

	// Failed logins with a real client: one per connection, so the
	// session limit (-max-login-attempts) plays no part.
	tries := []account{
		{user: "alice", pass: "wrong-1"},
		{user: "mallory", pass: "wrong-2"},
		{user: "bob", pass: "wrong-3"},
		{user: "alice", pass: "wrong-4"},
	}
	for _, a := range tries {
		out, err := curl(t, dir, s.url(&a, "/pub/hello.txt"))
		var ee *exec.ExitError
		if !strings.Contains(out, "< 530") || !errors.As(err, &ee) {
			t.Fatalf("curl as %s with a wrong password: %v\n%s", a.user, err, out)
		}
	}
	// A good login and a download, for the transfer log.
	dl := filepath.Join(dir, "hello.txt")
	mustCurl(t, dir, "-o", dl, s.url(&bob, "/pub/hello.txt"))
	if got := readFile(t, dl); got != "hello, world\n" {
		t.Fatalf("download: %q", got)
	}
	// Lines refused before a command ran: unknown verb, bad syntax.
	c := s.dial(t)
	if r := c.cmd("XYZZY plugh"); r.code != 500 {
		t.Errorf("XYZZY: %v, want 500", r)
	}
	if r := c.cmd("NOOP2"); r.code != 500 {
		t.Errorf("NOOP2: %v, want 500", r)
	}
	if r := c.cmd("QUIT"); r.code != 221 {
		t.Errorf("QUIT: %v", r)
	}
	// SIGTERM: the server flushes and closes every log before it exits.
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("ftpsd after SIGTERM: %v", err)
	}

	cmds := readFile(t, cmdLog)
	for _, a := range tries {
		if strings.Contains(cmds, a.pass) {
			t.Errorf("the command log holds the password %q:\n%s", a.pass, cmds)
		}
	}
	var failed []string
	for _, l := range lines(cmds) {
		if strings.HasSuffix(l, " PASS 530") {
			failed = append(failed, l)
		}
	}
	var want []string
	for _, a := range tries {
		want = append(want, a.user+" [127.0.0.1] PASS 530")
	}
	if strings.Join(failed, "\n") != strings.Join(want, "\n") {
		t.Errorf("failed PASS lines in the command log:\n%s\nwant:\n%s", strings.Join(failed, "\n"), strings.Join(want, "\n"))
	}
	for _, w := range []string{"bob [127.0.0.1] PASS 230", "bob [127.0.0.1] RETR hello.txt 226",
		"- [127.0.0.1] XYZZY plugh 500", "- [127.0.0.1] NOOP 500", "- [127.0.0.1] QUIT 221"} {
		if !strings.Contains(cmds, w+"\n") {
			t.Errorf("command log lacks %q:\n%s", w, cmds)
		}
	}
	xfers := lines(readFile(t, xferLog))
	if len(xfers) != 1 || !confTransferRE.MatchString(xfers[0]) || !strings.Contains(xfers[0], " 13 /pub/hello.txt b _ o r bob ftp 0 ") {
		t.Errorf("transfer log %q, want one xferlog line for /pub/hello.txt", xfers)
	}

	// fail2ban's own reading of the error log.
	errText := readFile(t, errLog)
	out := mustRunTool(t, dir, "fail2ban-regex", errLog, abs(t, f2bFilter))
	m := f2bLinesRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("fail2ban-regex printed no summary:\n%s", out)
	}
	if matched, _ := strconv.Atoi(m[3]); matched != len(tries) {
		t.Errorf("fail2ban-regex matched %s lines, want %d (one per failed login):\n%s\nerror log:\n%s", m[3], len(tries), out, errText)
	}
	hosts := lines(mustRunTool(t, dir, "fail2ban-regex", "-o", "ip", errLog, abs(t, f2bFilter)))
	if strings.Join(hosts, " ") != strings.TrimSpace(strings.Repeat("127.0.0.1 ", len(tries))) {
		t.Errorf("fail2ban-regex extracted hosts %q, want 127.0.0.1 for each of the %d failures", hosts, len(tries))
	}
	for _, a := range tries {
		if !strings.Contains(errText, `level=INFO msg="login failed" client=127.0.0.1 user=`+a.user+"\n") {
			t.Errorf("error log lacks the failed login of %s:\n%s", a.user, errText)
		}
	}
}

// TestLogsFail2banJail: fail2ban accepts the shipped jail and filter in its
// own configuration (fail2ban-client -t), pointed at a log ftpsd wrote.
func TestLogsFail2banJail(t *testing.T) {
	t.Parallel()
	e2e(t)
	requireTool(t, "fail2ban-client")
	if _, err := os.Stat("/etc/fail2ban/jail.conf"); err != nil {
		t.Fatalf("fail2ban's configuration is not installed (Debian package fail2ban, make test-deps): %v", err)
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "fail2ban")
	if out, err := exec.Command("cp", "-r", "/etc/fail2ban", conf).CombinedOutput(); err != nil {
		t.Fatalf("copying /etc/fail2ban: %v\n%s", err, out)
	}
	// Only this jail: the distribution's (sshd) need logs this machine may
	// not have.
	jails, _ := filepath.Glob(filepath.Join(conf, "jail.d", "*"))
	for _, j := range jails {
		if err := os.RemoveAll(j); err != nil {
			t.Fatal(err)
		}
	}
	errLog := filepath.Join(dir, "error.log")
	s := startServer(t, serverConfig{args: []string{"-error-log", errLog}})
	c := s.dial(t)
	c.cmd("USER nobody")
	if r := c.cmd("PASS wrong"); r.code != 530 {
		t.Fatalf("PASS: %v, want 530", r)
	}
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	jail := strings.ReplaceAll(readFile(t, abs(t, f2bJail)), "/var/log/ftpsd/error.log", errLog)
	writeTree(t, conf, map[string]string{"jail.d/ftpsd.conf": jail, "filter.d/ftpsd.conf": readFile(t, abs(t, f2bFilter))})
	out := mustRunTool(t, dir, "fail2ban-client", "-c", conf, "-t")
	if !strings.Contains(out, "OK: configuration test is successful") {
		t.Errorf("fail2ban-client -t:\n%s", out)
	}
	dump := mustRunTool(t, dir, "fail2ban-client", "-c", conf, "-d")
	for _, w := range []string{"['add', 'ftpsd',", "'addlogpath', '" + errLog + "'", "['start', 'ftpsd']"} {
		if !strings.Contains(dump, w) {
			t.Errorf("fail2ban-client -d lacks %q:\n%s", w, dump)
		}
	}
}

// TestLogsToStderr: "-" sends the command and transfer logs to standard
// error beside the error log; without -anonymous or -users and with the
// error log in a file, the start-up warning still reaches standard error.
func TestLogsToStderr(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"f.txt": "0123456789"})
	s := startServer(t, serverConfig{root: root, args: []string{
		"-command-log", "-", "-transfer-log", "-", "-transfer-log-format", "%f %B %>s %d",
	}})
	dl := filepath.Join(t.TempDir(), "f.txt")
	mustCurl(t, t.TempDir(), "-o", dl, s.url(nil, "/f.txt"))
	if got := readFile(t, dl); got != "0123456789" {
		t.Fatalf("download: %q", got)
	}
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	out := s.log.String()
	for _, w := range []string{"anonymous [127.0.0.1] RETR f.txt 226\n", "\n/f.txt 10 226 o\n", "msg=listening"} {
		if !strings.Contains(out, w) {
			t.Errorf("stderr lacks %q:\n%s", w, out)
		}
	}

	errLog := filepath.Join(t.TempDir(), "error.log")
	q := startServer(t, serverConfig{noAnonymous: true, noUsers: true, args: []string{"-error-log", errLog}})
	if err := q.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	const warn = `level=WARN msg="neither -anonymous nor -users given: nobody can log in"`
	if !strings.Contains(q.log.String(), warn) || !strings.Contains(readFile(t, errLog), warn) {
		t.Errorf("the warning must be on stderr and in the error log:\nstderr:\n%s\nerror log:\n%s", q.log, readFile(t, errLog))
	}
}

func abs(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestLogsConfigMode: with -config, a configuration warning reaches
// standard error as well as ErrorLog, and -command-log replaces the
// server's command CustomLog (its transfer CustomLog stays).
func TestLogsConfigMode(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	writeTree(t, root, map[string]string{"f.txt": "abc"})
	text := strings.Replace(fcSeed(t, "explicit", ""), "FTP On", "FTP On\n  FTPDataBlockSize 4096", 1)
	flagLog := filepath.Join(t.TempDir(), "commands")
	s := startConfServer(t, dir, root, text, "-root", root, "-anonymous", "-command-log", flagLog)
	c := s.login(t, nil)
	c.must("XYZZY", 500)
	c.must("QUIT", 221)
	if err := s.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	const warn = `level=WARN msg="FTPDataBlockSize: not used;`
	errorLog := readFile(t, filepath.Join(dir, "logs", "ftps_error_log"))
	if !strings.Contains(s.log.String(), warn) || !strings.Contains(errorLog, warn) {
		t.Errorf("the warning must be on stderr and in ErrorLog:\nstderr:\n%s\nErrorLog:\n%s", s.log, errorLog)
	}
	if strings.Contains(s.log.String(), "LoadModule") {
		t.Errorf("a note (info) went to stderr:\n%s", s.log)
	}
	got := readFile(t, flagLog)
	for _, w := range []string{"anonymous [127.0.0.1] PASS 230\n", "anonymous [127.0.0.1] XYZZY 500\n", "anonymous [127.0.0.1] QUIT 221\n"} {
		if !strings.Contains(got, w) {
			t.Errorf("-command-log lacks %q:\n%s", w, got)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "logs", "ftps_command_log")); len(b) > 0 {
		t.Errorf("the replaced CustomLog got lines: %q (%v)", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "logs", "ftps_transfer_log")); err != nil {
		t.Errorf("the transfer CustomLog was not opened: %v", err)
	}
}
