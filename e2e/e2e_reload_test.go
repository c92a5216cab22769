package e2e

// SIGHUP reloads the whole configuration (issue 16, item 3): the real
// binary started with -config, then a user added to its htpasswd file and a
// name-based <VirtualHost> added to the file, SIGHUP, and both work for new
// sessions while a slow download that was running across the reload ends
// with 226 and every byte. A file broken on SIGHUP leaves the old
// configuration serving and logs each error as -t prints it (file:line).
// Without -config, a user added to the -users file logs in after SIGHUP.
//
// Identifiers here start with rl: other e2e files share the package.

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rlConf is the configuration before the reload: one name-based host,
// files.example, where every connection starts. ROOT, USERS are replaced.
const rlConf = `Listen 127.0.0.1:0
<VirtualHost *:21>
  ServerName files.example
  FTP On
  DocumentRoot ROOT
  <Directory ROOT>
    AuthUserFile USERS
  </Directory>
</VirtualHost>
`

// rlAdded is the virtual host the reload adds, reached with HOST
// added.example; VROOT is replaced. FTPTimeoutIdle is a server-wide
// setting: the reload keeps the old value and says it needs a restart.
const rlAdded = `FTPTimeoutIdle 600
<VirtualHost *:21>
  ServerName added.example
  FTP On
  DocumentRoot VROOT
  FTPBannerMessage "added.example here"
  <Directory VROOT>
    AuthUserFile USERS
  </Directory>
</VirtualHost>
`

// rlSlow is the size of the slow download; at rlRate bytes per second it
// takes several seconds, so it is running when SIGHUP arrives.
const (
	rlSlow = 384 << 10
	rlRate = 64 << 10
)

