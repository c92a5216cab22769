package e2e

// A fleet behind a real HAProxy (issue 15): three ftpsd instances on
// 127.0.0.11, .12 and .13, one shared document root, each with its own
// passive range, behind HAProxy on 127.0.0.10 in TCP mode with
// send-proxy-v2 on control and data. HAProxy connects to the instances from
// 127.0.0.10, the only trusted proxy; clients connect to HAProxy from
// 127.0.0.21, .22, … Every instance announces HAProxy's address in 227
// replies, and HAProxy forwards each instance's passive range to it, so
// control and data both go through the balancer and the passive source
// check compares the real client's address from the data connection's
// PROXY header. Clients: jlaffaye/ftp (plain, explicit and implicit TLS,
// EPSV and PASV, and the 100 concurrent sessions), curl (--interface),
// lftp (net:socket-bind-ipv4) and Python's ftplib (source_address).
//
// The configuration fleetHAProxy writes is the one docs/fleet.md shows.

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
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

	"github.com/jlaffaye/ftp"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

const (
	fleetBalancer = "127.0.0.10" // HAProxy: frontends, and the source of its connections to the instances
	fleetSpan     = 40           // passive ports per instance: more than its share of the 100 concurrent sessions
)

var fleetInstances = []string{"127.0.0.11", "127.0.0.12", "127.0.0.13"}

// fleetClient is the i-th client source address: 127.0.0.21, .22, …
func fleetClient(i int) netip.Addr { return netip.AddrFrom4([4]byte{127, 0, 0, byte(21 + i%30)}) }

// fleetPorts are the ports the test chose: the control and implicit ports
// (the same on HAProxy and every instance, on different addresses) and
// the first passive port; instance i owns pasv+i*fleetSpan …
// pasv+(i+1)*fleetSpan-1 on HAProxy and on itself.
type fleetPorts struct{ ctrl, implicit, pasv int }

func (p fleetPorts) pasvRange(i int) (lo, hi int) {
	lo = p.pasv + i*fleetSpan
	return lo, lo + fleetSpan - 1
}

// freeFleetPorts finds ports free on the balancer's and every instance's
// address, below the kernel's ephemeral range so that client sockets do
// not take them meanwhile.
func freeFleetPorts(t *testing.T) fleetPorts {
	t.Helper()
	addrs := append([]string{fleetBalancer}, fleetInstances...)
	free := func(port, n int) bool {
		var held []net.Listener
		defer func() {
			for _, l := range held {
				l.Close()
			}
		}()
		for p := port; p < port+n; p++ {
			for _, a := range addrs {
				l, err := net.Listen("tcp4", net.JoinHostPort(a, strconv.Itoa(p)))
				if err != nil {
					return false
				}
				held = append(held, l)
			}
		}
		return true
	}
	for range 200 {
		base := 20000 + rand.IntN(9000)
		n := 2 + len(fleetInstances)*fleetSpan
		if free(base, n) {
			return fleetPorts{ctrl: base, implicit: base + 1, pasv: base + 2}
		}
	}
	t.Fatal("no free ports for the fleet")
	return fleetPorts{}
}

