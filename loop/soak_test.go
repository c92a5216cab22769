package loop

// Soak and overload tests: many connections at once, on loopback only,
// each bounded in time and count (well under a minute on 2 cores with
// -race). They check what a public server lives on: hostile or broken
// clients cost the others nothing, and everything they held is given back.

import (
	"bytes"
	"crypto/tls"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(entries)
}

// heapInUse is the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC() // a second cycle empties the sync.Pools the first one aged
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// baseline is what a test process holds before a soak.
type baseline struct {
	fds, goroutines int
	heap            uint64
}

func takeBaseline(t *testing.T) baseline {
	return baseline{fds: openFDs(t), goroutines: runtime.NumGoroutine(), heap: heapInUse()}
}

// expectReleased waits (bounded) until the server holds no session, job or
// transfer, and the process is back to its baseline of descriptors and
// goroutines, and close to its heap: nothing leaked.
func expectReleased(t *testing.T, srv *Server, base baseline) {
	t.Helper()
	// Workers retire after a second idle; leave them, and slow machines,
	// a wide margin.
	const wait = 20 * time.Second
	const slackGoroutines = 8
	ok := eventually(wait, func() bool {
		return srv.lim.sessions.Load() == 0 && srv.transfers.Load() == 0 && srv.pool.Running() == 0
	})
	if !ok {
		t.Errorf("server still holds %d sessions, %d transfers, %d jobs", srv.lim.sessions.Load(),
			srv.transfers.Load(), srv.pool.Running())
	}
	if !eventually(wait, func() bool { return openFDs(t) <= base.fds }) {
		t.Errorf("open descriptors: %d, %d before", openFDs(t), base.fds)
	}
	if !eventually(wait, func() bool { return runtime.NumGoroutine() <= base.goroutines+slackGoroutines }) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Errorf("goroutines: %d, %d before\n%s", runtime.NumGoroutine(), base.goroutines, buf[:n])
	}
	const slackHeap = 16 << 20
	if h := heapInUse(); h > base.heap+slackHeap {
		t.Errorf("live heap %d MiB, %d MiB before", h>>20, base.heap>>20)
	}
}

// TestSoakStalledPreLogin: hundreds of connections that never log in (some
// silent, some sending half a line, slowloris style) do not slow a real
// client down, and are all cut with 421 at the login timeout.
func TestSoakStalledPreLogin(t *testing.T) {
	const (
		stalled      = 300
		loginTimeout = 2 * time.Second
	)
	addr, root := startServer(t, Config{LoginTimeout: loginTimeout})
	want := randomFile(t, root, "blob", 1<<20)
	srv := serverAt(t, addr)
	conns := make([]net.Conn, stalled)
	opened := time.Now()
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("stalled connection %d: %v", i, err)
		}
		t.Cleanup(func() { c.Close() })
		if i%2 == 1 {
			_, _ = io.WriteString(c, "USER slow") // never ends its line
		}
		conns[i] = c
	}

	// The real client is served at once, every step of the way.
	step := func(what string, f func()) {
		t.Helper()
		start := time.Now()
		f()
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %v with %d stalled connections", what, d, stalled)
		}
	}
	var c *client
	step("greeting", func() { c = dial(t, addr) })
	step("login", func() { c.login("alice", "secret") })
	step("RETR", func() {
		d := c.epsv()
		c.cmd(150, "RETR blob")
		got, _ := io.ReadAll(d)
		c.expect(226)
		if !bytes.Equal(got, want) {
			t.Errorf("RETR: %d bytes", len(got))
		}
	})
	step("STOR", func() {
		d := c.epsv()
		c.cmd(150, "STOR copy")
		_, _ = d.Write(want)
		d.Close()
		c.expect(226)
	})

	// Every stalled connection gets 421 and is closed, at the login
	// timeout and not before.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var early, bad int
	for _, conn := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = conn.SetReadDeadline(time.Now().Add(loginTimeout + 15*time.Second))
			got, err := io.ReadAll(conn)
			mu.Lock()
			defer mu.Unlock()
			if time.Since(opened) < loginTimeout*9/10 {
				early++
			}
			if err != nil || !bytes.HasPrefix(got, []byte("220 ")) || !bytes.Contains(got, []byte("\r\n421 ")) {
				bad++
			}
		}()
	}
	wg.Wait()
	if early > 0 || bad > 0 {
		t.Errorf("of %d stalled connections, %d closed before the login timeout, %d not with 220 then 421", stalled, early, bad)
	}
	// The real client, logged in, is still there.
	c.cmd(200, "NOOP")
	if n := srv.lim.sessions.Load(); n != 1 {
		t.Errorf("%d sessions left, want the real client's only", n)
	}
}

