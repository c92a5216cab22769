package loop

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

func TestHOSTChoosesVirtualHost(t *testing.T) {
	addr, _, _ := twoHostsRouted(t, HostOptions{})
	cl := dial(t, addr)
	if msg := cl.cmd(220, "HOST files.example"); !strings.Contains(msg, "files.example ready.") {
		t.Fatalf("HOST reply %q, want the host's banner", msg)
	}
	cl.login("alice", "secret")
	cl.cmd(213, "SIZE vhost.txt")
	cl.cmd(550, "SIZE default.txt")
	if msg := cl.cmd(221, "QUIT"); !strings.Contains(msg, "Bye from files.") {
		t.Fatalf("QUIT reply %q, want the host's exit message", msg)
	}
}

func TestHOSTRules(t *testing.T) {
	addr, _, _ := twoHostsRouted(t, HostOptions{})
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"alias wildcard, any case", []step{{"HOST FTP.Files.Example", 220}, {"USER alice", 331}, {"PASS secret", 230}, {"SIZE vhost.txt", 213}}},
		{"fully qualified, trailing dot", []step{{"HOST Files.Example.", 220}, {"USER alice", 331}, {"PASS secret", 230}, {"SIZE vhost.txt", 213}}},
		{"unknown name", []step{{"HOST nowhere.example", 504}, {"USER alice", 331}, {"PASS secret", 230}, {"SIZE default.txt", 213}}},
		{"literal address keeps the default", []step{{"HOST [127.0.0.1]", 220}, {"USER alice", 331}, {"PASS secret", 230}, {"SIZE default.txt", 213}}},
		{"after USER", []step{{"USER alice", 331}, {"HOST files.example", 503}}},
		{"after login", []step{{"USER alice", 331}, {"PASS secret", 230}, {"HOST files.example", 503}}},
		{"no argument", []step{{"HOST", 501}}},
		{"REIN forgets HOST", []step{{"HOST files.example", 220}, {"REIN", 220}, {"USER alice", 331}, {"PASS secret", 230}, {"SIZE default.txt", 213}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cl := dial(t, addr)
			for _, s := range tc.steps {
				cl.cmd(s.code, "%s", s.line)
			}
		})
	}
}

type step struct {
	line string
	code int
}

func TestFEATListsHOST(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	if msg := cl.cmd(211, "FEAT"); !strings.Contains(msg, " HOST") || !strings.Contains(msg, " UTF8") {
		t.Fatalf("FEAT %q lacks HOST or UTF8", msg)
	}
	addr, _ = startServer(t, Config{Host: Host{Options: HostOptions{NoUTF8Feature: true}}})
	cl = dial(t, addr)
	if msg := cl.cmd(211, "FEAT"); strings.Contains(msg, "UTF8") {
		t.Fatalf("FEAT %q announces UTF8 under NoUTF8Feature", msg)
	}
}

func TestUserAtHost(t *testing.T) {
	t.Run("VirtualHostLogin selects the host", func(t *testing.T) {
		addr, _, _ := twoHostsRouted(t, HostOptions{VirtualHostLogin: true})
		cl := dial(t, addr)
		cl.login("alice@files.example", "secret")
		cl.cmd(213, "SIZE vhost.txt")
	})
	t.Run("StripHostname keeps the host", func(t *testing.T) {
		addr, _, _ := twoHostsRouted(t, HostOptions{StripHostname: true})
		cl := dial(t, addr)
		cl.login("alice@files.example", "secret")
		cl.cmd(213, "SIZE default.txt")
	})
	t.Run("neither: the name is the whole argument", func(t *testing.T) {
		addr, _, _ := twoHostsRouted(t, HostOptions{})
		cl := dial(t, addr)
		cl.cmd(331, "USER alice@files.example")
		cl.cmd(530, "PASS secret")
	})
}

