package loop

import (
	"github.com/ftpsd/ftpsd/internal/metrics"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// reloadServer starts a server on cfg (listening on 127.0.0.1:0) and
// returns it with its address.
func reloadServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	cfg.Listeners = []Listener{{Addr: "127.0.0.1:0"}}
	addr, _ := startServer(t, cfg)
	return serverAt(t, addr), addr
}

// TestReloadSwapsHostsForNewSessions: after Reload a new session gets the
// new default host (its banner, its root) and the virtual host that came
// with the reload, by HOST; a session opened before keeps its host, its
// root still open, until it ends; then the old generation's last reference
// goes and the roots close.
func TestReloadSwapsHostsForNewSessions(t *testing.T) {
	oldRoot, newRoot, vRoot := t.TempDir(), t.TempDir(), t.TempDir()
	writeFile(t, oldRoot, "old.txt", "old\n")
	writeFile(t, newRoot, "new.txt", "new\n")
	writeFile(t, vRoot, "vhost.txt", "vhost\n")
	cfg := Config{Host: Host{Root: oldRoot, Auth: testUsers{}, Banner: "old banner"}, FailDelay: -1}
	srv, addr := reloadServer(t, cfg)

	before := dial(t, addr) // greeted below, after the reload, from its buffer
	before.login("alice", "secret")
	old := srv.routing.Load()

	next := srv.cfg // the same server-wide settings: nothing needs a restart
	vh := &Host{Names: []string{"added.example"}, Root: vRoot, Auth: testUsers{}, Banner: "added ready."}
	next.Host = Host{Root: newRoot, Auth: testUsers{}, Banner: "new banner"}
	next.VirtualHosts = []*Host{vh}
	next.Route = func(int, netip.AddrPort) []*Host { return []*Host{nil, vh} }
	restart, err := srv.Reload(next)
	if err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if len(restart) != 0 {
		t.Errorf("Reload with the same server-wide settings: needs a restart for %q, want none", restart)
	}

	after := dial(t, addr)
	after.login("alice", "secret")
	after.cmd(213, "SIZE new.txt")
	after.cmd(550, "SIZE old.txt")
	added := dial(t, addr)
	if msg := added.cmd(220, "HOST added.example"); !strings.Contains(msg, "added ready.") {
		t.Fatalf("HOST added.example after the reload: %q, want its banner", msg)
	}
	added.login("alice", "secret")
	added.cmd(213, "SIZE vhost.txt")

	// The session from before: the old root, still open.
	before.cmd(213, "SIZE old.txt")
	before.cmd(550, "SIZE new.txt")
	if got := old.refs.Load(); got != 1 {
		t.Errorf("old generation's references with one session left on it: %d, want 1", got)
	}
	before.cmd(221, "QUIT")
	deadline := time.Now().Add(10 * time.Second)
	for old.refs.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("old generation still has %d references after its last session ended", old.refs.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := srv.routing.Load().refs.Load(); got != 3 {
		t.Errorf("current generation's references: %d, want 3 (the server's and two sessions')", got)
	}
}

// TestReloadGreetsWithNewBanner: a connection after Reload is greeted with
// the new host's banner; one before it, with the old one.
func TestReloadGreetsWithNewBanner(t *testing.T) {
	cfg := Config{Host: Host{Root: t.TempDir(), Auth: testUsers{}, Banner: "first"}, FailDelay: -1}
	srv, addr := reloadServer(t, cfg)
	first := dial(t, addr) // dial reads the 220
	next := srv.cfg
	next.Host.Banner = "second"
	if _, err := srv.Reload(next); err != nil {
		t.Fatal(err)
	}
	second := testDialGreeting(t, addr)
	if !strings.Contains(second, "second") {
		t.Errorf("greeting after the reload: %q, want the new banner", second)
	}
	first.cmd(221, "QUIT")
}

// testDialGreeting dials addr and returns its 220 line.
func testDialGreeting(t *testing.T, addr string) string {
	t.Helper()
	cl := dial(t, addr)
	// dial consumed the greeting; STAT's 211 carries nothing of it, so
	// REIN, which answers with the host's banner, shows which host it is.
	return cl.cmd(220, "REIN")
}

// TestReloadFailureKeepsOld: a configuration whose root cannot be opened
// is refused whole and the old hosts go on serving new sessions.
func TestReloadFailureKeepsOld(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "kept.txt", "kept\n")
	cfg := Config{Host: Host{Root: root, Auth: testUsers{}, Banner: "kept"}, FailDelay: -1}
	srv, addr := reloadServer(t, cfg)
	cur := srv.routing.Load()
	next := srv.cfg
	next.Host = Host{Root: filepath.Join(root, "missing"), Auth: testUsers{}, Banner: "broken"}
	if _, err := srv.Reload(next); err == nil {
		t.Fatal("Reload to a missing root: no error")
	}
	if srv.routing.Load() != cur {
		t.Fatal("a failed Reload replaced the hosts")
	}
	if msg := testDialGreeting(t, addr); !strings.Contains(msg, "kept") {
		t.Errorf("greeting after a failed reload: %q, want the old banner", msg)
	}
	cl := dial(t, addr)
	cl.login("alice", "secret")
	cl.cmd(213, "SIZE kept.txt")
}

