package e2e

// rclone as Debian 12 ships it (1.60) over plain FTP, explicit TLS
// (--ftp-explicit-tls) and implicit TLS (--ftp-tls), with four connections
// at once (--ftp-concurrency 4) and ftpsd's defaults: no -tls-reuse flag.
// rclone 1.60 keeps one TLS session cache for all its connections, so a
// data connection often resumes the session of another of its control
// connections: the default -tls-reuse user accepts that, -tls-reuse
// session refuses it with 522 (TestRcloneReuseSession), which is why the
// default is user. rclone gets no configuration file (--config /dev/null):
// the :ftp: backend is set up by flags, with the password obscured as
// rclone wants it (rclone obscure).

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	rcloneSmallFiles = 200      // files of a few bytes, in a few directories
	rcloneBigSize    = 50 << 20 // one file of random bytes
	rcloneTimeout    = 90 * time.Second
)

// rcloneTree writes the tree rclone copies: rcloneSmallFiles small files in
// ten directories and one rcloneBigSize file of seeded random bytes.
func rcloneTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for i := range rcloneSmallFiles {
		p := filepath.Join(dir, "small", fmt.Sprintf("d%d", i%10), fmt.Sprintf("f%03d.txt", i))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(fmt.Sprintf("small file %d\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(filepath.Join(dir, "big.bin"))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.NewChaCha8([32]byte{'r', 'c', 'l', 'o', 'n', 'e'})
	if _, err := io.CopyN(f, rng, rcloneBigSize); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// treeSums returns each regular file under root, by slash path, with its
// size and SHA-256: an rclone-independent check of what was copied.
func treeSums(t *testing.T, root string) map[string]string {
	t.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sums[filepath.ToSlash(rel)] = fmt.Sprintf("%d %x", n, h.Sum(nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sums
}

// sameSums reports the differences between two treeSums.
func sameSums(want, got map[string]string) []string {
	var diffs []string
	for p, w := range want {
		if g, ok := got[p]; !ok {
			diffs = append(diffs, "missing "+p)
		} else if g != w {
			diffs = append(diffs, fmt.Sprintf("%s: %s, want %s", p, g, w))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			diffs = append(diffs, "extra "+p)
		}
	}
	return diffs
}

// rcloneMode is one way of reaching the server: the port and rclone's TLS
// flag.
type rcloneMode struct {
	name string
	tls  string // "", --ftp-explicit-tls or --ftp-tls
}

// reply522 finds a 522 reply quoted in rclone's output ("522 TLS session
// of data connection not resumed"), not a 522 inside some number.
var reply522 = regexp.MustCompile(`(^|[^0-9])522 [A-Za-z]`)

var rcloneModes = []rcloneMode{{"plain", ""}, {"explicit", "--ftp-explicit-tls"}, {"implicit", "--ftp-tls"}}

// rcloneClient runs rclone against one server as one account.
type rcloneClient struct {
	host, port, user, pass string // pass obscured
	tls                    string
}

// newRclone sets up rclone for s as a, on the implicit listener for
// --ftp-tls.
func newRclone(t *testing.T, s *server, a account, m rcloneMode) rcloneClient {
	t.Helper()
	out := mustRunTool(t, t.TempDir(), "rclone", "obscure", a.pass)
	c := rcloneClient{host: s.host, port: strconv.Itoa(s.port), user: a.user, pass: strings.TrimSpace(out), tls: m.tls}
	if m.tls == "--ftp-tls" {
		_, port, _ := strings.Cut(s.implicitAddr(t), ":")
		c.port = port
	}
	return c
}

// run runs one rclone command with retries off, so that any refused data
// connection fails it, and returns its output.
func (c rcloneClient) run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	requireTool(t, "rclone")
	ctx, cancel := context.WithTimeout(context.Background(), rcloneTimeout)
	defer cancel()
	full := append([]string{"--config", "/dev/null",
		"--ftp-host", c.host, "--ftp-port", c.port, "--ftp-user", c.user, "--ftp-pass", c.pass,
		"--ftp-concurrency", "4", "--ftp-no-check-certificate", "--no-check-certificate",
		"--retries", "1", "--low-level-retries", "1", "--transfers", "4", "--checkers", "4"}, args...)
	if c.tls != "" {
		full = append(full, c.tls)
	}
	cmd := exec.CommandContext(ctx, "rclone", full...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("rclone timed out after %v: %w", rcloneTimeout, err)
	}
	return out.String(), err
}

func (c rcloneClient) must(t *testing.T, args ...string) string {
	t.Helper()
	out, err := c.run(t, args...)
	if err != nil {
		t.Fatalf("rclone %s (%s): %v\n%s", strings.Join(args, " "), c.tls, err, out)
	}
	if reply522.MatchString(out) {
		t.Fatalf("rclone %s (%s) met a 522:\n%s", strings.Join(args, " "), c.tls, out)
	}
	return out
}

// TestRclone: with the server's defaults, rclone copies a tree of 200
// small files and one of 50 MiB up and down in each mode, four connections
// at once, and rclone check finds both copies clean; the server's files and
// the downloaded ones are byte for byte the source (SHA-256). Retries are
// off: a single 522 fails the run.
func TestRclone(t *testing.T) {
	t.Parallel()
	e2e(t)
	src := rcloneTree(t)
	want := treeSums(t, src)
	for _, m := range rcloneModes {
		t.Run(m.name, func(t *testing.T) {
			// One server per mode, at debug level: its log tells whether
			// TLS was used and whether a data connection did not resume.
			root := t.TempDir()
			s := startServer(t, serverConfig{root: root, args: []string{"-implicit", "127.0.0.1:0", "-log-level", "debug"}})
			c := newRclone(t, s, alice, m)
			start := time.Now()
			c.must(t, "copy", src, ":ftp:/up")
			if diff := sameSums(want, treeSums(t, filepath.Join(root, "up"))); len(diff) > 0 {
				t.Fatalf("upload differs: %v", diff)
			}
			out := c.must(t, "check", src, ":ftp:/up")
			if !strings.Contains(out, fmt.Sprintf("%d matching files", rcloneSmallFiles+1)) {
				t.Errorf("rclone check after the upload:\n%s", out)
			}
			down := filepath.Join(t.TempDir(), "down")
			c.must(t, "copy", ":ftp:/up", down)
			if diff := sameSums(want, treeSums(t, down)); len(diff) > 0 {
				t.Fatalf("download differs: %v", diff)
			}
			out = c.must(t, "check", down, ":ftp:/up")
			if !strings.Contains(out, fmt.Sprintf("%d matching files", rcloneSmallFiles+1)) {
				t.Errorf("rclone check after the download:\n%s", out)
			}
			t.Logf("%s: up, check, down, check in %v", m.name, time.Since(start).Round(time.Millisecond))

			// The server's stderr is flushed once a second: wait for its
			// lines rather than read them the moment rclone is done.
			log := s.log.String()
			for deadline := time.Now().Add(5 * time.Second); m.tls != "" && !strings.Contains(log, `msg="TLS established"`) && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
				log = s.log.String()
			}
			secure := strings.Count(log, `msg="TLS established"`)
			if (m.tls == "") != (secure == 0) {
				t.Errorf("%d TLS control sessions logged in mode %s", secure, m.name)
			}
			if strings.Contains(log, "data TLS session not resumed") {
				t.Errorf("a data connection was refused for not resuming")
			}
		})
	}
}

// TestRcloneReuseSession: under -tls-reuse session rclone 1.60's shared
// session cache makes data connections resume sibling sessions, which are
// refused with 522, so an upload with four connections fails; the same
// upload under the default succeeds (TestRclone). This is why the default
// is user.
func TestRcloneReuseSession(t *testing.T) {
	t.Parallel()
	e2e(t)
	src := t.TempDir()
	for i := range rcloneSmallFiles {
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("f%03d.txt", i)), []byte(strconv.Itoa(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range rcloneModes[1:] {
		t.Run(m.name, func(t *testing.T) {
			s := startServer(t, serverConfig{args: []string{"-implicit", "127.0.0.1:0", "-tls-reuse", "session"}})
			c := newRclone(t, s, alice, m)
			out, err := c.run(t, "copy", src, ":ftp:/up")
			if err == nil {
				t.Fatalf("rclone copy with four connections succeeded under -tls-reuse session:\n%s", out)
			}
			if !reply522.MatchString(out) {
				t.Errorf("rclone failed, but not with 522: %v\n%s", err, out)
			}
		})
	}
}