// twoHostsRouted is twoHosts with a Route that returns the default host's
// stand-in first: Route's hosts must come from VirtualHosts, so the
// default host here is a virtual host too.
func twoHostsRouted(t *testing.T, opts HostOptions) (addr, defRoot, vRoot string) {
	t.Helper()
	defRoot, vRoot = t.TempDir(), t.TempDir()
	writeFile(t, defRoot, "default.txt", "on the default host\n")
	writeFile(t, vRoot, "vhost.txt", "on the virtual host\n")
	def := &Host{Root: defRoot, Auth: testUsers{}, Options: opts}
	// The alias is written in capitals: names match without regard to
	// case on both sides.
	vh := &Host{Names: []string{"files.example", "*.Files.EXAMPLE"}, Root: vRoot, Auth: testUsers{},
		Banner: "files.example ready.", ExitMessage: "Bye from files."}
	cfg := Config{Host: Host{Root: t.TempDir()}, VirtualHosts: []*Host{def, vh},
		Route: func(int, netip.AddrPort) []*Host { return []*Host{def, vh} }}
	addr, _ = startServer(t, cfg)
	return addr, defRoot, vRoot
}

// denyPaths is an Authorizer that refuses write verbs below /private, or
// every verb for user "anonymous" there, matching file-system paths under
// root like <Directory root/private>.
type denyPaths struct{ root string }

func (d denyPaths) Allow(verb, user, fsPath, vpath string) bool {
	private := filepath.Join(d.root, "private")
	if fsPath != private && !strings.HasPrefix(fsPath, private+"/") {
		return true
	}
	return user != "anonymous" && !slices.Contains([]string{"STOR", "DELE", "MKD", "RNTO", "RNFR", "APPE"}, verb)
}

func TestAuthorizeFollowsSymlinks(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "private/secret.txt", "secret\n")
	writeFile(t, root, "pub/readme.txt", "hello\n")
	if err := os.Symlink("../private", filepath.Join(root, "pub", "p")); err != nil {
		t.Fatal(err)
	}
	addr, _ := startServer(t, Config{Host: Host{Root: root, Authorize: denyPaths{root}}})

	anon := dial(t, addr)
	anon.login("anonymous", "a@example.com")
	anon.cmd(213, "SIZE /pub/readme.txt")
	anon.cmd(550, "SIZE /private/secret.txt")
	anon.cmd(550, "SIZE /pub/p/secret.txt") // through the link
	anon.cmd(550, "CWD /pub/p")
	c := anon.epsv()
	anon.cmd(550, "RETR /pub/p/secret.txt")
	c.Close()

	alice := dial(t, addr)
	alice.login("alice", "secret")
	alice.cmd(213, "SIZE /pub/p/secret.txt")
	alice.cmd(550, "DELE /private/secret.txt")
	alice.cmd(550, "DELE /pub/p/secret.txt")
	alice.cmd(550, "MKD /pub/p/new")
	alice.cmd(257, "MKD /pub/new")
	// A dangling link: creating through it would create its target.
	if err := os.Symlink("../private/made.txt", filepath.Join(root, "pub", "dangling")); err != nil {
		t.Fatal(err)
	}
	c = alice.epsv()
	alice.cmd(550, "APPE /pub/dangling")
	c.Close()
	if _, err := os.Lstat(filepath.Join(root, "private", "made.txt")); !os.IsNotExist(err) {
		t.Fatalf("APPE through a dangling link created its target: %v", err)
	}
	c = alice.epsv()
	alice.cmd(550, "STOR /pub/p/up.txt")
	c.Close()
	if _, err := os.Stat(filepath.Join(root, "private", "up.txt")); !os.IsNotExist(err) {
		t.Fatalf("refused STOR created the file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "private", "secret.txt")); err != nil {
		t.Fatalf("refused DELE removed the file: %v", err)
	}
}

