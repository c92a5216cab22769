package e2e

// The load generator, cmd/ftpsd-load, run as users run it: the built
// binary, every scenario for a CI-sized run (2 s, 2 clients), against the
// real ftpsd binary in plain, explicit and implicit TLS, and against a
// peer, pyftpdlib (Debian's python3-pyftpdlib, the one peer of bench/peers
// that starts without root or a chroot; `make test-deps` installs it).

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/bench/peers"
)

var (
	loadOnce sync.Once
	loadBin  string
	loadErr  error
)

// loadTool builds ./cmd/ftpsd-load once for the whole e2e run.
func loadTool(t *testing.T) string {
	t.Helper()
	loadOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		gomod, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
		if err != nil {
			loadErr = err
			return
		}
		dir, err := os.MkdirTemp("", "ftpsd-load-e2e-")
		if err != nil {
			loadErr = err
			return
		}
		loadBin = filepath.Join(dir, "ftpsd-load")
		build := exec.CommandContext(ctx, "go", "build", "-o", loadBin, "./cmd/ftpsd-load")
		build.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
		if out, err := build.CombinedOutput(); err != nil {
			loadErr = fmt.Errorf("go build ./cmd/ftpsd-load: %w\n%s", err, out)
		}
	})
	if loadErr != nil {
		t.Fatal(loadErr)
	}
	return loadBin
}

// loadResult is the part of ftpsd-load --json the tests read.
type loadResult struct {
	Scenario   string `json:"scenario"`
	TLS        string `json:"tls"`
	Errors     int64  `json:"errors"`
	FirstError string `json:"first_error"`
	Ops        []struct {
		Op     string  `json:"op"`
		Count  int64   `json:"count"`
		Errors int64   `json:"errors"`
		Bytes  int64   `json:"bytes"`
		P50ms  float64 `json:"p50_ms"`
		P99ms  float64 `json:"p99_ms"`
		MaxMs  float64 `json:"max_ms"`
	} `json:"ops"`
}

// runLoad runs ftpsd-load with --json and returns its exit error and result.
func runLoad(t *testing.T, args ...string) (*loadResult, error, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, loadTool(t), append(args, "--json")...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var res loadResult
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		t.Fatalf("ftpsd-load %s: %v; output is not JSON (%v):\n%s\nstderr:\n%s", strings.Join(args, " "), err, jerr, out, stderr.String())
	}
	return &res, err, stderr.String()
}

// loadFixture is the tree every server serves: files named by their size,
// as the mirror scenario asks for, and a writable upload directory.
var loadFixture = map[string]int{"pub/1K.bin": 1 << 10, "pub/4K.bin": 4 << 10, "pub/64K.bin": 64 << 10, "pub/1M.bin": 1 << 20}

func writeLoadFixture(t *testing.T, root string) {
	t.Helper()
	tree := map[string]string{"up/": ""}
	for name, n := range loadFixture {
		tree[name] = string(content(n, uint64(n)))
	}
	writeTree(t, root, tree)
	if err := os.Chmod(filepath.Join(root, "up"), 0o777); err != nil {
		t.Fatal(err)
	}
}

// loadCase is one run: its arguments after the scenario, the operation
// that must have run, and the bytes each of those moves (0: not checked).
type loadCase struct {
	name     string
	args     []string
	op       string
	opBytes  int64
	mirrored bool // mirror: every "RETR SIZE" op moves SIZE bytes
}

func loadCases(upload []string, listVerb string) []loadCase {
	return []loadCase{
		{"idle", []string{"idle", "--interval", "200ms"}, "NOOP", 0, false},
		{"churn", []string{"churn", "--file", "/pub/4K.bin"}, "session", 0, false},
		{"bulk RETR", []string{"bulk", "--file", "/pub/1M.bin"}, "RETR", 1 << 20, false},
		{"bulk STOR", append([]string{"bulk", "--store", "--size", "1M", "--upload-dir", "/up"}, upload...), "STOR", 1 << 20, false},
		{"list", []string{"list", "--dir", "/pub", "--list-verb", listVerb}, listVerb, 0, false},
		{"small RETR", []string{"small", "--file", "/pub/4K.bin"}, "RETR", 4 << 10, false},
		{"small STOR", append([]string{"small", "--store", "--upload-dir", "/up"}, upload...), "STOR", 4 << 10, false},
		{"mirror", []string{"mirror", "--dir", "/pub", "--sizes", "1K:50%,4K:30%,64K:15%,1M:5%", "--per-session", "5"}, "", 0, true},
	}
}