// fleetHAProxyConfig is HAProxy's configuration: frontends on front,
// connections to the instances from source, each instance owning span
// passive ports. docs/fleet.md shows it for a public address and ports 21,
// 990 and 50000 up (TestFleetDocConfig keeps the two the same). The
// control health check expects the 220 greeting after a PROXY header
// (LOCAL: the check speaks for HAProxy itself).
func fleetHAProxyConfig(front, source string, instances []string, p fleetPorts, span int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `global
    maxconn 4096

defaults
    mode tcp
    timeout connect 5s
    timeout client 10m
    timeout server 10m
    retries 2
    option redispatch 1

# Control connections, FTP with AUTH TLS: any instance.
frontend ftp
    bind %[1]s:%[2]d
    default_backend ftp

backend ftp
    balance leastconn
    option tcp-check
    tcp-check expect rstring ^220
    default-server send-proxy-v2 source %[3]s check check-send-proxy inter 300ms fall 1 rise 1
`, front, p.ctrl, source)
	for i, a := range instances {
		fmt.Fprintf(&b, "    server ftpsd%d %s:%d\n", i+1, a, p.ctrl)
	}
	fmt.Fprintf(&b, `
# Implicit FTPS: TLS passes through; ftpsd reads the PROXY header first.
frontend ftps
    bind %[1]s:%[2]d
    default_backend ftps

backend ftps
    balance leastconn
    default-server send-proxy-v2 source %[3]s check inter 300ms fall 1 rise 1
`, front, p.implicit, source)
	for i, a := range instances {
		fmt.Fprintf(&b, "    server ftpsd%d %s:%d\n", i+1, a, p.implicit)
	}
	for i, a := range instances {
		lo := p.pasv + i*span
		hi := lo + span - 1
		// No port on the server line: HAProxy connects to the port the
		// client reached, which the instance listens on.
		fmt.Fprintf(&b, `
# ftpsd%[1]d's passive range, to ftpsd%[1]d only.
frontend pasv%[1]d
    bind %[2]s:%[3]d-%[4]d
    default_backend pasv%[1]d

backend pasv%[1]d
    server ftpsd%[1]d %[5]s send-proxy-v2 source %[6]s
`, i+1, front, lo, hi, a, source)
	}
	return b.String()
}

// fleet is the running balancer and instances.
type fleet struct {
	ports     fleetPorts
	root      string
	instances []*server
	logs      []string // each instance's command log
	xferLogs  []string // each instance's transfer log: "%a %f"
}

// startFleet starts the three instances and HAProxy, and waits until
// HAProxy accepts connections.
func startFleet(t *testing.T) *fleet {
	t.Helper()
	e2e(t)
	haproxy := requireTool(t, "haproxy")
	f := &fleet{ports: freeFleetPorts(t), root: t.TempDir()}
	writeTree(t, f.root, map[string]string{"hello.txt": helloText, "pub/a.txt": "a\n", "up/": ""})
	users := writeUsers(t)
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	testserver.WriteCert(t, cert, key)
	ticketKey := filepath.Join(dir, "ticket.key")
	if err := os.WriteFile(ticketKey, content(80, 42), 0o600); err != nil {
		t.Fatal(err)
	}
	for i, a := range fleetInstances {
		logPath := filepath.Join(dir, fmt.Sprintf("command-%d.log", i+1))
		conf := filepath.Join(dir, fmt.Sprintf("ftpsd-%d.conf", i+1))
		xferPath := filepath.Join(dir, fmt.Sprintf("transfer-%d.log", i+1))
		if err := os.WriteFile(conf, []byte("FTP On\nLogFormat \"%a %u %r %>s\" fleet\nCustomLog "+logPath+" fleet\n"+
			"CustomLog "+xferPath+" \"%a %f\" env=do_transfer_log\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		lo, hi := f.ports.pasvRange(i)
		args := []string{"-config", conf,
			"-listen", net.JoinHostPort(a, strconv.Itoa(f.ports.ctrl)),
			"-implicit", net.JoinHostPort(a, strconv.Itoa(f.ports.implicit)),
			"-root", f.root, "-anonymous", "-users", users, "-fail-delay", "0",
			"-cert", cert, "-key", key, "-grace", "2s", "-data-timeout", "20s",
			"-pasv-ports", fmt.Sprintf("%d-%d", lo, hi), "-pasv-addr", fleetBalancer,
			"-proxy-protocol", "-proxy-data", "-proxy-trusted", fleetBalancer,
			"-tls-ticket-keys", ticketKey,
		}
		f.instances = append(f.instances, launch(t, f.root, args))
		f.logs = append(f.logs, logPath)
		f.xferLogs = append(f.xferLogs, xferPath)
	}

	cfgPath := filepath.Join(dir, "haproxy.cfg")
	if err := os.WriteFile(cfgPath, []byte(fleetHAProxyConfig(fleetBalancer, fleetBalancer, fleetInstances, f.ports, fleetSpan)), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(haproxy, "-c", "-f", cfgPath).CombinedOutput(); err != nil {
		t.Fatalf("haproxy -c: %v\n%s", err, out)
	}
	hlog := newLogWriter()
	cmd := exec.Command(haproxy, "-f", cfgPath, "-db")
	cmd.Stdout, cmd.Stderr = hlog, hlog
	cmd.WaitDelay = stopTimeout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(stopTimeout):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("haproxy output:\n%s", hlog)
		}
	})
	// Ready when a session through HAProxy is greeted (the health checks
	// have then seen an instance up).
	deadline := time.Now().Add(startTimeout)
	for {
		c, err := fleetDialCtrl(fleetClient(0), f.addr())
		if err == nil {
			r, err := readReply(c)
			c.Close()
			if err == nil && r.code == 220 {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("HAProxy at %s not serving within %v\n%s", f.addr(), startTimeout, hlog)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return f
}

func (f *fleet) addr() string { return net.JoinHostPort(fleetBalancer, strconv.Itoa(f.ports.ctrl)) }
func (f *fleet) implicitAddr() string {
	return net.JoinHostPort(fleetBalancer, strconv.Itoa(f.ports.implicit))
}

// fleetDialCtrl connects to addr from the source address from.
func fleetDialCtrl(from netip.Addr, addr string) (*textproto.Conn, error) {
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0)), Timeout: replyTimeout}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(time.Now().Add(dataTimeout))
	return textproto.NewConn(c), nil
}

