package main

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ftpsd/ftpsd/bench/peers"
	"github.com/ftpsd/ftpsd/bench/procfs"
	"github.com/ftpsd/ftpsd/bench/report"
)

func newReport(o *options, env *peers.Env) *report.Report {
	rep := &report.Report{
		Date:    time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Machine: machine(),
		Go:      runtime.Version(),
		Commit:  peers.GitDescribe("."),
		Command: command(o),
		Quick:   o.quick,
		Rounds:  o.rounds,
		Settings: map[string]string{
			"volume":                     report.SizeName(o.volume),
			"idle_ftpsd":                 fmt.Sprint(o.idleFtpsd),
			"idle_peers":                 fmt.Sprint(o.idlePeers),
			"idle_settle":                o.idleSettle.String(),
			"idle_max":                   fmt.Sprint(o.idleMax),
			"idle_return":                durationOrEmpty(o.idleReturn),
			report.IdleReturnCertSetting: o.pick(returnKind),
			"curl":                       toolVersion("curl", "--version"),
			"lftp":                       toolVersion("lftp", "--version"),
			"churn":                      fmt.Sprintf("%d clients for %s", o.churnClients, o.churn),
			"list":                       fmt.Sprintf("MLSD and LIST of the 1,000-entry directory back to back on %d TLS sessions (PROT P) for %s", o.listClients, o.list),
			"small":                      fmt.Sprintf("%d TLS sessions (PROT P) each moving 4 KiB files back to back for %s, RETR then STOR (a new name each time)", o.smallClients, o.small),
			report.CPUsSetting:           fmt.Sprint(runtime.NumCPU()),
			report.FileLimitSetting:      fileLimit(),
		},
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("Load average at the start: %s (%d CPUs; anything else running skews every figure).", loadAvg(), runtime.NumCPU()))
	if o.note != "" {
		rep.Notes = append(rep.Notes, o.note)
	}
	return rep
}

// command is how this run was started, as BENCHMARKS.md shows it: the
// make target when that is what ran (-note is shown as a note, not here).
func command(o *options) string {
	var args []string
	for i := 1; i < len(os.Args); i++ {
		switch a := os.Args[i]; {
		case a == "-note" || a == "--note":
			i++
		case strings.HasPrefix(a, "-note=") || strings.HasPrefix(a, "--note="):
		default:
			args = append(args, a)
		}
	}
	switch {
	case len(args) == 0:
		return "make bench"
	case len(args) == 1 && o.quick:
		return "make bench-quick"
	}
	return "go run ./bench/cmd/ftpbench " + strings.Join(args, " ")
}

// machine describes the CPU, memory and kernel.
func machine() string {
	model, mem := "?", "?"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err == nil {
				mem = fmt.Sprintf("%d GiB", (kb+(1<<19))>>20)
				break
			}
		}
		f.Close()
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	debian, _ := os.ReadFile("/etc/debian_version")
	return fmt.Sprintf("%d vCPU %s, %s RAM, Linux %s, Debian %s", runtime.NumCPU(), model, mem,
		strings.TrimSpace(string(kernel)), strings.TrimSpace(string(debian)))
}

// fileLimit is the open-file limit in effect (after raiseFileLimit), for
// the report.
func fileLimit() string {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return ""
	}
	if l.Cur == ^uint64(0) { // RLIM_INFINITY
		return "unlimited"
	}
	return strconv.FormatUint(l.Cur, 10)
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// tlsServerConfig is the servers' certificate as a Go server config, for
// the crypto/tls ceiling.
func tlsServerConfig(c *peers.Cert) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, err
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}, nil
}

func durationOrEmpty(d time.Duration) string {
	if d <= 0 {
		return ""
	}
	return d.String()
}

// toolVersion is the first line of a client's version output, shortened
// to its name and version ("curl 7.88.1", "lftp 4.9.2"); "" when it does
// not run.
func toolVersion(name, flag string) string {
	out, err := exec.Command(name, flag).Output()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(out), "\n")
	f := strings.Fields(line)
	for i, w := range f {
		if w == "Version" && i+1 < len(f) {
			return name + " " + f[i+1] // LFTP | Version 4.9.2 | ...
		}
	}
	if len(f) >= 2 {
		return name + " " + f[1] // curl 7.88.1 (x86_64-pc-linux-gnu) ...
	}
	return name
}

// stealMeter reads the CPU time the hypervisor took (steal, /proc/stat)
// over each round and over all of them, for the report: a VM that lost much
// of its CPU to its host measures every server lower and noisier. Its zero
// value is ready.
type stealMeter struct {
	first, start, last procfs.CPUTimes // the first round's start, this round's, the last round's end
	rounds             []float64
	err                error // the first failed read: no note
}

func (m *stealMeter) read() procfs.CPUTimes {
	t, err := procfs.ReadCPUTimes()
	if err != nil && m.err == nil {
		m.err = err
	}
	return t
}

func (m *stealMeter) beginRound() {
	m.start = m.read()
	if len(m.rounds) == 0 {
		m.first = m.start
	}
}

func (m *stealMeter) endRound() {
	m.last = m.read()
	m.rounds = append(m.rounds, procfs.StealPct(m.start, m.last))
}

// note is the report's sentence, "" when /proc/stat could not be read.
func (m *stealMeter) note() string {
	if m.err != nil || len(m.rounds) == 0 {
		return ""
	}
	per := make([]string, len(m.rounds))
	for i, v := range m.rounds {
		per[i] = fmt.Sprintf("%.0f %%", v)
	}
	return fmt.Sprintf("The hypervisor took %.0f %% of this machine's CPU time during the rounds (steal time, /proc/stat; by round: %s): with much of it, every server measures lower and the rounds spread wider.",
		procfs.StealPct(m.first, m.last), strings.Join(per, ", "))
}