// rlHtpasswd writes an htpasswd file with the accounts given.
func rlHtpasswd(t *testing.T, path string, accounts ...account) {
	t.Helper()
	var b strings.Builder
	for _, a := range accounts {
		b.WriteString(a.user + ":" + a.hash(a.pass) + "\n")
	}
	// Written whole under another name, then renamed: a reload never
	// reads half a file.
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// rlReloaded sends SIGHUP and waits for the n-th "configuration reloaded"
// line (or failure line, with want "not reloaded").
func rlReloaded(t *testing.T, s *server, want string, n int) {
	t.Helper()
	s.send(syscall.SIGHUP)
	deadline := time.Now().Add(replyTimeout)
	for strings.Count(s.log.String(), want) < n {
		if time.Now().After(deadline) {
			t.Fatalf("no %d× %q within %v of SIGHUP:\n%s", n, want, replyTimeout, s.log)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const (
	rlOK     = "msg=\"SIGHUP: configuration reloaded\""
	rlFailed = "msg=\"SIGHUP: configuration not reloaded, the old one serves\""
)

// rlLoginCode sends USER and PASS on a new session and returns PASS's code.
func rlLoginCode(t *testing.T, s *server, host string, a account) int {
	t.Helper()
	c := s.dial(t)
	defer c.conn.Close()
	if host != "" {
		c.must("HOST "+host, 220)
	}
	c.must("USER "+a.user, 331)
	return c.cmd("PASS " + a.pass).code
}

func TestReloadConfigUserHostRunningTransfer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root, vroot := filepath.Join(dir, "files"), filepath.Join(dir, "added")
	slow := content(rlSlow, 16)
	writeTree(t, root, map[string]string{"slow.bin": string(slow), "hello.txt": "on files\n"})
	writeTree(t, vroot, map[string]string{"v.txt": "on the added host\n"})
	users := filepath.Join(dir, "htpasswd")
	rlHtpasswd(t, users, alice)
	conf := strings.NewReplacer("ROOT", root, "USERS", users).Replace(rlConf)
	s := startConfServer(t, dir, root, conf, "-rate-session", strconv.Itoa(rlRate))

	if code := rlLoginCode(t, s, "", bob); code != 530 {
		t.Fatalf("bob before the reload: PASS %d, want 530", code)
	}
	c := s.dial(t)
	if r := c.cmd("HOST added.example"); r.code != 504 {
		t.Fatalf("HOST added.example before the reload: %v, want 504", r)
	}
	c.conn.Close()

	// The slow download, running across the reload.
	old := s.login(t, &alice)
	d := old.epsvData()
	old.must("RETR slow.bin", 150)
	type result struct {
		data []byte
		err  error
	}
	got := make(chan result, 1)
	go func() {
		defer d.Close()
		b, err := io.ReadAll(d)
		got <- result{b, err}
	}()

	rlHtpasswd(t, users, alice, bob)
	more := strings.NewReplacer("VROOT", vroot, "USERS", users).Replace(rlAdded)
	if err := os.WriteFile(filepath.Join(dir, "ftpsd.conf"), []byte(conf+more), 0o600); err != nil {
		t.Fatal(err)
	}
	rlReloaded(t, s, rlOK, 1)
	select {
	case <-got:
		t.Fatalf("the download ended before the reload was done; it must run across it (%d bytes at %d B/s)", rlSlow, rlRate)
	default:
	}

	t.Run("added user logs in", func(t *testing.T) {
		if code := rlLoginCode(t, s, "", bob); code != 230 {
			t.Fatalf("bob after the reload: PASS %d, want 230", code)
		}
	})
	t.Run("added host by HOST", func(t *testing.T) {
		c := s.dial(t)
		if r := c.must("HOST added.example", 220); !strings.Contains(r.msg, "added.example here") {
			t.Errorf("HOST added.example: %v, want its banner", r)
		}
		c.login(&bob)
		data, r := c.retr("RETR v.txt")
		if r.code != 226 || string(data) != "on the added host\n" {
			t.Errorf("RETR v.txt on the added host: %q, %v", data, r)
		}
		c.must("QUIT", 221)
	})
	t.Run("server-wide change needs a restart", func(t *testing.T) {
		if !strings.Contains(s.log.String(), `msg="SIGHUP: setting changed, needs a restart" setting=IdleTimeout`) {
			t.Errorf("no restart warning for FTPTimeoutIdle:\n%s", s.log)
		}
	})
	t.Run("running transfer finishes", func(t *testing.T) {
		var res result
		select {
		case res = <-got:
		case <-time.After(time.Duration(2*rlSlow/rlRate)*time.Second + replyTimeout):
			t.Fatal("the download across the reload did not finish")
		}
		if res.err != nil || !bytes.Equal(res.data, slow) {
			t.Fatalf("download across the reload: %d bytes (want %d), equal %v, %v", len(res.data), len(slow), bytes.Equal(res.data, slow), res.err)
		}
		if r := old.read(); r.code != 226 {
			t.Fatalf("download across the reload: %v, want 226", r)
		}
		// Still the session's own host: HOST cannot move it after login,
		// and its root is still served.
		data, r := old.retr("RETR hello.txt")
		if r.code != 226 || string(data) != "on files\n" {
			t.Errorf("RETR on the session from before the reload: %q, %v", data, r)
		}
		old.must("QUIT", 221)
	})

	t.Run("broken file keeps the old configuration", func(t *testing.T) {
		confPath := filepath.Join(dir, "ftpsd.conf")
		broken := conf + more + "FTPBogus On\n"
		if err := os.WriteFile(confPath, []byte(broken), 0o600); err != nil {
			t.Fatal(err)
		}
		// What -t prints for this file is what the log must carry.
		check := exec.Command(ftpsdBin, "-t", "-config", confPath)
		out, err := check.CombinedOutput()
		if err == nil {
			t.Fatalf("-t accepted the broken file:\n%s", out)
		}
		want := strings.TrimSpace(string(out))
		line := strconv.Itoa(strings.Count(broken, "\n"))
		if !strings.HasPrefix(want, confPath+":"+line+":") {
			t.Fatalf("-t printed %q, want it to start with %s:%s:", want, confPath, line)
		}
		rlReloaded(t, s, rlFailed, 1)
		if !strings.Contains(s.log.String(), "err="+strconv.Quote(want)) {
			t.Errorf("the failed reload did not log %q:\n%s", want, s.log)
		}
		// The configuration from the first reload still serves.
		if code := rlLoginCode(t, s, "added.example", bob); code != 230 {
			t.Errorf("bob on the added host after a failed reload: PASS %d, want 230", code)
		}
		s.alive(t)
	})
}

func TestReloadFlagsOnlyUsers(t *testing.T) {
	t.Parallel()
	users := filepath.Join(t.TempDir(), "htpasswd")
	rlHtpasswd(t, users, alice)
	s := startServer(t, serverConfig{noUsers: true, noAnonymous: true, args: []string{"-users", users}})
	if code := rlLoginCode(t, s, "", bob); code != 530 {
		t.Fatalf("bob before SIGHUP: PASS %d, want 530", code)
	}
	// A session from before SIGHUP keeps going.
	before := s.login(t, &alice)
	rlHtpasswd(t, users, alice, bob)
	rlReloaded(t, s, rlOK, 1)
	if code := rlLoginCode(t, s, "", bob); code != 230 {
		t.Fatalf("bob after SIGHUP: PASS %d, want 230", code)
	}
	before.must("NOOP", 200)
	before.must("PWD", 257)

	// A -users file that no longer parses: the old users stay.
	if err := os.WriteFile(users, []byte("no colon here\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	rlReloaded(t, s, rlFailed, 1)
	if code := rlLoginCode(t, s, "", bob); code != 230 {
		t.Fatalf("bob after a failed SIGHUP: PASS %d, want 230", code)
	}
}