func TestHomeDirectories(t *testing.T) {
	newRoot := func(t *testing.T) string {
		root := t.TempDir()
		writeFile(t, root, "home/alice/mine.txt", "alice's\n")
		writeFile(t, root, "top.txt", "top\n")
		return root
	}
	t.Run("home is the first directory", func(t *testing.T) {
		root := newRoot(t)
		addr, _ := startServer(t, Config{Host: Host{Root: root, HomeDir: "/home"}})
		cl := dial(t, addr)
		cl.login("alice", "secret")
		if msg := cl.cmd(257, "PWD"); !strings.Contains(msg, `"/home/alice"`) {
			t.Fatalf("PWD %q, want /home/alice", msg)
		}
		cl.cmd(213, "SIZE mine.txt")
		cl.cmd(213, "SIZE /top.txt")
		anon := dial(t, addr)
		anon.login("anonymous", "a@example.com")
		if msg := anon.cmd(257, "PWD"); !strings.Contains(msg, `"/"`) {
			t.Fatalf("anonymous PWD %q, want /", msg)
		}
	})
	t.Run("jail", func(t *testing.T) {
		root := newRoot(t)
		addr, _ := startServer(t, Config{Host: Host{Root: root, HomeDir: "/home", Jail: true}})
		cl := dial(t, addr)
		cl.login("alice", "secret")
		if msg := cl.cmd(257, "PWD"); !strings.Contains(msg, `"/"`) {
			t.Fatalf("PWD %q, want /", msg)
		}
		cl.cmd(213, "SIZE /mine.txt")
		cl.cmd(550, "SIZE /top.txt")
		cl.cmd(550, "SIZE ../top.txt")
		c := cl.epsv()
		cl.cmd(150, "STOR /new.txt")
		if _, err := io.WriteString(c, "uploaded\n"); err != nil {
			t.Fatal(err)
		}
		c.Close()
		cl.expect(226)
		if b, err := os.ReadFile(filepath.Join(root, "home", "alice", "new.txt")); err != nil || string(b) != "uploaded\n" {
			t.Fatalf("upload landed as %q, %v", b, err)
		}
		cl.cmd(220, "REIN")
		cl.login("anonymous", "a@example.com")
		cl.cmd(213, "SIZE /top.txt")
	})
	t.Run("jail without a home refuses the login", func(t *testing.T) {
		root := t.TempDir()
		addr, _ := startServer(t, Config{Host: Host{Root: root, HomeDir: "/home", Jail: true}})
		cl := dial(t, addr)
		cl.cmd(331, "USER alice")
		cl.cmd(530, "PASS secret")
	})
}

func TestListingOptions(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "dir/inner.txt", "x")
	writeFile(t, root, "file.txt", "x")
	list := func(t *testing.T, opts HostOptions, verb string) string {
		addr, _ := startServer(t, Config{Host: Host{Root: root, Options: opts}})
		cl := dial(t, addr)
		cl.login("alice", "secret")
		c := cl.epsv()
		cl.cmd(150, "%s", verb)
		b, err := io.ReadAll(c)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		cl.expect(226)
		return string(b)
	}
	if got := list(t, HostOptions{}, "NLST"); got != "dir\r\nfile.txt\r\n" {
		t.Errorf("NLST = %q", got)
	}
	if got := list(t, HostOptions{NLSTHideDirs: true}, "NLST"); got != "file.txt\r\n" {
		t.Errorf("NLST hiding dirs = %q", got)
	}
	if got := list(t, HostOptions{NLSTIsLIST: true}, "NLST"); !strings.Contains(got, " ftp      ftp ") {
		t.Errorf("NLST as LIST = %q", got)
	}
	if got := list(t, HostOptions{LISTIsNLST: true}, "LIST"); got != "dir\r\nfile.txt\r\n" {
		t.Errorf("LIST as NLST = %q", got)
	}
	got := list(t, HostOptions{RemoveUserGroup: true}, "LIST")
	if strings.Contains(got, "ftp") || !strings.Contains(got, " file.txt\r\n") {
		t.Errorf("LIST without owner and group = %q", got)
	}
}

func TestRoute(t *testing.T) {
	vRoot := t.TempDir()
	writeFile(t, vRoot, "vhost.txt", "x")
	vh := &Host{Root: vRoot, Auth: testUsers{}, Banner: "virtual ready."}
	var gotListener atomic.Int32
	gotListener.Store(-1)
	cfg := Config{Host: Host{Banner: "default ready."}, VirtualHosts: []*Host{vh},
		Listeners: []Listener{{Addr: "127.0.0.1:0"}, {Addr: "127.0.0.1:0"}},
		Route: func(l int, local netip.AddrPort) []*Host {
			gotListener.Store(int32(l))
			switch l {
			case 0:
				return []*Host{nil, vh} // the default host first
			}
			return nil // no FTP server here
		}}
	bound, _ := startListeners(t, cfg)
	cl := dial(t, bound[0].Addr.String())
	if l := gotListener.Load(); l != 0 {
		t.Errorf("Route got listener %d, want 0", l)
	}
	if msg := cl.cmd(220, "HOST [127.0.0.1]"); !strings.Contains(msg, "default ready.") {
		t.Fatalf("HOST reply %q, want the default host", msg)
	}
	c, err := net.DialTimeout("tcp", bound[1].Addr.String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "421 ") {
		t.Fatalf("connection to a listener without FTP hosts got %q, %v; want 421", line, err)
	}
}

