package scenario

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// The bulk clients users run, beside bench's own (issue 20, item 2).
const (
	Curl = "curl"
	Lftp = "lftp"
)

// Tools lists the external bulk clients in the order they run.
func Tools() []string { return []string{Curl, Lftp} }

// ToolConfig shapes one transfer by an external client.
type ToolConfig struct {
	Tool   string // Curl or Lftp
	Store  bool   // STOR, else RETR
	ProtP  bool   // PROT P, else PROT C (the control connection is TLS either way)
	Volume int64  // the file's size
}

// Name is the case's label, e.g. "curl RETR PROT P x1".
func (c ToolConfig) Name() string {
	return c.Tool + " " + BulkConfig{Store: c.Store, ProtP: c.ProtP, Streams: 1}.Name()
}

// ToolCommand is the command line that makes the transfer: of file (in the
// server's namespace) to /dev/null, or from local to file. Logins are as
// bench's own client makes them; certificates are not verified (the
// bench checks what each server presents before the rounds).
func ToolCommand(cfg ToolConfig, addr string, l Login, file, local string) []string {
	u := url.URL{Scheme: "ftp", User: url.UserPassword(l.User, l.Pass), Host: addr, Path: file}
	switch cfg.Tool {
	case Curl:
		// --ssl-reqd: AUTH TLS and PROT P; --ftp-ssl-control: AUTH TLS
		// for the login only, PROT C for the data. EPSV is curl's default.
		argv := []string{"curl", "-q", "-s", "-S", "-k", "--ftp-pasv", "--connect-timeout", "30", "--max-time", "600"}
		if cfg.ProtP {
			argv = append(argv, "--ssl-reqd")
		} else {
			argv = append(argv, "--ftp-ssl-control")
		}
		if cfg.Store {
			return append(argv, "-T", local, u.String())
		}
		return append(argv, "-o", "/dev/null", u.String())
	case Lftp:
		host, port, _ := net.SplitHostPort(addr)
		script := []string{
			"set cmd:fail-exit yes", "set net:max-retries 1", "set net:timeout 30",
			"set ftp:ssl-force true", fmt.Sprintf("set ftp:ssl-protect-data %t", cfg.ProtP),
			"set ssl:verify-certificate no", "set ftp:passive-mode true", "set ftp:prefer-epsv true",
			"set xfer:clobber on",
			fmt.Sprintf("open -u %s,%s -p %s ftp://%s", l.User, l.Pass, port, host),
		}
		if cfg.Store {
			script = append(script, fmt.Sprintf("put %s -o %s", local, file))
		} else {
			script = append(script, fmt.Sprintf("get %s -o /dev/null", file))
		}
		return []string{"lftp", "-c", strings.Join(script, "; ")}
	}
	return nil
}

// ToolBulk moves one file of cfg.Volume with an external client and times
// the whole process: MB/s is the file's bytes over the client's wall time,
// its login included (a few ms of a transfer of seconds, the same for
// every server). Client CPU is the child's user+system time from its
// rusage. A client that fails is a failed result with its reason.
func ToolBulk(ctx context.Context, t *Target, cfg ToolConfig, p *Progress) *Result {
	r := newResult(t.Name, "clients", cfg.Name())
	if _, err := exec.LookPath(cfg.Tool); err != nil {
		r.fail(fmt.Errorf("scenario: %s is not installed: %w", cfg.Tool, err))
		r.Metrics[Failed] = 1
		return r
	}
	file := t.BulkFile(cfg.Volume)
	local := ""
	if t.LocalBulk != nil {
		local = t.LocalBulk(cfg.Volume)
	}
	if cfg.Store {
		file = t.upload(fmt.Sprintf("%s-%d.bin", cfg.Tool, time.Now().UnixNano()))
		prepareUpload(r, cfg.Volume)
	}
	// Downloads read the file from the page cache; uploads too (the drop
	// above emptied it).
	if t.WarmBulk != nil {
		t.WarmBulk(cfg.Volume)
	}
	argv := ToolCommand(cfg, t.Addr, t.login(cfg.Store), file, local)
	p.Begin(t.Name+" "+cfg.Name(), "runs")
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cpu := startCPU(t)
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	r.Seconds = wall.Seconds()
	server, serverOK := cpu.stop(2 * time.Second)
	if err != nil {
		r.fail(fmt.Errorf("scenario: %s: %w: %s", cfg.Name(), err, lastLine(out.String())))
		r.Metrics[Failed] = 1
		p.Failed()
		return r
	}
	p.Add(1)
	gb := float64(cfg.Volume) / 1e9
	r.Metrics[BytesMoved] = float64(cfg.Volume)
	r.Metrics[Failed] = 0
	r.Metrics[MBPerSec] = float64(cfg.Volume) / 1e6 / wall.Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.Metrics[ClientCPUSecPerGB] = (tv(ru.Utime) + tv(ru.Stime)) / gb
	}
	if serverOK {
		r.Metrics[ServerCPUSec] = server
		r.Metrics[CPUSecPerGB] = server / gb
		if k, ok := cpu.kernelShare(); ok {
			r.Metrics[KernelCPUSecPerGB] = k * server / gb
		}
	}
	return r
}

func tv(t syscall.Timeval) float64 { return float64(t.Sec) + float64(t.Usec)/1e6 }

// lastLine is the last non-empty line of a client's output, its reason.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) == 0 || lines[len(lines)-1] == "" {
		return "no output"
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
