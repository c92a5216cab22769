package e2e

// This file is the harness of the end-to-end tests: it builds the binary
// once, starts one server per test on 127.0.0.1:0 with its own temporary
// root, and offers a small line-protocol client.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// Bounds of every wait in the e2e tests.
const (
	startTimeout = 10 * time.Second // until the server logs its listeners
	stopTimeout  = 5 * time.Second  // from SIGTERM until the process is gone
	replyTimeout = 10 * time.Second // one command and its reply
	dataTimeout  = 30 * time.Second // one data transfer
	toolTimeout  = 60 * time.Second // one run of curl, lftp or python3
)

var (
	// ftpsdBin is the server binary built by TestMain.
	ftpsdBin string
	// buildErr is why it could not be built; every e2e test fails with it.
	buildErr error
)

func TestMain(m *testing.M) {
	flag.Parse()
	var dir string
	if !testing.Short() {
		dir, ftpsdBin, buildErr = buildServer()
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// buildServer builds ./cmd/ftpsd of this module (the binary under test)
// into a temporary directory, with -race when FTPSD_E2E_RACE=1. It builds
// from the module root, which `go env GOMOD` names, so that the tests do not
// depend on the directory they run from.
func buildServer() (dir, bin string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOMOD: %w", err)
	}
	modRoot := filepath.Dir(strings.TrimSpace(string(gomod)))
	dir, err = os.MkdirTemp("", "ftpsd-e2e-")
	if err != nil {
		return "", "", err
	}
	bin = filepath.Join(dir, "ftpsd")
	args := []string{"build", "-o", bin}
	if os.Getenv("FTPSD_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/ftpsd")
	build := exec.CommandContext(ctx, "go", args...)
	build.Dir = modRoot
	out, err := build.CombinedOutput()
	if err != nil {
		return dir, "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return dir, bin, nil
}

// e2e marks a test as an end-to-end test: skipped under -short, failed when
// the binary could not be built.
func e2e(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short (make unit)")
	}
	if buildErr != nil {
		t.Fatalf("building the server failed: %v", buildErr)
	}
}

// requireTool fails (never skips) when an external client is missing.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed: `make test` installs it (Makefile target test-deps): %v", name, err)
	}
	return p
}

// Test accounts, one per htpasswd hash format. The $apr1$, $5$ and $6$ hashes
// were made with OpenSSL (`openssl passwd -apr1|-5|-6 -salt s4ltS4lt PASS`),
// an implementation independent of the server's; bcrypt and {SHA} are
// computed when the file is written.
type account struct {
	user, pass string
	hash       func(pass string) string
}

var (
	alice = account{"alice", "alice-secret", func(p string) string { return bcryptHash(p, "$2y$") }}
	bob   = account{"bob", "bob-secret", shaHash}
	carol = account{"carol", "carol-secret", func(string) string { return "$apr1$s4ltS4lt$B.F4OQiCzHO9zdBvhVFi7/" }}
	dave  = account{"dave", "dave-secret", func(string) string { return "$5$s4ltS4lt$89IUFaBLbmJpi5lu8XsLXl1BmVLnNbjxMohc8kFs/NB" }}
	erin  = account{"erin", "erin-secret", func(string) string {
		return "$6$s4ltS4lt$l3WVqaQ5cRRFgc7vYctHopINp3ArRcFJl8e/N6iuagIXm/JAkr11CVHqsaFIHCnJowf55cNAJ9oVWecgJ3vq1."
	}}
	frank = account{"frank", "frank-secret", func(p string) string { return bcryptHash(p, "$2a$") }}

	allAccounts = []account{alice, bob, carol, dave, erin, frank}
)

// bcryptHash hashes at the minimum cost (the load test logs in 100 times) and
// gives it the requested prefix; $2y$ and $2a$ name the same algorithm.
func bcryptHash(pass, prefix string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pass), bcrypt.MinCost)
	if err != nil {
		panic(err)
	}
	return prefix + string(h[4:])
}

