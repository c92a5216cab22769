package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/ftpsd/ftpsd/bench/peers"
	"github.com/ftpsd/ftpsd/bench/report"
	"github.com/ftpsd/ftpsd/bench/scenario"
	"github.com/ftpsd/ftpsd/internal/synth"
)

type options struct {
	work, markdown, results string
	rounds                  int
	quick                   bool
	servers, scenarios      []string
	certs                   []string // certificate kinds, in the order they run
	volume                  int64
	idleFtpsd, idlePeers    int
	idleMax                 int
	idleSettle              time.Duration
	idleReturn              time.Duration
	churn, list, small      time.Duration
	churnClients            int
	listClients             int
	smallClients            int
	profile                 string
	only                    string // run only cases whose name contains it
	profiles                bool
	note                    string
	render                  string // a results.json to render again instead of running
}

func main() {
	o, err := parseFlags(os.Args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "ftpbench:", err)
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "ftpbench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("ftpbench", flag.ContinueOnError)
	var servers, scenarios, volume, certs string
	fs.StringVar(&o.work, "work", ".bench", "work `DIR`: peers, fixtures, configurations, logs, profiles (git-ignored)")
	fs.StringVar(&o.markdown, "md", "BENCHMARKS.md", "Markdown `FILE` whose generated section is rewritten (\"\" for none)")
	fs.StringVar(&o.results, "results", "bench/results", "`DIR` for results.json and the SVG charts")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds: every case runs once per server per round")
	fs.BoolVar(&o.quick, "quick", false, "development run: one round, 256 MiB bulk volume, 1,000 idle ftpsd sessions, short durations; writes under the work dir")
	fs.StringVar(&servers, "servers", "ftpsd,vsftpd,proftpd,pure-ftpd,pyftpdlib", "servers to run, comma-separated")
	fs.StringVar(&scenarios, "scenarios", "idle,churn,bulk,clients,list,small", "scenarios to run, comma-separated (clients: curl and lftp as bulk clients)")
	fs.StringVar(&certs, "certs", strings.Join(peers.CertKinds(), ","), "certificate kinds every TLS case runs under, comma-separated (RSA: RSA-2048, ECDSA: ECDSA P-256)")
	fs.StringVar(&volume, "volume", "1GiB", "bytes each bulk run moves in all (split over its streams)")
	fs.IntVar(&o.idleFtpsd, "idle-ftpsd", 10000, "idle TLS sessions held on ftpsd")
	fs.IntVar(&o.idleMax, "idle-max", 19000, "the most idle TLS sessions one ftpsd process holds (this machine's 20,000 open files less the bench's own); 0: none")
	fs.IntVar(&o.idlePeers, "idle-peers", 256, "idle TLS sessions held on every server, ftpsd included")
	fs.DurationVar(&o.idleReturn, "idle-return", 60*time.Second, "after closing the sessions of ftpsd's largest idle case, how long to wait before reading its memory again (0: don't)")
	fs.DurationVar(&o.idleSettle, "idle-settle", 5*time.Second, "idle time before the memory of idle sessions is read (ftpsd returns freed heap after 1 s without new sessions)")
	fs.DurationVar(&o.churn, "churn", 6*time.Second, "length of a churn run")
	fs.IntVar(&o.churnClients, "churn-clients", 8, "sessions in flight during churn")
	fs.DurationVar(&o.list, "list", 4*time.Second, "length of a listing run")
	fs.IntVar(&o.listClients, "list-clients", 4, "sessions listing at once")
	fs.DurationVar(&o.small, "small", 4*time.Second, "length of a small-files run")
	fs.IntVar(&o.smallClients, "small-clients", 64, "sessions moving small files at once")
	fs.StringVar(&o.profile, "profile", "", "run the scenarios once on ftpsd started with -profile `KIND` (cpu|mem|allocs|block|mutex|trace) and print the pprof top; writes no report")
	fs.StringVar(&o.only, "case", "", "run only the case named `TEXT` exactly, if there is one, else the cases whose name contains it, e.g. \"RETR PROT P x1\"")
	fs.BoolVar(&o.profiles, "profiles", true, "after the rounds, CPU-profile ftpsd in bulk RETR PROT P x1, in bulk STOR PROT P x1 and in churn for the report")
	fs.StringVar(&o.render, "render", "", "render BENCHMARKS.md, the charts and the table again from a results.json `FILE`, without running anything")
	fs.StringVar(&o.note, "note", "", "a note for the report (e.g. that the machine was busy)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.quick {
		quick := map[string]func(){
			"rounds":      func() { o.rounds = 1 },
			"volume":      func() { volume = "256MiB" },
			"idle-ftpsd":  func() { o.idleFtpsd = 1000 },
			"idle-peers":  func() { o.idlePeers = 64 },
			"idle-max":    func() { o.idleMax = 2000 },
			"idle-settle": func() { o.idleSettle = 3 * time.Second },
			"idle-return": func() { o.idleReturn = 10 * time.Second },
			"churn":       func() { o.churn = 2 * time.Second },
			"list":        func() { o.list = time.Second },
			"small":       func() { o.small = time.Second },
			"md":          func() { o.markdown = filepath.Join(o.work, "BENCHMARKS-quick.md") },
			"results":     func() { o.results = filepath.Join(o.work, "results-quick") },
			"profiles":    func() { o.profiles = false },
		}
		for name, f := range quick {
			if !set[name] {
				f()
			}
		}
	}
	var err error
	if o.volume, err = parseSize(volume); err != nil {
		return nil, fmt.Errorf("-volume: %w", err)
	}
	if o.volume < 64*4096 {
		return nil, fmt.Errorf("-volume: %d bytes is too little for 64 streams", o.volume)
	}
	known := map[string]bool{}
	for _, p := range peers.All() {
		known[p.Name] = true
	}
	o.servers = strings.Split(servers, ",")
	for _, s := range o.servers {
		if !known[s] {
			return nil, fmt.Errorf("-servers: unknown server %q", s)
		}
	}
	o.certs = strings.Split(certs, ",")
	for _, k := range o.certs {
		if !slices.Contains(peers.CertKinds(), k) {
			return nil, fmt.Errorf("-certs: unknown kind %q", k)
		}
	}
	o.scenarios = strings.Split(scenarios, ",")
	for _, s := range o.scenarios {
		if !slices.Contains([]string{"idle", "churn", "bulk", "clients", "list", "small"}, s) {
			return nil, fmt.Errorf("-scenarios: unknown scenario %q", s)
		}
	}
	switch o.profile {
	case "", "cpu", "mem", "allocs", "block", "mutex", "trace":
	default:
		return nil, fmt.Errorf("-profile: unknown kind %q", o.profile)
	}
	if o.rounds < 1 {
		return nil, fmt.Errorf("-rounds: at least 1")
	}
	return o, nil
}