// checkLoad runs one case against addr and checks that it ran, failed
// nothing, and moved what it should.
func checkLoad(t *testing.T, addr string, tlsArgs []string, c loadCase) {
	t.Helper()
	args := append(append(append([]string{}, c.args...), "--addr", addr, "--clients", "2", "--duration", "2s"), tlsArgs...)
	res, err, stderr := runLoad(t, args...)
	if err != nil || res.Errors != 0 {
		t.Fatalf("ftpsd-load %s: %v, %d errors, first: %s\nstderr:\n%s", strings.Join(args, " "), err, res.Errors, res.FirstError, stderr)
	}
	seen := 0
	for _, op := range res.Ops {
		if op.Op == "login" && op.Count < 2 {
			t.Errorf("%d logins for 2 clients", op.Count)
		}
		match := op.Op == c.op || (c.mirrored && strings.HasPrefix(op.Op, "RETR "))
		if !match {
			continue
		}
		seen++
		if op.Count == 0 || op.P50ms <= 0 || op.P99ms < op.P50ms || op.MaxMs < op.P99ms {
			t.Errorf("%s: count %d, p50 %.3f p99 %.3f max %.3f: want operations with ordered percentiles", op.Op, op.Count, op.P50ms, op.P99ms, op.MaxMs)
		}
		want := c.opBytes
		if c.mirrored {
			size, ok := loadFixture["pub/"+strings.TrimPrefix(op.Op, "RETR ")+".bin"]
			if !ok {
				t.Errorf("mirror fetched %s, not a size of the distribution", op.Op)
			}
			want = int64(size)
		}
		if want > 0 && op.Bytes != op.Count*want {
			t.Errorf("%s: %d bytes for %d operations, want %d each", op.Op, op.Bytes, op.Count, want)
		}
	}
	if seen == 0 {
		t.Errorf("no %q operation in %+v", c.op, res.Ops)
	}
	if c.mirrored && seen < 2 {
		t.Errorf("mirror drew only %d sizes of four in 2 s: %+v", seen, res.Ops)
	}
}

func TestLoadToolAgainstFtpsd(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeLoadFixture(t, root)
	s := startServer(t, serverConfig{root: root, args: []string{"-implicit", "127.0.0.1:0"}})
	implicit := s.implicitAddr(t)
	upload := []string{"--user", alice.user, "--pass", alice.pass}
	modes := []struct {
		name string
		addr string
		args []string
	}{
		{"plain", s.addr, nil},
		{"explicit", s.addr, []string{"--tls", "explicit", "--insecure"}},
		{"implicit", implicit, []string{"--tls", "implicit", "--insecure", "--prot", "C"}},
	}
	for _, m := range modes {
		for _, c := range loadCases(upload, "MLSD") {
			// Plain runs every scenario; the TLS modes the ones whose
			// sessions differ by mode (all but listings and uploads, which
			// take the same data path as their downloads).
			if m.name != "plain" && (c.name == "list" || strings.HasSuffix(c.name, "STOR")) {
				continue
			}
			t.Run(m.name+"/"+c.name, func(t *testing.T) { checkLoad(t, m.addr, m.args, c) })
		}
	}
	t.Run("count", func(t *testing.T) {
		res, err, _ := runLoad(t, "small", "--addr", s.addr, "--file", "/pub/4K.bin", "--count", "17", "--clients", "3")
		if err != nil {
			t.Fatalf("exit %v: %s", err, res.FirstError)
		}
		for _, op := range res.Ops {
			if op.Op == "RETR" && op.Count != 17 {
				t.Errorf("--count 17 made %d downloads", op.Count)
			}
		}
	})
	t.Run("failures exit 1", func(t *testing.T) {
		res, err, _ := runLoad(t, "bulk", "--addr", s.addr, "--file", "/pub/none-1M.bin", "--count", "2", "--clients", "1")
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || res.Errors != 2 {
			t.Errorf("RETR of a missing file: %v, %d errors; want exit status 1 and 2 errors", err, res.Errors)
		}
	})
}