func shaHash(pass string) string {
	sum := sha1.Sum([]byte(pass))
	return "{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// writeUsers writes an htpasswd file with every test account.
func writeUsers(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, a := range allAccounts {
		b.WriteString(a.user + ":" + a.hash(a.pass) + "\n")
	}
	p := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(p, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// serverConfig says how to start a test server. The zero value serves a new
// empty temporary root to anonymous users and every test account, with no
// login delay.
type serverConfig struct {
	root        string   // default: a new t.TempDir()
	noAnonymous bool     // leave out -anonymous
	noUsers     bool     // leave out -users
	failDelay   string   // -fail-delay; default "0"
	args        []string // more flags
}

// server is one running ftpsd process.
type server struct {
	t    *testing.T
	addr string // host:port of the control listener
	host string
	port int
	root string
	cmd  *exec.Cmd
	log  *logWriter

	exited  chan struct{} // closed when the process has exited
	exitErr error         // valid after exited is closed
	stopped bool          // the test itself stopped the process
}

var listeningRE = regexp.MustCompile(`msg=listening addr=(\S+)`)

// startServer starts ftpsd and waits until it logs its listener. t.Cleanup
// sends SIGTERM and expects a clean exit within stopTimeout; the server's
// stderr is logged when the test failed.
func startServer(t *testing.T, cfg serverConfig) *server {
	t.Helper()
	e2e(t)
	root := cfg.root
	if root == "" {
		root = t.TempDir()
	}
	args := []string{"-listen", "127.0.0.1:0", "-root", root, "-grace", "2s", "-data-timeout", "10s"}
	if !cfg.noAnonymous {
		args = append(args, "-anonymous")
	}
	if !cfg.noUsers {
		args = append(args, "-users", writeUsers(t))
	}
	fd := cfg.failDelay
	if fd == "" {
		fd = "0"
	}
	args = append(args, "-fail-delay", fd)
	args = append(args, cfg.args...)

	return launch(t, root, args)
}

// launch starts the binary with args, waits for its msg=listening line on
// standard error, and stops it (checking a clean exit) when the test ends.
func launch(t *testing.T, root string, args []string) *server {
	t.Helper()
	return launchIn(t, t.TempDir(), root, args) // -profile would write there
}

// launchIn is launch with the working directory dir, which is also the
// state directory: a generated certificate is kept there, not in $HOME.
func launchIn(t *testing.T, dir, root string, args []string) *server {
	t.Helper()
	return launchEnv(t, dir, root, args, "STATE_DIRECTORY="+dir)
}

// spawn starts ftpsd with args in dir, env added to the test's own, its
// output into the server's log, and a goroutine that records its exit.
// The caller waits for msg=listening and registers the cleanup.
func spawn(t *testing.T, dir, root string, args []string, env ...string) *server {
	t.Helper()
	s := &server{t: t, root: root, log: newLogWriter(), exited: make(chan struct{})}
	s.cmd = exec.Command(ftpsdBin, args...)
	s.cmd.Dir = dir
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout = s.log
	s.cmd.Stderr = s.log
	s.cmd.WaitDelay = stopTimeout
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", ftpsdBin, err)
	}
	go func() {
		s.exitErr = s.cmd.Wait()
		close(s.exited)
	}()
	return s
}

// launchEnv is launchIn with more environment variables.
func launchEnv(t *testing.T, dir, root string, args []string, env ...string) *server {
	t.Helper()
	s := spawn(t, dir, root, args, env...)
	t.Cleanup(s.stop)

	select {
	case addr := <-s.log.listening:
		s.addr = addr
	case <-s.exited:
		s.stopped = true // reported here, not again by the cleanup
		t.Fatalf("ftpsd %s exited before listening: %v\nstderr:\n%s", strings.Join(args, " "), s.exitErr, s.log)
	case <-time.After(startTimeout):
		t.Fatalf("ftpsd did not log msg=listening within %v\nstderr:\n%s", startTimeout, s.log)
	}
	host, port, err := net.SplitHostPort(s.addr)
	if err != nil {
		t.Fatalf("listening addr %q: %v", s.addr, err)
	}
	s.host = host
	s.port, _ = strconv.Atoi(port)
	return s
}

// stop is the t.Cleanup of startServer: SIGTERM must stop the server with
// exit status 0 within stopTimeout.
func (s *server) stop() {
	t := s.t
	select {
	case <-s.exited:
		if s.stopped {
			break
		}
		t.Errorf("ftpsd exited before the end of the test: %v", s.exitErr)
	default:
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
			if s.exitErr != nil {
				t.Errorf("ftpsd after SIGTERM: %v (want exit status 0)", s.exitErr)
			}
		case <-time.After(stopTimeout):
			_ = s.cmd.Process.Kill()
			<-s.exited
			t.Errorf("ftpsd did not stop within %v of SIGTERM", stopTimeout)
		}
	}
	if t.Failed() {
		t.Logf("ftpsd stderr:\n%s", s.log)
	}
}

// signal sends sig and waits up to stopTimeout for the process to exit; it
// returns the exit error (nil for status 0).
func (s *server) signal(sig os.Signal) error {
	s.t.Helper()
	s.send(sig)
	return s.wait()
}

// send delivers sig; the test then owns the process's exit.
func (s *server) send(sig os.Signal) {
	s.t.Helper()
	s.stopped = true
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatal(err)
	}
}

