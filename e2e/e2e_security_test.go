package e2e

// Security tests: no FTP bounce through PORT/EPRT, no passive-port theft,
// no path escaping the root (by "..", by absolute path, by symbolic link),
// no account probing through USER, a pause before answering a failed login,
// and no crash from a client that vanishes.

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecurityNoBounce: PORT and EPRT accept only the control peer's own
// address and ports from 1024, so the server cannot be made to connect
// elsewhere; a refused target is not connected to, even later.
func TestSecurityNoBounce(t *testing.T) {
	t.Parallel()
	s := rawServer(t)

	// A listener on 127.0.0.2 stands for a third host.
	third, err := net.ListenTCP("tcp4", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)})
	if err != nil {
		t.Fatalf("listen on 127.0.0.2 (Linux loopback): %v", err)
	}
	defer third.Close()
	tp := third.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name, line string
	}{
		{"PORT to another address", "PORT 127,0,0,2," + strconv.Itoa(tp>>8) + "," + strconv.Itoa(tp&0xff)},
		{"EPRT to another address", "EPRT |1|127.0.0.2|" + strconv.Itoa(tp) + "|"},
		{"PORT to port 21", "PORT 127,0,0,1,0,21"},
		{"PORT to port 1023", "PORT 127,0,0,1,3,255"},
		{"EPRT to port 21", "EPRT |1|127.0.0.1|21|"},
		{"EPRT to port 0", "EPRT |1|127.0.0.1|0|"},
		{"PORT to a public address", "PORT 192,0,2,1,31,144"},
		{"EPRT to IPv6 loopback", "EPRT |2|::1|8080|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s.login(t, &alice)
			// A refusal is a parameter error (501, 504), never 550,
			// which clients read as a file error.
			if r := c.cmd(tt.line); r.code/100 != 5 || r.code == 550 {
				t.Errorf("%s: %q, want 5xx other than 550", tt.line, r)
			}
			// Nothing may be dialled for the next transfer either.
			if r := c.cmd("RETR hello.txt"); r.code != 425 {
				t.Errorf("RETR after a refused %s: %q, want 425", tt.line, r)
			}
			c.expect("NOOP", 200)
		})
	}
	_ = third.SetDeadline(time.Now().Add(300 * time.Millisecond))
	if conn, err := third.Accept(); err == nil {
		conn.Close()
		t.Errorf("the server connected to the third host 127.0.0.2")
	}
}

// TestSecurityPassiveTheft: a connection to the passive port from another
// address gets nothing, and the real client transfers afterwards.
func TestSecurityPassiveTheft(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	thief := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: replyTimeout}

	for _, mode := range []string{"EPSV", "PASV"} {
		t.Run(mode, func(t *testing.T) {
			c := s.login(t, &alice)
			var addr string
			if mode == "EPSV" {
				addr = net.JoinHostPort(s.host, strconv.Itoa(c.epsv()))
			} else {
				addr = c.pasv()
			}
			stolen, err := thief.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("dial %s from 127.0.0.2: %v", addr, err)
			}
			defer stolen.Close()
			c.send("RETR hello.txt")
			// Give the server time to accept (and drop) the thief first.
			time.Sleep(200 * time.Millisecond)
			_ = stolen.SetReadDeadline(time.Now().Add(2 * time.Second))
			got, _ := io.ReadAll(stolen)
			if len(got) > 0 {
				t.Errorf("the connection from 127.0.0.2 received %q", got)
			}
			real := c.dialData(addr)
			r := c.read()
			if r.code != 150 {
				t.Fatalf("RETR after a theft attempt: %q, want 150 for the real client", r)
			}
			data, err := io.ReadAll(real)
			if err != nil || string(data) != helloText {
				t.Errorf("real client got %q, %v", data, err)
			}
			if r := c.read(); r.code != 226 {
				t.Errorf("RETR: %q, want 226", r)
			}
		})
	}
}