// TestSoakOpenClose: 10,000 sessions (3,000 with -short) opened and closed
// in waves, in every way a client can end one, leak no descriptor,
// goroutine or memory. Client and server share this process and its
// 20,000 open files, so a wave holds 1,000 sessions, 2,000 descriptors.
func TestSoakOpenClose(t *testing.T) {
	total, wave := 10000, 1000
	if testing.Short() {
		total = 3000
	}
	addr, _ := startServer(t, Config{})
	srv := serverAt(t, addr)
	// Warm up: the first sessions allocate what the server keeps (worker
	// goroutines, pools), which is no leak.
	runWave(t, addr, 0, 50)
	expectReleased(t, srv, takeBaseline(t))
	base := takeBaseline(t)

	start, ids := time.Now(), srv.nextID.Load()
	for n := 0; n < total; n += wave {
		runWave(t, addr, n, wave)
		if t.Failed() {
			return
		}
	}
	if got := srv.nextID.Load() - ids; got != uint64(total) {
		t.Errorf("the server saw %d sessions, want %d", got, total)
	}
	t.Logf("%d sessions in %v", total, time.Since(start))
	expectReleased(t, srv, base)
}

// runWave opens n sessions at once, then ends them: QUIT, logout by REIN
// and QUIT, a close after logging in, a reset with replies unread.
func runWave(t *testing.T, addr string, first, n int) {
	t.Helper()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatalf("session %d: %v", first+i, err)
		}
		conns[i] = c
	}
	scripts := []string{
		"QUIT\r\n",
		"USER alice\r\nPASS secret\r\nREIN\r\nQUIT\r\n",
		"USER anonymous\r\nPASS x\r\nPWD\r\n",
		"NOOP\r\nHELP\r\n",
	}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			script := scripts[(first+i)%len(scripts)]
			if _, err := io.WriteString(c, script); err != nil {
				errs <- err
				return
			}
			if strings.HasSuffix(script, "QUIT\r\n") {
				// Read to the server's close: QUIT was answered.
				got, err := io.ReadAll(c)
				if err != nil || !bytes.Contains(got, []byte("221 ")) {
					errs <- err
				}
				return
			}
			if (first+i)%2 == 1 {
				_ = c.(*net.TCPConn).SetLinger(0) // reset, replies unread
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a session of the wave at %d: %v", first, err)
	}
}

// TestSoakVanishingClients: clients that disappear mid-transfer (both
// ways), mid-handshake and mid-ABOR leave nothing behind: no session, job,
// transfer, descriptor, goroutine or temporary file; and the server serves
// the next client normally.
func TestSoakVanishingClients(t *testing.T) {
	const rounds = 20
	cfg := Config{Host: Host{TLS: tlsConfig(t)}, HandshakeTimeout: 2 * time.Second}
	addr, root := startServer(t, cfg)
	srv := serverAt(t, addr)
	randomFile(t, root, "big", 32<<20)
	expectReleased(t, srv, takeBaseline(t))
	base := takeBaseline(t)

	reset := func(c net.Conn) {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		c.Close()
	}
	for i := range rounds {
		// Mid-download: read a little, then vanish.
		c := dial(t, addr)
		c.login("alice", "secret")
		d := c.epsv()
		c.cmd(150, "RETR big")
		_, _ = io.ReadFull(d, make([]byte, 64<<10))
		reset(d)
		reset(c.c)

		// Mid-upload: half a file, then vanish.
		c = dial(t, addr)
		c.login("alice", "secret")
		d = c.epsv()
		c.cmd(150, "STOR part%d", i)
		_, _ = d.Write(bytes.Repeat([]byte("z"), 256<<10))
		reset(c.c)
		reset(d)

		// Mid-ABOR: the transfer is being cancelled as the client goes.
		c = dial(t, addr)
		c.login("alice", "secret")
		d = c.epsv()
		c.cmd(150, "RETR big")
		_, _ = io.ReadFull(d, make([]byte, 64<<10))
		_, _ = io.WriteString(c.c, "ABOR\r\n")
		reset(c.c)
		reset(d)

		// Mid-handshake: AUTH TLS, half a ClientHello, gone.
		c = dial(t, addr)
		c.cmd(234, "AUTH TLS")
		_, _ = c.c.Write([]byte{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03})
		reset(c.c)

		// Mid-handshake, after the client's whole first flight: a real
		// client whose handshake is cut when it has sent its hello.
		c = dial(t, addr)
		c.cmd(234, "AUTH TLS")
		tc := tls.Client(c.c, clientTLS(tls.VersionTLS13))
		_ = tc.SetDeadline(time.Now().Add(50 * time.Millisecond))
		_ = tc.Handshake() // times out reading: the hello went out
		reset(c.c)
	}
	expectReleased(t, srv, base)
	if n := tempFiles(t, root); n > 0 {
		t.Errorf("%d upload temporaries left in the root", n)
	}
	for i := range rounds {
		if _, err := os.Stat(filepath.Join(root, "part"+strconv.Itoa(i))); err == nil {
			t.Errorf("part%d: a cut STOR left a file under its final name", i)
		}
	}
	// The server still serves, TLS and all.
	c := dialTLS(t, addr, clientTLS(tls.VersionTLS13))
	c.auth()
	c.login("alice", "secret")
	c.cmd(213, "SIZE big")
}

// tempFiles counts the hidden upload temporaries under root.
func tempFiles(t *testing.T, root string) int {
	t.Helper()
	n := 0
	_ = filepath.WalkDir(root, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && fsys.IsTemp(d.Name()) {
			n++
		}
		return nil
	})
	return n
}