func TestEPSVFamilyAndBindAddress(t *testing.T) {
	// The bind address differs from the control connection's (127.0.0.1),
	// so only a listener that honours it accepts the data connection.
	addr, _ := startServer(t, Config{Host: Host{EPSVIgnoreFamily: true, PasvBindAddr: netip.MustParseAddr("127.0.0.2")}})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	msg := cl.cmd(229, "EPSV 2") // IPv6 asked on an IPv4 connection: answered on IPv4
	port, err := codec.ParseEPSV([]byte(msg))
	if err != nil {
		t.Fatalf("EPSV reply %q: %v", msg, err)
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.2", strconv.Itoa(int(port))), 5*time.Second)
	if err != nil {
		t.Fatalf("data connection to the bind address: %v", err)
	}
	c.Close()
}

func TestReadmeOnCWD(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "pub/README", "Mirror of everything.\r\n250 not a reply\n")
	writeFile(t, root, "text/x", "")
	writeFile(t, root, "plain/x", "")
	readme := func(fsPath, vpath string) (string, string) {
		switch vpath {
		case "/pub":
			return "", "README"
		case "/text":
			return "Literal message.", ""
		}
		return "", ""
	}
	addr, _ := startServer(t, Config{Host: Host{Root: root, Readme: readme}})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	if msg := cl.cmd(250, "CWD /pub"); msg != "Mirror of everything.\n 250 not a reply\nDirectory successfully changed." {
		t.Errorf("CWD /pub: %q", msg)
	}
	if msg := cl.cmd(250, "CWD /text"); msg != "Literal message.\nDirectory successfully changed." {
		t.Errorf("CWD /text: %q", msg)
	}
	if msg := cl.cmd(250, "CWD /plain"); msg != "Directory successfully changed." {
		t.Errorf("CWD /plain: %q", msg)
	}
}

func TestActiveRange(t *testing.T) {
	// 20000-29999 lies below the ephemeral ports, so nothing else takes it.
	lo := uint16(20000 + time.Now().UnixNano()%9000)
	addr, root := startServer(t, Config{Host: Host{ActiveMin: lo, ActiveMax: lo + 3}})
	writeFile(t, root, "f.txt", "active\n")
	cl := dial(t, addr)
	cl.login("alice", "secret")
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cl.cmd(200, "EPRT |1|127.0.0.1|%d|", ln.Addr().(*net.TCPAddr).Port)
	cl.cmd(150, "RETR f.txt")
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c)
	c.Close()
	cl.expect(226)
	from := c.RemoteAddr().(*net.TCPAddr).Port
	if string(b) != "active\n" || from < int(lo) || from > int(lo)+3 {
		t.Fatalf("got %q from port %d, want the file from %d-%d", b, from, lo, lo+3)
	}
}

func TestReadmeHonoursAuthorization(t *testing.T) {
	root, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "private/secret.txt", "the secret")
	writeFile(t, root, "pub/x", "")
	if err := os.Symlink("../private/secret.txt", filepath.Join(root, "pub", "README")); err != nil {
		t.Fatal(err)
	}
	readme := func(string, string) (string, string) { return "", "README" }
	addr, _ := startServer(t, Config{Host: Host{Root: root, Authorize: denyPaths{root}, Readme: readme}})
	anon := dial(t, addr)
	anon.login("anonymous", "a@example.com")
	if msg := anon.cmd(250, "CWD /pub"); strings.Contains(msg, "secret") {
		t.Fatalf("anonymous CWD showed a README it may not read: %q", msg)
	}
	alice := dial(t, addr)
	alice.login("alice", "secret")
	if msg := alice.cmd(250, "CWD /pub"); !strings.Contains(msg, "the secret") {
		t.Fatalf("alice's CWD lacks the README she may read: %q", msg)
	}
}