// TestSecurityConfinement: "..", absolute paths and symbolic links never
// reach outside the root, for reading or for writing.
func TestSecurityConfinement(t *testing.T) {
	t.Parallel()
	e2e(t)
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret.txt")
	if err := os.WriteFile(secret, []byte("top secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	secretTime := time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(secret, secretTime, secretTime); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(outside, "root")
	writeTree(t, root, map[string]string{"inside.txt": "inside", "dir/": ""})
	mustSymlink(t, "/etc", filepath.Join(root, "etc-link"))
	mustSymlink(t, secret, filepath.Join(root, "secret-link"))
	mustSymlink(t, "../secret.txt", filepath.Join(root, "rel-link"))
	mustSymlink(t, outside, filepath.Join(root, "dir", "up-link"))
	mustSymlink(t, "inside.txt", filepath.Join(root, "ok-link")) // stays inside
	s := startServer(t, serverConfig{root: root})

	for _, who := range []*account{nil, &alice} {
		name := "anonymous"
		if who != nil {
			name = who.user
		}
		t.Run(name, func(t *testing.T) {
			c := s.login(t, who)
			for _, p := range []string{
				"../secret.txt", "/../secret.txt", "../../../../../../etc/passwd", "/../../etc/passwd",
				"etc-link/passwd", "/etc-link/hostname", "secret-link", "rel-link", "dir/up-link/secret.txt",
				"dir/../../secret.txt",
			} {
				if data, r := c.retr("RETR " + p); r.code != 550 {
					t.Errorf("RETR %s: %q (%d bytes), want 550", p, r, len(data))
				}
				c.expect("SIZE "+p, 550)
				c.expect("MDTM "+p, 550)
			}
			for _, p := range []string{"etc-link", "dir/up-link", "/etc-link/"} {
				c.expect("CWD "+p, 550)
				if _, r := c.retr("LIST " + p); r.code != 550 {
					t.Errorf("LIST %s: %q, want 550", p, r)
				}
				if _, r := c.retr("NLST " + p); r.code != 550 {
					t.Errorf("NLST %s: %q, want 550", p, r)
				}
				if _, r := c.retr("MLSD " + p); r.code != 550 {
					t.Errorf("MLSD %s: %q, want 550", p, r)
				}
				c.expect("MLST "+p, 550)
				c.expect("STAT "+p, 550)
			}
			c.expect("PWD", 257)
			// ".." at the root stays at the root.
			for _, p := range []string{"..", "../..", "/..", "dir/../.."} {
				c.must("CWD /", 250)
				c.expect("CWD "+p, 250)
				if r := c.cmd("PWD"); !strings.HasPrefix(r.msg, `"/"`) {
					t.Errorf("CWD %s from /: PWD %q, want \"/\"", p, r)
				}
			}
			c.must("CWD /", 250)
			if r := c.cmd("CDUP"); r.code != 200 && r.code != 250 {
				t.Errorf("CDUP at /: %q, want 200 (RFC 959) or 250", r)
			}
			if r := c.cmd("PWD"); !strings.HasPrefix(r.msg, `"/"`) {
				t.Errorf("CDUP at /: PWD %q", r)
			}
			data, _ := c.retr("NLST")
			if strings.Contains(string(data), "secret.txt") || !strings.Contains(string(data), "inside.txt") {
				t.Errorf("NLST after climbing: %q, want the root", data)
			}
			if data, r := c.retr("RETR ok-link"); r.code != 226 || string(data) != "inside" {
				t.Errorf("RETR of a symlink inside the root: %q, %q", data, r)
			}
		})
	}

	t.Run("writes", func(t *testing.T) {
		c := s.login(t, &alice)
		for _, p := range []string{"secret-link", "rel-link", "dir/up-link/secret.txt", "etc-link/ftpsd-e2e", "dir/up-link/new.txt"} {
			if _, r := c.stor("STOR "+p, []byte("overwritten")); r.code != 550 {
				t.Errorf("STOR %s: %q, want 550", p, r)
			}
			if _, r := c.stor("APPE "+p, []byte("appended")); r.code != 550 {
				t.Errorf("APPE %s: %q, want 550", p, r)
			}
		}
		c.expect("SITE CHMOD 777 secret-link", 550)
		c.expect("SITE CHMOD 777 dir/up-link/secret.txt", 550)
		c.expect("MFMT 20200101000000 secret-link", 550)
		c.expect("DELE dir/up-link/secret.txt", 550)
		c.expect("MKD dir/up-link/newdir", 550)
		c.expect("RNFR dir/up-link/secret.txt", 550)
		// Lexical ".." is cleaned against "/": these stay inside the root.
		for _, p := range []string{"../escaped.txt", "/../../escaped2.txt"} {
			if _, r := c.stor("STOR "+p, []byte("in")); r.code != 226 && r.code != 550 {
				t.Errorf("STOR %s: %q, want 226 (confined) or 550", p, r)
			}
		}
		c.expect("MKD ../escaped-dir", 257)
		c.must("RNFR inside.txt", 350)
		c.expect("RNTO ../../moved.txt", 250)
		c.expect("DELE ../secret.txt", 550)

		if got := readFile(t, secret); got != "top secret" {
			t.Errorf("the file outside the root changed: %q", got)
		}
		fi, err := os.Stat(secret)
		if err != nil || fi.Mode().Perm() != 0o644 || !fi.ModTime().Equal(secretTime) {
			t.Errorf("the file outside the root: %v %v %v", fi.Mode(), fi.ModTime(), err)
		}
		entries, _ := os.ReadDir(outside)
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if len(names) != 2 {
			t.Errorf("the directory outside the root now holds %v, want [root secret.txt]", names)
		}
		if _, err := os.Stat(filepath.Join(root, "moved.txt")); err != nil {
			t.Errorf("RNTO ../../moved.txt should land in the root: %v", err)
		}
		if _, err := os.Stat("/etc/ftpsd-e2e"); err == nil {
			t.Errorf("a file was created in /etc")
		}
	})
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestSecurityLogin: USER does not tell existing accounts from unknown ones,
// a failed login answers 530 only after -fail-delay, the delay holds up no
// other session, and the session may try again.
func TestSecurityLogin(t *testing.T) {
	t.Parallel()
	const delay = time.Second
	s := startServer(t, serverConfig{failDelay: delay.String()})

	c := s.dial(t)
	known := c.must("USER alice", 331)
	unknown := c.must("USER mallory", 331)
	if known.msg != unknown.msg {
		t.Errorf("USER answers differ: %q for an account, %q for none", known, unknown)
	}

	for _, tt := range []struct{ name, user, pass string }{
		{"wrong password", "alice", "guess"},
		{"unknown user", "mallory", "guess"},
		{"empty password", "alice", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := s.dial(t)
			other := s.login(t, &bob)
			c.must("USER "+tt.user, 331)
			start := time.Now()
			c.send(strings.TrimSpace("PASS " + tt.pass))
			// While this session waits out the delay, another is served.
			otherStart := time.Now()
			other.expect("NOOP", 200)
			if d := time.Since(otherStart); d > delay/2 {
				t.Errorf("NOOP on another session took %v during a failed login's delay", d)
			}
			r := c.read()
			elapsed := time.Since(start)
			if r.code != 530 {
				t.Errorf("PASS: %q, want 530", r)
			}
			if elapsed < delay*9/10 {
				t.Errorf("530 after %v, want at least -fail-delay %v", elapsed, delay)
			}
			if elapsed > delay+3*time.Second {
				t.Errorf("530 after %v, want about %v", elapsed, delay)
			}
			c.expect("PWD", 530)
			c.login(&alice) // a new attempt on the same connection works
			start = time.Now()
			c.expect("PWD", 257)
			if d := time.Since(start); d > delay/2 {
				t.Errorf("PWD after login took %v", d)
			}
		})
	}

	t.Run("no anonymous without -anonymous", func(t *testing.T) {
		s := startServer(t, serverConfig{noAnonymous: true})
		for _, u := range []string{"anonymous", "ftp"} {
			c := s.dial(t)
			c.must("USER "+u, 331)
			c.expect("PASS me@example.com", 530)
			c.expect("PWD", 530)
		}
	})

	t.Run("no named users without -users", func(t *testing.T) {
		s := startServer(t, serverConfig{noUsers: true})
		c := s.dial(t)
		c.must("USER alice", 331)
		c.expect("PASS alice-secret", 530)
		c.login(nil)
		c.expect("PWD", 257)
	})
}

// TestSecurityAbruptDisconnect: clients that reset the connection while
// replies are pending (a crashed client, a scanner) must not take the
// server down.
func TestSecurityAbruptDisconnect(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	burst := strings.Repeat("NOOP\r\n", 2000)
	for i := range 20 {
		conn, err := net.DialTimeout("tcp", s.addr, replyTimeout)
		if err != nil {
			t.Fatalf("connection %d: %v (server down?)", i, err)
		}
		tc := conn.(*net.TCPConn)
		_ = tc.SetDeadline(time.Now().Add(replyTimeout))
		if i%2 == 1 {
			io.WriteString(tc, "USER alice\r\nPASS alice-secret\r\n")
		}
		io.WriteString(tc, burst)
		_ = tc.SetLinger(0) // close with RST, unread replies and all
		tc.Close()
	}
	time.Sleep(200 * time.Millisecond)
	s.alive(t)
	c := s.login(t, &alice)
	c.expect("NOOP", 200)
}