// wait waits up to stopTimeout for the process to exit and returns the exit
// error (nil for status 0).
func (s *server) wait() error {
	select {
	case <-s.exited:
		return s.exitErr
	case <-time.After(stopTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		return fmt.Errorf("no exit within %v", stopTimeout)
	}
}

// alive fails the test when the server process has exited.
func (s *server) alive(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
		t.Fatalf("ftpsd exited: %v", s.exitErr)
	default:
	}
}

// url returns ftp://[user:pass@]host:port/path for curl and lftp.
func (s *server) url(a *account, path string) string {
	cred := ""
	if a != nil {
		cred = a.user + ":" + a.pass + "@"
	}
	return "ftp://" + cred + s.addr + "/" + strings.TrimPrefix(path, "/")
}

// path returns the host path of a virtual path under the root.
func (s *server) path(vpath string) string {
	return filepath.Join(s.root, filepath.FromSlash(strings.TrimPrefix(vpath, "/")))
}

// logWriter collects the server's output and reports each listener address
// it logs.
type logWriter struct {
	mu        sync.Mutex
	buf       bytes.Buffer
	scanned   int
	listening chan string
}

func newLogWriter() *logWriter { return &logWriter{listening: make(chan string, 8)} }

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		rest := w.buf.Bytes()[w.scanned:]
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		if m := listeningRE.FindSubmatch(rest[:i]); m != nil {
			select {
			case w.listening <- string(m[1]):
			default:
			}
		}
		w.scanned += i + 1
	}
	return len(p), nil
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// reply is one complete FTP reply; msg holds every line, joined by "\n",
// as textproto.Reader.ReadResponse returns it.
type reply struct {
	code int
	msg  string
}

func (r reply) String() string { return fmt.Sprintf("%d %s", r.code, r.msg) }

// ctrl is a raw control connection for exact reply assertions. Its methods
// fail the test, so call them from the test goroutine only.
type ctrl struct {
	t    *testing.T
	s    *server
	conn net.Conn
	tp   *textproto.Conn
}

// dial opens a control connection and reads the 220 greeting.
func (s *server) dial(t *testing.T) *ctrl {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.addr, replyTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", s.addr, err)
	}
	c := &ctrl{t: t, s: s, conn: conn, tp: textproto.NewConn(conn)}
	t.Cleanup(func() { c.conn.Close() })
	if r := c.read(); r.code != 220 {
		t.Fatalf("greeting: got %v, want 220", r)
	}
	return c
}

// login dials and logs in as a (nil: anonymous).
func (s *server) login(t *testing.T, a *account) *ctrl {
	t.Helper()
	c := s.dial(t)
	c.login(a)
	return c
}