// parseSize reads "1GiB", "256MiB", "64KiB" or a number of bytes: ftpsd's
// size spelling (synth.ParseBytes: "1G", binary multiples), "iB" allowed.
func parseSize(s string) (int64, error) {
	n, err := synth.ParseBytes(strings.TrimSuffix(s, "iB"))
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	return n, nil
}

// setup prepares everything the servers need and returns their Env.
func setup(o *options, d *display) (*peers.Env, error) {
	if _, err := os.Stat("go.mod"); err != nil {
		return nil, fmt.Errorf("run from the repository's root (make bench does)")
	}
	raiseFileLimit()
	work, err := filepath.Abs(o.work)
	if err != nil {
		return nil, err
	}
	env := &peers.Env{Dir: work, Data: filepath.Join(work, "data"), FtpsdBin: filepath.Join(work, "bin", "ftpsd")}
	for _, dir := range []string{env.Dir, env.Data, filepath.Dir(env.FtpsdBin)} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	d.logf("building ftpsd: go build -o %s ./cmd/ftpsd", env.FtpsdBin)
	if out, err := exec.Command("go", "build", "-o", env.FtpsdBin, "./cmd/ftpsd").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}
	d.logf("fixtures under %s (bulk files of %s / 1, 8, 64)", env.Data, report.SizeName(o.volume))
	if err := scenario.MakeTree(env.Data, bulkSizes(o)); err != nil {
		return nil, err
	}
	if env.Certs, err = peers.MakeCerts(work); err != nil {
		return nil, err
	}
	env.Cert = env.Certs[o.certs[0]]
	env.Users = filepath.Join(work, "htpasswd")
	if err := peers.WriteUsers(env.Users); err != nil {
		return nil, err
	}
	if slices.ContainsFunc(o.servers, func(s string) bool { return s != report.Self }) {
		if os.Geteuid() != 0 {
			return nil, fmt.Errorf("the peers need root (apt-get, dpkg, chroot); run as root or with -servers ftpsd")
		}
		d.logf("installing peers under %s/peers (apt-get download + dpkg -x)", work)
		if err := peers.Install(work, env.Data, os.Stderr); err != nil {
			return nil, err
		}
	}
	return env, nil
}

func bulkSizes(o *options) []int64 {
	return []int64{o.volume, o.volume / 8, o.volume / 64}
}

// raiseFileLimit lifts the open-file limit to its hard limit: the idle
// scenario holds 10,000 client sockets in this process. (Go's runtime does
// the same at start since 1.19; this says so where it matters.)
func raiseFileLimit() {
	var l syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l) == nil && l.Cur < l.Max {
		l.Cur = l.Max
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l)
	}
}

func run(o *options) error {
	var prog scenario.Progress
	d := newDisplay(&prog)
	defer d.close()
	if o.render != "" {
		rep, err := report.ReadJSON(o.render)
		if err != nil {
			return err
		}
		return writeOutputs(o, rep, d)
	}
	env, err := setup(o, d)
	if err != nil {
		return err
	}
	// An interrupt ends the run cleanly: the servers are stopped, not left
	// behind in their own process groups.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.profile != "" {
		return profileRun(ctx, o, env, d, &prog)
	}
	start := time.Now()
	rep, err := rounds(ctx, o, env, d, &prog)
	if err != nil {
		return err
	}
	if o.profiles && slices.Contains(o.servers, report.Self) {
		env.Cert = env.Certs[o.pick(plainKind)]
		rep.Profiles = reportProfiles(ctx, o, env, d, &prog)
	}
	d.logf("measured in %s (ceilings, rounds and profiles; setup before it not included)", time.Since(start).Round(time.Second))
	return writeOutputs(o, rep, d)
}

// pick is kind when the run has it, else the first kind it runs.
func (o *options) pick(kind string) string {
	if slices.Contains(o.certs, kind) {
		return kind
	}
	return o.certs[0]
}