// pyftpdlibScript serves root with TLS to anonymous users who may write
// (as bench/peers configures pyftpdlib), on a port the kernel chooses,
// which it prints as "ADDR host:port".
const pyftpdlibScript = `
import logging, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import TLS_FTPHandler
from pyftpdlib.log import config_logging
from pyftpdlib.servers import FTPServer
root, cert, key = sys.argv[1], sys.argv[2], sys.argv[3]
config_logging(level=logging.WARNING)
auth = DummyAuthorizer()
auth.add_anonymous(root, perm="elradfmwMT")
handler = TLS_FTPHandler
handler.authorizer = auth
handler.certfile = cert
handler.keyfile = key
handler.tls_control_required = False
handler.tls_data_required = False
server = FTPServer(("127.0.0.1", 0), handler)
print("ADDR %s:%d" % server.address, flush=True)
server.serve_forever()
`

// startPyftpdlib starts the peer over root and returns its address; it is
// killed when the test ends.
func startPyftpdlib(t *testing.T, root string) string {
	t.Helper()
	const python = "/usr/bin/python3" // Debian's, where python3-pyftpdlib installs
	if out, err := exec.Command(python, "-c", "import pyftpdlib, OpenSSL").CombinedOutput(); err != nil {
		t.Fatalf("pyftpdlib is not installed for %s: `make test-deps` installs python3-pyftpdlib and python3-openssl: %v\n%s", python, err, out)
	}
	dir := t.TempDir()
	cert, err := peers.MakeCert(dir)
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "pyftpd.py")
	if err := os.WriteFile(script, []byte(pyftpdlibScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, script, root, cert.CertFile, cert.KeyFile)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "ADDR "); ok {
				addr <- a
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("pyftpdlib exited without listening:\n%s", stderr.String())
		}
		return a
	case <-time.After(startTimeout):
		t.Fatalf("pyftpdlib did not listen within %v:\n%s", startTimeout, stderr.String())
	}
	return ""
}

func TestLoadToolAgainstPyftpdlib(t *testing.T) {
	t.Parallel()
	e2e(t)
	root := t.TempDir()
	writeLoadFixture(t, root)
	addr := startPyftpdlib(t, root)
	for _, c := range loadCases(nil, "LIST") {
		t.Run("plain/"+c.name, func(t *testing.T) { checkLoad(t, addr, nil, c) })
	}
	for _, name := range []string{"churn", "bulk RETR", "mirror"} {
		for _, c := range loadCases(nil, "LIST") {
			if c.name == name {
				t.Run("explicit/"+c.name, func(t *testing.T) {
					checkLoad(t, addr, []string{"--tls", "explicit", "--insecure"}, c)
				})
			}
		}
	}
}

// TestLoadToolVerifiesSynthetic: against ftpsd's synthetic tree and sink,
// ftpsd-load --verify checks every byte it downloads against its own
// implementation of the published generator, and its uploads pass the
// sink's check; with another seed than the server's, both fail.
func TestLoadToolVerifiesSynthetic(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: append([]string{"-synthetic-seed", "s9"}, synthArgs...)})
	for _, args := range [][]string{
		{"mirror", "--sizes", "1K:50%,64K:40%,1M:10%"},
		{"bulk", "--file", "/synthetic/run3-2M.dat"},
		{"bulk", "--store", "--size", "1M"},
	} {
		res, err, stderr := runLoad(t, append(args, "--addr", s.addr, "--verify", "--seed", "s9", "--count", "6", "--clients", "2")...)
		if err != nil || res.Errors != 0 {
			t.Errorf("%v --verify: %v, %d errors (%s)\n%s", args, err, res.Errors, res.FirstError, stderr)
		}
		res, err, _ = runLoad(t, append(args, "--addr", s.addr, "--verify", "--seed", "other", "--count", "2", "--clients", "1")...)
		if err == nil || res.Errors == 0 {
			t.Errorf("%v --verify with the wrong seed: %v, %d errors; want failures", args, err, res.Errors)
		}
	}
}