func (c *ctrl) login(a *account) {
	c.t.Helper()
	user, pass := "anonymous", "e2e@example.com"
	if a != nil {
		user, pass = a.user, a.pass
	}
	c.must("USER "+user, 331)
	c.must("PASS "+pass, 230)
}

// send writes one command line.
func (c *ctrl) send(line string) {
	c.t.Helper()
	c.sendRaw(line + "\r\n")
}

// sendRaw writes bytes as they are.
func (c *ctrl) sendRaw(b string) {
	c.t.Helper()
	_ = c.conn.SetWriteDeadline(time.Now().Add(replyTimeout))
	if _, err := io.WriteString(c.conn, b); err != nil {
		c.t.Fatalf("writing %q: %v", abbrev(b), err)
	}
}

// read reads one complete (possibly multi-line) reply.
func (c *ctrl) read() reply {
	c.t.Helper()
	r, err := c.readErr(replyTimeout)
	if err != nil {
		c.t.Fatalf("reading a reply: %v", err)
	}
	return r
}

func (c *ctrl) readErr(timeout time.Duration) (reply, error) {
	_ = c.conn.SetReadDeadline(time.Now().Add(timeout))
	code, msg, err := c.tp.ReadResponse(0)
	var tpErr *textproto.Error
	if errors.As(err, &tpErr) {
		// A reply with a code outside the expectation is still a reply.
		return reply{tpErr.Code, tpErr.Msg}, nil
	}
	return reply{code, msg}, err
}

// cmd sends a command and reads its reply.
func (c *ctrl) cmd(line string) reply {
	c.t.Helper()
	c.send(line)
	return c.read()
}

// expect sends a command and reports (without stopping) a reply whose code
// is not want.
func (c *ctrl) expect(line string, want int) reply {
	c.t.Helper()
	r := c.cmd(line)
	if r.code != want {
		c.t.Errorf("%s: got %q, want %d", abbrev(line), r, want)
	}
	return r
}

// must is expect that stops the test.
func (c *ctrl) must(line string, want int) reply {
	c.t.Helper()
	r := c.cmd(line)
	if r.code != want {
		c.t.Fatalf("%s: got %q, want %d", abbrev(line), r, want)
	}
	return r
}

// expectClass checks only the first digit of the code.
func (c *ctrl) expectClass(line string, class int) reply {
	c.t.Helper()
	r := c.cmd(line)
	if r.code/100 != class {
		c.t.Errorf("%s: got %q, want %dxx", abbrev(line), r, class)
	}
	return r
}

// epsv sends EPSV and returns the announced port.
func (c *ctrl) epsv() int {
	c.t.Helper()
	r := c.must("EPSV", 229)
	p, ok := testserver.EPSVPort(r.msg)
	if !ok {
		c.t.Fatalf("EPSV: no (|||port|) in %q", r)
	}
	return p
}

// pasv sends PASV and returns the announced address.
func (c *ctrl) pasv() string {
	c.t.Helper()
	r := c.must("PASV", 227)
	addr, ok := testserver.PASVAddr(r.msg)
	if !ok {
		c.t.Fatalf("PASV: no h1,h2,h3,h4,p1,p2 in %q", r)
	}
	return addr
}

// dialData connects to a passive data port of the server.
func (c *ctrl) dialData(addr string) net.Conn {
	c.t.Helper()
	d, err := net.DialTimeout("tcp", addr, replyTimeout)
	if err != nil {
		c.t.Fatalf("dialing the data port %s: %v", addr, err)
	}
	_ = d.SetDeadline(time.Now().Add(dataTimeout))
	c.t.Cleanup(func() { d.Close() })
	return d
}

// epsvData sends EPSV and connects to the port it announces.
func (c *ctrl) epsvData() net.Conn {
	c.t.Helper()
	return c.dialData(net.JoinHostPort(c.s.host, strconv.Itoa(c.epsv())))
}