func readReply(c *textproto.Conn) (reply, error) {
	code, msg, err := c.ReadResponse(0)
	if err != nil && code == 0 {
		return reply{}, err
	}
	return reply{code, msg}, nil
}

// goFleetDial logs in through addr from the source address from, with
// jlaffaye/ftp: mode is "ftp", "explicit" or "implicit". Every connection
// (control and data) leaves from from and is closed when ctx ends.
func goFleetDial(ctx context.Context, from netip.Addr, addr, mode string, a *account, more ...ftp.DialOption) (*ftp.ServerConn, error) {
	cfg := clientTLSVersion(tls.VersionTLS13)
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0)), Timeout: replyTimeout}
	dial := ctxDial(ctx, d, func(c net.Conn, control bool) net.Conn {
		if mode == "implicit" || mode == "explicit" && !control {
			return tls.Client(c, cfg)
		}
		return c
	})
	opts := append([]ftp.DialOption{ftp.DialWithDialFunc(dial), ftp.DialWithShutTimeout(dataTimeout)}, more...)
	switch mode {
	case "explicit":
		opts = append(opts, ftp.DialWithExplicitTLS(cfg))
	case "implicit":
		opts = append(opts, ftp.DialWithTLS(cfg))
	}
	return goLogin(addr, opts, a, "fleet@example.com")
}

var fleetLogRE = regexp.MustCompile(`^(\S+) (\S+) (.*) (\d{3})$`)

