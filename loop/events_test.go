package loop

import (
	"crypto/tls"
	"log/slog"
	"net"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// TestEveryLineLogged: every line a client sends is one command-log
// record with its reply code, those refused before any command ran (an
// unknown verb, a bad character, an empty or overlong line) included; a
// failed PASS logs the name given to USER, never the password.
func TestEveryLineLogged(t *testing.T) {
	cmdFmt, err := ftplog.Compile(`%u [%a] %r %>s`)
	if err != nil {
		t.Fatal(err)
	}
	var cmds lockedBuffer
	cw := ftplog.New(&cmds, ftplog.Options{})
	logger, err := ftplog.NewLogger(ftplog.Target{Format: cmdFmt, W: cw, Kind: ftplog.Commands})
	if err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, Config{Host: Host{Log: logger}, Limits: Limits{MaxLoginAttempts: NoLimit}})

	c := dial(t, addr)
	steps := []struct {
		line string
		code int
		want string // the command-log line
	}{
		{"XYZZY plugh", 500, "- [127.0.0.1] XYZZY plugh 500"},
		{"NOOP", 200, "- [127.0.0.1] NOOP 200"},
		{"USER bob", 331, "bob [127.0.0.1] USER bob 331"},
		{"PASS wrong-secret", 530, "bob [127.0.0.1] PASS 530"},
		{"PASS\x00nul-secret", 501, "- [127.0.0.1] PASS 501"},
		{"ABCDEFGHIJKL x", 500, "- [127.0.0.1] ABCDEFGHI 500"},
		{"   ", 500, "- [127.0.0.1] - 500"},
		{"USER alice", 331, "alice [127.0.0.1] USER alice 331"},
		{"BOGUS", 500, "alice [127.0.0.1] BOGUS 500"},
		{"PASS secret", 230, "alice [127.0.0.1] PASS 230"},
		{"FEAT2", 500, "alice [127.0.0.1] FEAT 500"},
		{"RETR " + strings.Repeat("x", 5000), 500, "alice [127.0.0.1] - 500"},
		{"QUIT", 221, "alice [127.0.0.1] QUIT 221"},
	}
	for _, st := range steps {
		c.cmd(st.code, "%s", st.line)
	}
	expectClosed(t, c, 5e9)
	if err := logger.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(cmds.String(), "\n"), "\n")
	if len(got) != len(steps) {
		t.Fatalf("%d command-log lines for %d command lines:\n%s", len(got), len(steps), cmds.String())
	}
	for i, st := range steps {
		if got[i] != st.want {
			t.Errorf("line %d (%.20q): logged %q, want %q", i, st.line, got[i], st.want)
		}
	}
	if strings.Contains(cmds.String(), "secret") {
		t.Errorf("the command log holds a password:\n%s", cmds.String())
	}
}

// TestSecurityEventsLogged: failed logins, the ban they cause and the
// connection the ban refuses reach the error log at info, in the stable
// form contrib/fail2ban's filter matches, with the real client address.
func TestSecurityEventsLogged(t *testing.T) {
	var errs lockedBuffer
	log := slog.New(slog.NewTextHandler(&errs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	addr, _ := startServer(t, Config{Logger: log, Limits: Limits{BanAfter: 2, MaxLoginAttempts: NoLimit}})

	c := dial(t, addr)
	c.cmd(331, "USER mallory")
	c.cmd(530, "PASS one")
	c.cmd(331, `USER eve client=192.0.2.1`)
	c.cmd(530, "PASS two")
	c.expect(421) // banned now
	expectClosed(t, c, 5e9)

	// The ban refuses the next connection with 421 in place of 220.
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 256)
	n, _ := conn.Read(buf)
	if !strings.HasPrefix(string(buf[:n]), "421 ") {
		t.Fatalf("banned client got %q, want 421", buf[:n])
	}

	want := []string{
		`level=INFO msg="login failed" client=127.0.0.1 user=mallory`,
		`level=INFO msg="login failed" client=127.0.0.1 user="eve client=192.0.2.1"`,
		`level=INFO msg="client banned" client=127.0.0.1 for=1h0m0s`,
		`level=INFO msg="connection refused" client=127.0.0.1 reason=banned`,
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var lines []string
		for _, l := range strings.Split(errs.String(), "\n") {
			if strings.Contains(l, "client=") {
				lines = append(lines, regexp.MustCompile(`^time=\S+ `).ReplaceAllString(l, ""))
			}
		}
		// The ban starts on the worker that checked the failing password,
		// the failure is logged when the loop settles it, after the fail
		// delay: the two may come in either order.
		sorted := slices.Clone(lines)
		slices.Sort(sorted)
		wantSorted := slices.Clone(want)
		slices.Sort(wantSorted)
		if slices.Equal(sorted, wantSorted) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("error log events:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNoReuseLogged: a PROT P data connection refused with 522 for not
// resuming the session is reported at info with the client and the user.
func TestNoReuseLogged(t *testing.T) {
	var errs lockedBuffer
	log := slog.New(slog.NewTextHandler(&errs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	addr, root := startServer(t, Config{Logger: log, Host: Host{TLS: tlsConfig(t)}})
	writeFile(t, root, "f", "data")
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.protP()
	c.login("alice", "secret")
	d := c.data()
	c.cmd(150, "RETR f")
	tc := tls.Client(d, &tls.Config{InsecureSkipVerify: true, ServerName: "ftpsd.test"})
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	_ = tc.Handshake() // a full handshake: no ticket
	c.expect(522)
	want := `level=INFO msg="data connection refused" client=127.0.0.1 user=alice reason="TLS session not resumed" code=522`
	if !strings.Contains(errs.String(), want+"\n") {
		t.Errorf("error log lacks %q:\n%s", want, errs.String())
	}
}