// retr runs a download-style command (RETR, LIST, NLST, MLSD) over EPSV. It
// expects 150 and returns the data and the final reply; when the command is
// refused it returns nil data and the refusal.
func (c *ctrl) retr(line string) ([]byte, reply) {
	c.t.Helper()
	return c.retrOver(c.epsvData(), line)
}

func (c *ctrl) retrOver(d net.Conn, line string) ([]byte, reply) {
	c.t.Helper()
	defer d.Close()
	r := c.cmd(line)
	if r.code/100 != 1 {
		return nil, r
	}
	if r.code != 150 {
		c.t.Errorf("%s: preliminary reply %q, want 150", line, r)
	}
	data, err := io.ReadAll(d)
	if err != nil {
		c.t.Fatalf("%s: reading data: %v", line, err)
	}
	return data, c.read()
}

// stor runs an upload-style command (STOR, APPE, STOU) over EPSV and returns
// the preliminary and the final reply (only the refusal when refused).
func (c *ctrl) stor(line string, data []byte) (prelim, final reply) {
	c.t.Helper()
	d := c.epsvData()
	defer d.Close()
	r := c.cmd(line)
	if r.code/100 != 1 {
		return r, r
	}
	if _, err := d.Write(data); err != nil {
		c.t.Fatalf("%s: writing data: %v", line, err)
	}
	if err := d.Close(); err != nil {
		c.t.Fatalf("%s: closing data: %v", line, err)
	}
	return r, c.read()
}

// closed reports whether the server closed the control connection (EOF or
// reset within timeout).
func (c *ctrl) closed(timeout time.Duration) bool { return connClosed(c.conn, timeout) }

func abbrev(s string) string {
	if len(s) > 80 {
		return s[:60] + fmt.Sprintf("...(%d bytes)", len(s))
	}
	return strings.TrimRight(s, "\r\n")
}

// content returns n pseudo-random bytes, the same for the same seed.
func content(n int, seed uint64) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), byte(seed >> 24)}))
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// writeTree creates files (path -> content) under root; a path ending in "/"
// is a directory.
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if strings.HasSuffix(p, "/") {
			if err := os.MkdirAll(full, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree returns every file (path -> content) and directory (path + "/")
// under root, with slash-separated relative paths.
func readTree(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			out[rel+"/"] = ""
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffTrees reports the differences between two readTree results.
func diffTrees(want, got map[string]string) []string {
	var diffs []string
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			diffs = append(diffs, "missing "+p)
		case g != w:
			diffs = append(diffs, fmt.Sprintf("%s: %d bytes differ from the %d expected", p, len(g), len(w)))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "unexpected "+p)
		}
	}
	return diffs
}

// readFile returns a file's content or fails.
func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading %s: %v", p, err)
	}
	return string(b)
}

// runTool runs an external client with a timeout, a private HOME (so no user
// configuration applies) and returns its combined output.
func runTool(t *testing.T, dir, name string, args ...string) (string, error) {
	t.Helper()
	requireTool(t, name)
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "LC_ALL=C.UTF-8")
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%s timed out after %v: %w", name, toolTimeout, err)
	}
	return out.String(), err
}