// commandLog returns instance i's command log as (address, line) pairs,
// after waiting until it holds a line mentioning want ("" : any).
func (f *fleet) commandLog(t *testing.T, i int, want string) [][2]string {
	t.Helper()
	var out [][2]string
	deadline := time.Now().Add(replyTimeout)
	for {
		out = out[:0]
		b, _ := os.ReadFile(f.logs[i])
		found := false
		sc := bufio.NewScanner(strings.NewReader(string(b)))
		for sc.Scan() {
			m := fleetLogRE.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("instance %d: command log line %q not in the LogFormat", i+1, sc.Text())
			}
			out = append(out, [2]string{m[1], sc.Text()})
			found = found || want == "" || strings.Contains(sc.Text(), want)
		}
		if found && len(out) > 0 {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance %d: no command log line with %q within %v:\n%s", i+1, want, replyTimeout, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestFleetBehindHAProxy(t *testing.T) {
	t.Parallel()
	f := startFleet(t)

	t.Run("Go client in every mode", func(t *testing.T) {
		for i, tc := range []struct{ mode, addr string }{
			{"ftp", f.addr()}, {"explicit", f.addr()}, {"implicit", f.implicitAddr()},
		} {
			t.Run(tc.mode, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
				defer cancel()
				c, err := goFleetDial(ctx, fleetClient(i), tc.addr, tc.mode, &alice)
				if err != nil {
					t.Fatalf("dial and login through HAProxy: %v", err)
				}
				defer c.Quit()
				name := "up/go-" + tc.mode + ".bin"
				data := content(256<<10+3, uint64(i))
				if err := c.Stor(name, strings.NewReader(string(data))); err != nil {
					t.Fatalf("Stor: %v", err)
				}
				if got := readFile(t, filepath.Join(f.root, name)); got != string(data) {
					t.Fatalf("Stor: %d bytes on disk, want the %d sent", len(got), len(data))
				}
				if got, err := readResp(c.Retr(name)); err != nil || got != string(data) {
					t.Fatalf("Retr: %d bytes, %v; want %d", len(got), err, len(data))
				}
				entries, err := c.List("/pub")
				if err != nil || len(entries) != 1 || entries[0].Name != "a.txt" {
					t.Fatalf("List /pub: %v, %v", entries, err)
				}
			})
		}
	})

	t.Run("curl in every mode", func(t *testing.T) {
		dir := t.TempDir()
		src := filepath.Join(dir, "src.bin")
		data := content(100<<10, 7)
		if err := os.WriteFile(src, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for i, tc := range []struct {
			mode, scheme, addr string
			tls                []string
		}{
			{"ftp", "ftp", f.addr(), nil},
			{"explicit", "ftp", f.addr(), []string{"--ssl-reqd", "-k"}},
			{"implicit", "ftps", f.implicitAddr(), []string{"-k"}},
		} {
			t.Run(tc.mode, func(t *testing.T) {
				from := fleetClient(10 + i).String()
				base := "://" + alice.user + ":" + alice.pass + "@" + tc.addr + "/"
				args := append([]string{"--interface", from}, tc.tls...)
				mustCurl(t, dir, append(args, "-T", src, tc.scheme+base+"up/curl-"+tc.mode+".bin")...)
				if got := readFile(t, filepath.Join(f.root, "up", "curl-"+tc.mode+".bin")); got != string(data) {
					t.Fatalf("curl -T: %d bytes on disk, want %d", len(got), len(data))
				}
				out := filepath.Join(dir, tc.mode+".out")
				mustCurl(t, dir, append(args, "-o", out, tc.scheme+base+"up/curl-"+tc.mode+".bin")...)
				if got := readFile(t, out); got != string(data) {
					t.Fatalf("curl download: %d bytes, want %d", len(got), len(data))
				}
				list := mustCurl(t, dir, append(args, tc.scheme+base+"pub/")...)
				if !strings.Contains(list, "a.txt") {
					t.Fatalf("curl LIST pub/: %s", list)
				}
				// The instance that served it logged curl's address.
				// (The log is written off the loop: wait for it.)
				found := eventually(replyTimeout, func() bool {
					for j := range f.instances {
						b, _ := os.ReadFile(f.logs[j])
						if strings.Contains(string(b), from+" alice STOR curl-"+tc.mode+".bin 226") {
							return true
						}
					}
					return false
				})
				if !found {
					for j := range f.instances {
						b, _ := os.ReadFile(f.logs[j])
						t.Logf("instance %d's command log:\n%s", j+1, b)
					}
					t.Errorf("no instance logged %s's STOR", from)
				}
			})
		}
	})

	t.Run("Go client over PASV", func(t *testing.T) {
		// 227 names HAProxy (-pasv-addr), whose range for the instance
		// forwards the data connection.
		ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
		defer cancel()
		c, err := goFleetDial(ctx, fleetClient(5), f.addr(), "explicit", &alice, ftp.DialWithDisabledEPSV(true))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Quit()
		if got, err := readResp(c.Retr("hello.txt")); err != nil || got != helloText {
			t.Fatalf("Retr over PASV: %q, %v", got, err)
		}
	})

	t.Run("lftp", func(t *testing.T) {
		dir := t.TempDir()
		data := content(64<<10, 9)
		if err := os.WriteFile(filepath.Join(dir, "lftp.bin"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		via := &server{host: fleetBalancer, port: f.ports.ctrl}
		for i, tc := range []struct{ name, settings string }{
			{"plain", ""},
			{"explicit TLS", lftpTLSSettings},
		} {
			t.Run(tc.name, func(t *testing.T) {
				from := fleetClient(14 + i).String()
				name := fmt.Sprintf("lftp-%d.bin", i)
				out := mustLftp(t, via, dir, &alice, tc.settings+"set net:socket-bind-ipv4 "+from+"; ",
					"cd up; put lftp.bin -o "+name+"; cls -1; get "+name+" -o back-"+name)
				if !strings.Contains(out, name) {
					t.Errorf("cls after the upload does not list %s:\n%s", name, out)
				}
				if got := readFile(t, filepath.Join(dir, "back-"+name)); got != string(data) {
					t.Fatalf("lftp round trip: %d bytes, want %d", len(got), len(data))
				}
				if !eventually(replyTimeout, func() bool { return f.logged(from + " alice STOR " + name + " 226") }) {
					t.Errorf("no instance logged %s's STOR", from)
				}
			})
		}
	})

	t.Run("Python ftplib", func(t *testing.T) {
		dir := t.TempDir()
		script := filepath.Join(dir, "fleet.py")
		if err := os.WriteFile(script, []byte(fleetFtplibScript), 0o644); err != nil {
			t.Fatal(err)
		}
		for i, mode := range []string{"plain", "tls"} {
			t.Run(mode, func(t *testing.T) {
				from := fleetClient(16 + i).String()
				out := mustRunTool(t, dir, "python3", script, fleetBalancer, strconv.Itoa(f.ports.ctrl), from, alice.user, alice.pass, mode)
				name := "py-" + mode + ".txt"
				if !strings.Contains(out, "RETR ok") || !strings.Contains(out, name) {
					t.Fatalf("ftplib through HAProxy:\n%s", out)
				}
				if got := readFile(t, filepath.Join(f.root, "up", name)); got != "from ftplib "+mode+"\n" {
					t.Fatalf("%s on disk: %q", name, got)
				}
				if !eventually(replyTimeout, func() bool { return f.logged(from + " alice STOR up/" + name + " 226") }) {
					t.Errorf("no instance logged %s's STOR", from)
				}
			})
		}
	})

	t.Run("TLS sessions resume on every instance", func(t *testing.T) {
		// One client session cache; the first session's ticket, sealed
		// with the shared keys (-tls-ticket-keys), resumes on whichever
		// instance the next sessions reach. Implicit TLS, so that the
		// dial function holds the control connection's *tls.Conn.
		cfg := clientTLSVersion(tls.VersionTLS13)
		served := map[int]bool{}
		for i := range 4 {
			from := fleetClient(18 + i)
			var ctrl *tls.Conn
			d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0)), Timeout: replyTimeout}
			c, err := ftp.Dial(f.implicitAddr(), ftp.DialWithTLS(cfg), ftp.DialWithShutTimeout(dataTimeout),
				ftp.DialWithDialFunc(func(network, address string) (net.Conn, error) {
					conn, err := d.Dial(network, address)
					if err != nil {
						return nil, err
					}
					_ = conn.SetDeadline(time.Now().Add(toolTimeout))
					tc := tls.Client(conn, cfg)
					if ctrl == nil {
						ctrl = tc
					}
					return tc, nil
				}))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Login(alice.user, alice.pass); err != nil {
				t.Fatal(err)
			}
			if got, err := readResp(c.Retr("hello.txt")); err != nil || got != helloText {
				t.Fatalf("session %d: Retr %q, %v", i, got, err)
			}
			resumed := ctrl.ConnectionState().DidResume
			c.Quit()
			if i > 0 && !resumed {
				t.Errorf("session %d did not resume its TLS session", i)
			}
			found := eventually(replyTimeout, func() bool {
				for j := range f.instances {
					b, _ := os.ReadFile(f.logs[j])
					if strings.Contains(string(b), from.String()+" alice RETR hello.txt 226") {
						served[j] = true
						return true
					}
				}
				return false
			})
			if !found {
				t.Errorf("session %d: no instance logged its RETR", i)
			}
		}
		if len(served) < 2 {
			t.Errorf("the sessions all reached one instance (%v): resumption across instances not shown", served)
		}
	})

	t.Run("a passive connection from another client is refused", func(t *testing.T) {
		c, err := fleetDialCtrl(fleetClient(20), f.addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		cmd := func(line string, code int) string {
			t.Helper()
			if line != "" {
				if err := c.PrintfLine("%s", line); err != nil {
					t.Fatal(err)
				}
			}
			r, err := readReply(c)
			if err != nil || r.code != code {
				t.Fatalf("%q: %v %v, want %d", line, r, err, code)
			}
			return r.msg
		}
		cmd("", 220)
		cmd("USER anonymous", 331)
		cmd("PASS x@example.com", 230)
		port, ok := testserver.EPSVPort(cmd("EPSV", 229))
		if !ok {
			t.Fatal("EPSV reply without a port")
		}
		dataAddr := net.JoinHostPort(fleetBalancer, strconv.Itoa(port))
		// RETR first: the server accepts data connections while it
		// waits for the client's, and drops the thief's.
		if err := c.PrintfLine("RETR hello.txt"); err != nil {
			t.Fatal(err)
		}
		thief, err := fleetDialCtrl(fleetClient(21), dataAddr)
		if err != nil {
			t.Fatal(err)
		}
		stolen, _ := io.ReadAll(thief.R)
		thief.Close()
		if len(stolen) > 0 {
			t.Fatalf("the thief read %q", stolen)
		}
		own, err := fleetDialCtrl(fleetClient(20), dataAddr)
		if err != nil {
			t.Fatal(err)
		}
		defer own.Close()
		cmd("", 150)
		got, err := io.ReadAll(own.R)
		if err != nil || string(got) != helloText {
			t.Fatalf("the owner read %q, %v; want %q", got, err, helloText)
		}
		cmd("", 226)
		cmd("QUIT", 221)
	})

	t.Run("a PROXY header from an untrusted source is refused", func(t *testing.T) {
		for _, a := range fleetInstances {
			c, err := fleetDialCtrl(fleetClient(22), net.JoinHostPort(a, strconv.Itoa(f.ports.ctrl)))
			if err != nil {
				t.Fatal(err)
			}
			// Claims to be a proxy speaking for 203.0.113.9.
			_ = c.PrintfLine("PROXY TCP4 203.0.113.9 %s 40000 %d", a, f.ports.ctrl)
			got, _ := io.ReadAll(c.R)
			c.Close()
			if len(got) > 0 {
				t.Fatalf("%s answered a forged header from an untrusted source: %q", a, got)
			}
		}
	})

	t.Run("100 concurrent sessions over the instances", func(t *testing.T) {
		const n = 100
		var wg sync.WaitGroup
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
				defer cancel()
				c, err := goFleetDial(ctx, fleetClient(i), f.addr(), "ftp", nil)
				if err != nil {
					errs <- fmt.Errorf("session %d: %w", i, err)
					return
				}
				defer c.Quit()
				if got, err := readResp(c.Retr("hello.txt")); err != nil || got != helloText {
					errs <- fmt.Errorf("session %d: RETR %q, %v", i, got, err)
				}
			})
		}
		close(start)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		// Every instance served some, and logged only clients' addresses,
		// in the command log and in the transfer log.
		for i := range f.instances {
			if !eventually(replyTimeout, func() bool {
				b, _ := os.ReadFile(f.xferLogs[i])
				return strings.Contains(string(b), "hello.txt")
			}) {
				t.Fatalf("instance %d: no transfer logged", i+1)
			}
			b, _ := os.ReadFile(f.xferLogs[i])
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				if a, _, _ := strings.Cut(line, " "); !isFleetClient(a) {
					t.Errorf("instance %d's transfer log: %q: not a client's address", i+1, line)
				}
			}
		}
		for i := range f.instances {
			lines := f.commandLog(t, i, "anonymous RETR hello.txt 226")
			for _, l := range lines {
				if !isFleetClient(l[0]) {
					t.Errorf("instance %d logged %q: not a client's address", i+1, l[1])
				}
			}
		}
	})

	t.Run("one instance killed, the others serve new sessions", func(t *testing.T) {
		victim := f.instances[1]
		victim.send(syscall.SIGKILL)
		_ = victim.wait()
		before := make([]int, len(f.instances))
		for i := range f.instances {
			b, _ := os.ReadFile(f.logs[i])
			before[i] = strings.Count(string(b), "\n")
		}
		for i := range 12 {
			ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
			c, err := goFleetDial(ctx, fleetClient(i), f.addr(), "ftp", nil)
			if err != nil {
				cancel()
				t.Fatalf("session %d after the kill: %v", i, err)
			}
			got, err := readResp(c.Retr("hello.txt"))
			c.Quit()
			cancel()
			if err != nil || got != helloText {
				t.Fatalf("session %d after the kill: RETR %q, %v", i, got, err)
			}
		}
		for _, i := range []int{0, 2} {
			grew := eventually(replyTimeout, func() bool {
				b, _ := os.ReadFile(f.logs[i])
				return strings.Count(string(b), "\n") > before[i]
			})
			if !grew {
				t.Errorf("instance %d served none of the sessions after the kill", i+1)
			}
		}
	})
}