// TestReloadReportsServerWide: settings that are not a host's are not
// applied and come back by name.
func TestReloadReportsServerWide(t *testing.T) {
	cur := Config{Listeners: []Listener{{Addr: "127.0.0.1:0"}}, IdleTimeout: time.Minute, Metrics: metrics.New()}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   []string
	}{
		{"nothing", func(*Config) {}, nil},
		{"hosts only", func(c *Config) {
			c.Banner, c.Root = "other", "/elsewhere"
			c.VirtualHosts = []*Host{{Names: []string{"x"}}}
		}, nil},
		{"listener", func(c *Config) { c.Listeners = []Listener{{Addr: "127.0.0.1:21"}} }, []string{"Listeners"}},
		{"workers and loops", func(c *Config) { c.Workers, c.EventLoops = 3, 5 }, []string{"Workers", "EventLoops"}},
		{"a timeout", func(c *Config) { c.IdleTimeout = time.Hour }, []string{"IdleTimeout"}},
		{"a limit", func(c *Config) { c.MaxSessions = 7 }, []string{"Limits.MaxSessions"}},
		// main sets the metrics after each build: a rebuilt configuration
		// has none, and that is no setting of the operator's.
		{"metrics only on the running one", func(c *Config) { c.Metrics = nil }, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			next := cur
			next.Listeners = slices.Clone(cur.Listeners)
			tc.change(&next)
			if got := serverWideChanges(&cur, &next); !slices.Equal(got, tc.want) {
				t.Errorf("serverWideChanges: %q, want %q", got, tc.want)
			}
		})
	}
}

// TestHoldHostsReroutesDeadGeneration: hosts routed on a generation that
// died before the session was made (a Reload in between, no session left
// on the old hosts) are replaced by the current generation's, which the
// session then holds.
func TestHoldHostsReroutesDeadGeneration(t *testing.T) {
	cfg := Config{Host: Host{Root: t.TempDir(), Auth: testUsers{}, Banner: "before"}, FailDelay: -1}
	srv, addr := reloadServer(t, cfg)
	local := netip.MustParseAddrPort(addr)
	routed := srv.route(local) // as OnOpen routes, before the session is made
	old := routed[0].gen
	next := srv.cfg
	next.Host.Banner = "after"
	if _, err := srv.Reload(next); err != nil {
		t.Fatal(err)
	}
	if n := old.refs.Load(); n != 0 {
		t.Fatalf("old generation with no session: %d references after Reload, want 0", n)
	}
	hosts, rt := srv.holdHosts(routed, local)
	if rt != srv.routing.Load() || hosts[0].gen != rt || hosts[0].Banner != "after" {
		t.Fatalf("holdHosts on a dead generation: banner %q, held current %v", hosts[0].Banner, rt == srv.routing.Load())
	}
	if n := rt.refs.Load(); n != 2 {
		t.Errorf("current generation after holdHosts: %d references, want 2", n)
	}
	rt.release()
}