// mustRunTool is runTool that fails the test when the tool fails.
func mustRunTool(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	out, err := runTool(t, dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return out
}

// lines splits text into non-empty lines without their line ends.
func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if l := strings.TrimRight(sc.Text(), "\r"); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestServerLifecycle checks the process contract every other test relies
// on: one "msg=listening" line per -listen, exit status 0 and a "stopped"
// line on SIGINT, and nothing served afterwards.
func TestServerLifecycle(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: []string{"-listen", "127.0.0.2:0"}})
	// startServer read the first address; the second -listen must log too.
	var second string
	select {
	case second = <-s.log.listening:
	case <-time.After(startTimeout):
		t.Fatalf("only one msg=listening line for two -listen flags:\n%s", s.log)
	}
	if second == s.addr {
		t.Errorf("both listeners logged %s", second)
	}
	for _, addr := range []string{s.addr, second} {
		c, err := net.DialTimeout("tcp", addr, replyTimeout)
		if err != nil {
			t.Fatalf("dial %s: %v", addr, err)
		}
		_ = c.SetDeadline(time.Now().Add(replyTimeout))
		line, err := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if err != nil || !strings.HasPrefix(line, "220") {
			t.Errorf("greeting on %s: %q, %v; want 220", addr, line, err)
		}
	}
	if !strings.Contains(s.log.String(), "level=INFO") {
		t.Errorf("stderr is not slog text output:\n%s", s.log)
	}

	c := s.login(t, &alice)
	c.must("NOOP", 200)
	if err := s.signal(syscall.SIGINT); err != nil {
		t.Errorf("exit after SIGINT: %v, want status 0", err)
	}
	if !strings.Contains(s.log.String(), "msg=stopped") {
		t.Errorf("no msg=stopped after SIGINT:\n%s", s.log)
	}
	if c, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after the server stopped", s.addr)
	}
}

// TestServerGracefulShutdown: SIGTERM lets a running transfer finish with
// its 226, closes idle sessions, greets no new session, and exits 0.
func TestServerGracefulShutdown(t *testing.T) {
	t.Parallel()
	// The grace period only bounds the wait: the server stops as soon as
	// the transfer ends. 30 s keeps a loaded machine (CI running packages
	// side by side) from cutting the 64 MiB short, as the harness's 2 s did.
	s := rawServer(t, "-grace", "30s")
	idle := s.login(t, &bob)
	c := s.login(t, &alice)
	d := c.epsvData()
	c.must("RETR big.bin", 150)
	if _, err := io.ReadFull(d, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	s.send(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)

	if late, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		_ = late.SetDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(late).ReadString('\n')
		late.Close()
		if strings.HasPrefix(line, "220") {
			t.Errorf("a new connection during shutdown was greeted: %q", line)
		}
	}
	n, err := io.Copy(io.Discard, d)
	if err != nil || n != bigSize-(1<<20) {
		t.Errorf("transfer during shutdown: %d more bytes, %v; want %d", n, err, bigSize-(1<<20))
	}
	if r, err := c.readErr(stopTimeout); err != nil || r.code != 226 {
		t.Errorf("transfer during shutdown: final reply %v, %v; want 226", r, err)
	}
	if err := s.wait(); err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", err)
	}
	if !idle.closed(time.Second) {
		t.Errorf("idle session still open after the server exited")
	}
}

// TestBadFlags checks that a configuration error is reported without
// serving: exit status 2 for bad flags, 1 for an unusable root or users file.
func TestBadFlags(t *testing.T) {
	t.Parallel()
	e2e(t)
	badUsers := filepath.Join(t.TempDir(), "htpasswd")
	if err := os.WriteFile(badUsers, []byte("alice:not-a-known-hash\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"unknown flag", []string{"-no-such-flag"}, 2},
		{"bad pasv range", []string{"-pasv-ports", "9000-8000"}, 2},
		{"bad umask", []string{"-umask", "999"}, 2},
		{"pending input below 1K", []string{"-max-pending-input", "100"}, 2},
		{"pending input above 1G", []string{"-max-pending-input", "2G"}, 2},
		{"queued output not a size", []string{"-max-queued-output", "lots"}, 2},
		{"root is missing", []string{"-root", filepath.Join(t.TempDir(), "missing")}, 1},
		{"malformed users file", []string{"-users", badUsers}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
			defer cancel()
			args := append([]string{"-listen", "127.0.0.1:0", "-root", t.TempDir()}, tt.args...)
			out, err := exec.CommandContext(ctx, ftpsdBin, args...).CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tt.code {
				t.Fatalf("ftpsd %v: %v, want exit status %d\n%s", args, err, tt.code, out)
			}
			if bytes.Contains(out, []byte("msg=listening")) {
				t.Errorf("listened despite the error:\n%s", out)
			}
		})
	}
}