// eventually polls cond every 20ms until it holds or d passes.
func eventually(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
	return true
}

// isFleetClient reports whether a (a logged %a) is one of the clients'
// source addresses, never the balancer's.
func isFleetClient(a string) bool {
	ip, err := netip.ParseAddr(a)
	if err != nil || !ip.Is4() {
		return false
	}
	b := ip.As4()
	return b[0] == 127 && b[1] == 0 && b[2] == 0 && b[3] >= 21 && b[3] < 21+30
}

// TestFleetDocConfig: docs/fleet.md shows the configuration the fleet test
// runs, for a public address, ports 21 and 990 and 1000 passive ports per
// instance, and HAProxy accepts it.
func TestFleetDocConfig(t *testing.T) {
	t.Parallel()
	e2e(t)
	b, err := os.ReadFile(filepath.Join(testserver.ModuleRoot(), "docs", "fleet.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, doc, ok := strings.Cut(string(b), "```haproxy\n")
	doc, _, ok2 := strings.Cut(doc, "```")
	if !ok || !ok2 {
		t.Fatal("docs/fleet.md has no ```haproxy block")
	}
	want := fleetHAProxyConfig("203.0.113.10", "10.0.0.10", []string{"10.0.0.11", "10.0.0.12", "10.0.0.13"},
		fleetPorts{ctrl: 21, implicit: 990, pasv: 50000}, 1000)
	if doc != want {
		t.Errorf("docs/fleet.md's HAProxy configuration differs from the test's; the test's is:\n%s", want)
	}
	cfg := filepath.Join(t.TempDir(), "haproxy.cfg")
	if err := os.WriteFile(cfg, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(requireTool(t, "haproxy"), "-c", "-f", cfg).CombinedOutput(); err != nil {
		t.Errorf("haproxy -c on the documented configuration: %v\n%s", err, out)
	}
}

// logged reports whether some instance's command log has a line holding
// want.
func (f *fleet) logged(want string) bool {
	for _, p := range f.logs {
		if b, _ := os.ReadFile(p); strings.Contains(string(b), want) {
			return true
		}
	}
	return false
}

// fleetFtplibScript logs in through the balancer from a given source
// address, in the clear or with AUTH TLS (PROT C: ftplib does not resume
// the control session on data connections), stores, lists and retrieves.
const fleetFtplibScript = `
import ftplib, io, ssl, sys
host, port, src, user, password, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
if mode == "tls":
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    f = ftplib.FTP_TLS(context=ctx, timeout=20, source_address=(src, 0))
else:
    f = ftplib.FTP(timeout=20, source_address=(src, 0))
print(f.connect(host, port))
if mode == "tls":
    print(f.auth())
print(f.login(user, password))
if mode == "tls":
    print(f.prot_c())
name = "py-" + mode + ".txt"
body = ("from ftplib " + mode + "\n").encode()
print(f.storbinary("STOR up/" + name, io.BytesIO(body)))
print(f.nlst("up"))
buf = io.BytesIO()
f.retrbinary("RETR up/" + name, buf.write)
print("RETR ok" if buf.getvalue() == body else "RETR differs: %r" % buf.getvalue())
f.quit()
`

// TestFleetProxyNeedsTrust: PROXY on without a trusted proxy refuses to
// start, saying why.
func TestFleetProxyNeedsTrust(t *testing.T) {
	t.Parallel()
	e2e(t)
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, ftpsdBin, "-listen", "127.0.0.1:0", "-root", t.TempDir(), "-anonymous", "-proxy-protocol").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "no proxy is trusted") {
		t.Fatalf("ftpsd -proxy-protocol without -proxy-trusted: %v\n%s", err, out)
	}
}
