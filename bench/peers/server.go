package peers

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftpsd/ftpsd/bench/procfs"
	"github.com/ftpsd/ftpsd/bench/scenario"
)

// Env is what every server is started with.
type Env struct {
	Dir  string // the work directory (.bench): unpacked peers, configs, logs
	Data string // the fixture tree, every server's (anonymous) root
	Cert *Cert  // the certificate every server presents now
	// Certs holds the certificate of every kind; the rounds point Cert at
	// one and restart the servers.
	Certs    map[string]*Cert
	Users    string // htpasswd with the named user ftpsd's uploads log in as
	FtpsdBin string
	// Profile, when set, starts ftpsd with -profile Profile; the profile is
	// written under the run's directory when it stops.
	Profile string
}

// Peer is one server the benchmark can run.
type Peer struct {
	Name string
	// Read and Write are the logins of downloads and uploads.
	Read, Write scenario.Login
	version     func(env *Env) string
	// command writes any configuration into run and returns the command
	// line that serves FTP on 127.0.0.1:port, passive ports lo..hi.
	command func(env *Env, run string, port, lo, hi int) ([]string, error)
	// admin, when set, is the flag that makes the server serve Prometheus
	// metrics on a given HOST:PORT; Start gives it a free loopback port
	// (Running.Admin), and RuntimeMemory reads the Go runtime's figures
	// there.
	admin string
}

// Version is the peer's version as installed.
func (p *Peer) Version(env *Env) string { return p.version(env) }

var anonymous = scenario.Login{User: "anonymous", Pass: "bench@example.com"}

// All returns every peer, ftpsd first.
func All() []*Peer {
	return []*Peer{ftpsd(), vsftpd(), proftpd(), pureftpd(), pyftpdlib()}
}

// Running is a started server.
type Running struct {
	Peer    *Peer
	Addr    string
	Command string // the command line, for BENCHMARKS.md
	Dir     string // its run directory: configuration, log, profile
	Admin   string // host:port of its metrics listener; "" when it has none
	cmd     *exec.Cmd
	log     *os.File
	exited  chan struct{}
	cpu     *procfs.CPUGroup // nil: CPU time from /proc
}

// CPUSeconds is the CPU time the server and every process it forked have
// used so far: exact from its cpuacct group where one could be made,
// else summed from /proc over its live process tree (whole ticks per
// process, reaped children through cutime/cstime).
func (r *Running) CPUSeconds() (float64, error) {
	if r.cpu != nil {
		return r.cpu.Seconds()
	}
	return procfs.CPUSeconds(r.PID())
}

// CPUSplit is the user and kernel time of the server's cpuacct group so
// far (procfs.CPUGroup.Split); nil when it has no group, so the caller can
// leave Target.CPUSplit unset.
func (r *Running) CPUSplit() func() (user, kernel float64, err error) {
	if r.cpu == nil {
		return nil
	}
	return r.cpu.Split
}

// What CPUSource answers.
const (
	CPUFromCgroup = "cgroup cpuacct"
	CPUFromProc   = "/proc tree"
)

// CPUSource says how CPUSeconds measures, for the report.
func (r *Running) CPUSource() string {
	if r.cpu != nil {
		return CPUFromCgroup
	}
	return CPUFromProc
}

// PID is the root of the server's process tree.
func (r *Running) PID() int { return r.cmd.Process.Pid }

// Start runs the peer on a free port with passive ports lo..hi and waits
// until it greets a client. Its configuration, log and any profile go to
// the work directory's run/NAME.
func Start(env *Env, p *Peer, name string, lo, hi int) (*Running, error) {
	run := filepath.Join(env.Dir, "run", name)
	if err := os.MkdirAll(run, 0o755); err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	argv, err := p.command(env, run, port, lo, hi)
	if err != nil {
		return nil, err
	}
	admin := ""
	if p.admin != "" {
		ap, err := freePort()
		if err != nil {
			return nil, err
		}
		admin = net.JoinHostPort("127.0.0.1", strconv.Itoa(ap))
		argv = append(argv, p.admin, admin)
	}
	logf, err := os.Create(filepath.Join(run, "server.log"))
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = run
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group, so that Stop also reaches the session
	// processes of fork-per-session servers.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("peers: starting %s: %w", p.Name, err)
	}
	r := &Running{Peer: p, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)),
		Command: strings.Join(argv, " "), Dir: run, Admin: admin, cmd: cmd, log: logf, exited: make(chan struct{})}
	// Into its CPU group before it accepts a session, so that every session
	// process is born there.
	if g, err := procfs.NewCPUGroup(name); err == nil {
		if g.Add(cmd.Process.Pid) == nil {
			r.cpu = g
		}
	}
	go func() { _ = cmd.Wait(); close(r.exited) }()
	if err := r.waitGreeting(15 * time.Second); err != nil {
		r.Stop()
		tail, _ := os.ReadFile(logf.Name())
		return nil, fmt.Errorf("peers: %s did not start: %w\n%s", p.Name, err, lastLines(string(tail), 10))
	}
	return r, nil
}

// waitGreeting polls until the server answers a connection with 220.
func (r *Running) waitGreeting(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-r.exited:
			return errors.New("exited")
		default:
		}
		c, err := net.DialTimeout("tcp", r.Addr, time.Second)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(5 * time.Second))
			line, err := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if err == nil && strings.HasPrefix(line, "220") {
				return nil
			}
			last = fmt.Errorf("greeting %q: %v", line, err)
		} else {
			last = err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return last
}

// Stop asks the server to end (SIGTERM, which also makes ftpsd write its
// profile), waits up to 10s, then kills its process group.
func (r *Running) Stop() {
	pid := r.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-r.exited:
	case <-time.After(10 * time.Second):
	}
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	select {
	case <-r.exited:
	case <-time.After(5 * time.Second):
	}
	r.log.Close()
	if r.cpu != nil {
		// Session processes may take a moment to go after their master.
		for i := 0; i < 20 && r.cpu.Remove() != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("peers: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func writeFile(path, content string) error {
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	return nil
}
