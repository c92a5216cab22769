package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Scenarios, in the order -h lists them.
var scenarios = []string{"idle", "churn", "bulk", "list", "small", "mirror"}

// TLS modes of --tls.
const (
	tlsNone     = "none"
	tlsExplicit = "explicit"
	tlsImplicit = "implicit"
)

// options is the parsed command line. The zero value is not used: parse
// fills every default.
type options struct {
	scenario   string
	addr       string
	tlsMode    string
	protC      bool // --prot C: clear data connections under TLS
	insecure   bool
	serverName string
	user, pass string
	clients    int
	duration   time.Duration
	count      int64
	file       string
	store      bool
	size       int64
	uploadDir  string
	dir        string
	listVerb   string
	sizes      sizeDist
	interval   time.Duration
	perSession int
	verify     bool
	seed       string
	json       bool
	quiet      bool
	metrics    string
	linger     time.Duration
	timeout    time.Duration
	dataTO     time.Duration
	dialConc   int
}

// defaultDuration is the run's length when neither --duration nor --count
// is given.
const defaultDuration = 10 * time.Second

// Default paths name ftpsd's synthetic tree (ftpsd -synthetic /synthetic
// -sink /sink); against another server, pass --file, --dir, --upload-dir.
const (
	defaultBulkFile  = "/synthetic/100M.bin"
	defaultSmallFile = "/synthetic/4K.bin"
	defaultMirrorDir = "/synthetic"
	defaultUploadDir = "/sink"
	defaultSizes     = "1K:50%,1M:40%,100M:10%"
)

// usageHead is printed before the flags by -h.
const usageHead = `Usage: ftpsd-load SCENARIO [flags]

Runs N FTP clients against any FTP or FTPS server and reports, per
operation, counts, throughput and latency percentiles.

Scenarios:
  idle    log in --clients sessions and hold them, NOOP every --interval
  churn   whole sessions back to back: connect, log in, [RETR --file], QUIT
  bulk    RETR --file back to back (--store: STOR --size bytes into --upload-dir)
  list    --list-verb on --dir back to back
  small   RETR --file back to back, default a 4K file (--store: STOR --size, default 4K)
  mirror  downloads of --dir/SIZE.bin, sizes drawn from --sizes (e.g. 1K:50%,1M:40%,100M:10%)

Exit status: 0 when every operation succeeded, 1 when any failed (or
--verify found a difference), 2 for a bad command line.

Flags:
`

// parse reads the command line: the scenario first (or --scenario), then
// flags. Errors are for the user: they name the flag.
func parse(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("ftpsd-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usageHead)
		fs.PrintDefaults()
	}
	var prot, sizes, size string
	fs.StringVar(&o.scenario, "scenario", "", "the scenario, instead of the first argument: "+strings.Join(scenarios, ", "))
	fs.StringVar(&o.addr, "addr", "127.0.0.1:21", "the server's control `HOST:PORT`")
	fs.StringVar(&o.tlsMode, "tls", tlsNone, "`MODE`: none (plain FTP), explicit (AUTH TLS) or implicit (TLS from the first byte, as on port 990)")
	fs.StringVar(&prot, "prot", "P", "data connections under TLS: P (private) or C (clear)")
	fs.BoolVar(&o.insecure, "insecure", false, "accept any server certificate (self-signed test servers)")
	fs.StringVar(&o.serverName, "server-name", "", "TLS server name to verify and send (SNI); default the host of --addr, or localhost for an IP")
	fs.StringVar(&o.user, "user", "anonymous", "login `NAME`")
	fs.StringVar(&o.pass, "pass", "ftpsd-load@example.com", "login password")
	fs.IntVar(&o.clients, "clients", 4, "concurrent sessions (`N`)")
	fs.DurationVar(&o.duration, "duration", 0, "run this long (default 10s when --count is not given either)")
	fs.Int64Var(&o.count, "count", 0, "stop after `N` operations of the scenario (NOOPs, sessions, transfers, listings), successful or not")
	fs.StringVar(&o.file, "file", "", "the `PATH` bulk, small and churn download (defaults: bulk "+defaultBulkFile+", small "+defaultSmallFile+", churn none)")
	fs.BoolVar(&o.store, "store", false, "bulk and small: upload (STOR) instead of download")
	fs.StringVar(&size, "size", "", "bytes of each upload with --store (K, M, G, T suffixes; default bulk 10M, small 4K)")
	fs.StringVar(&o.uploadDir, "upload-dir", defaultUploadDir, "`DIR` uploads go to, as ftpsd-load-C-K-SIZE.bin (ftpsd's sink verifies these names)")
	fs.StringVar(&o.dir, "dir", "", "list: the `DIR` listed (default /); mirror: the directory holding SIZE.bin files (default "+defaultMirrorDir+")")
	fs.StringVar(&o.listVerb, "list-verb", "LIST", "list: LIST, NLST or MLSD")
	fs.StringVar(&sizes, "sizes", defaultSizes, "mirror: size `DIST`ribution, SIZE:PERCENT,… summing to 100%")
	fs.DurationVar(&o.interval, "interval", time.Second, "idle: time between NOOPs on each session")
	fs.IntVar(&o.perSession, "per-session", 0, "mirror: downloads per session before it quits and logs in again (0: one session per client for the whole run)")
	fs.BoolVar(&o.verify, "verify", false, "check every downloaded byte against ftpsd's synthetic-file generator (names must spell their size, e.g. 1M.bin); uploads carry generator content")
	fs.StringVar(&o.seed, "seed", "", "with --verify: the server's -synthetic-seed")
	fs.BoolVar(&o.json, "json", false, "print the results as JSON instead of a table")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress line (it is shown only when standard error is a terminal)")
	fs.StringVar(&o.metrics, "metrics-listen", "", "serve Prometheus metrics of the run on `HOST:PORT`/metrics, e.g. 127.0.0.1:9102")
	fs.DurationVar(&o.linger, "metrics-linger", 0, "keep serving --metrics-listen this long after the run, for a last scrape")
	fs.DurationVar(&o.timeout, "timeout", 30*time.Second, "bound of each control-connection step (connect, reply, handshake)")
	fs.DurationVar(&o.dataTO, "data-timeout", 10*time.Minute, "bound of one whole transfer")
	fs.IntVar(&o.dialConc, "dial-concurrency", 64, "logins in flight at once while the sessions start")

	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		o.scenario, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (flags go after the scenario)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return o, o.check(set, prot, sizes, size)
}

// check validates o and fills the defaults that depend on the scenario.
func (o *options) check(set map[string]bool, prot, sizes, size string) error {
	switch {
	case o.scenario == "":
		return errors.New("no scenario: ftpsd-load SCENARIO [flags], one of " + strings.Join(scenarios, ", "))
	case !slices.Contains(scenarios, o.scenario):
		return fmt.Errorf("unknown scenario %q: one of %s", o.scenario, strings.Join(scenarios, ", "))
	}
	switch o.tlsMode {
	case tlsNone, tlsExplicit, tlsImplicit:
	default:
		return fmt.Errorf("--tls %q: none, explicit or implicit", o.tlsMode)
	}
	switch strings.ToUpper(prot) {
	case "P":
	case "C":
		o.protC = true
	default:
		return fmt.Errorf("--prot %q: P or C", prot)
	}
	if o.clients < 1 {
		return fmt.Errorf("--clients %d: at least 1", o.clients)
	}
	if o.duration < 0 || o.count < 0 {
		return errors.New("--duration and --count cannot be negative")
	}
	if o.duration == 0 && o.count == 0 {
		o.duration = defaultDuration
	}
	if o.dialConc < 1 {
		return fmt.Errorf("--dial-concurrency %d: at least 1", o.dialConc)
	}
	if o.interval <= 0 {
		return fmt.Errorf("--interval %v: must be positive", o.interval)
	}
	if o.perSession < 0 {
		return fmt.Errorf("--per-session %d: cannot be negative", o.perSession)
	}
	o.listVerb = strings.ToUpper(o.listVerb)
	if !slices.Contains([]string{"LIST", "NLST", "MLSD"}, o.listVerb) {
		return fmt.Errorf("--list-verb %q: LIST, NLST or MLSD", o.listVerb)
	}
	if o.store && o.scenario != "bulk" && o.scenario != "small" {
		return fmt.Errorf("--store is for bulk and small, not %s", o.scenario)
	}
	var err error
	if o.sizes, err = parseDist(sizes); err != nil {
		return fmt.Errorf("--sizes: %w", err)
	}
	if set["sizes"] && o.scenario != "mirror" {
		return fmt.Errorf("--sizes is for mirror, not %s", o.scenario)
	}
	switch {
	case size != "":
		if o.size, err = parseSize(size); err != nil {
			return fmt.Errorf("--size: %w", err)
		}
		if !o.store {
			return errors.New("--size is the size of uploads: use it with --store")
		}
	case o.scenario == "bulk":
		o.size = 10 << 20
	default:
		o.size = 4 << 10
	}
	if o.file == "" {
		switch o.scenario {
		case "bulk":
			o.file = defaultBulkFile
		case "small":
			o.file = defaultSmallFile
		}
	}
	if o.dir == "" {
		o.dir = "/"
		if o.scenario == "mirror" {
			o.dir = defaultMirrorDir
		}
	}
	if o.verify {
		if o.scenario == "idle" || o.scenario == "list" {
			return fmt.Errorf("--verify checks transfers; %s makes none", o.scenario)
		}
		if o.scenario == "churn" && o.file == "" {
			return errors.New("--verify: churn downloads nothing without --file")
		}
		if o.file != "" && !o.store {
			if _, err := nameSize(o.file); err != nil {
				return fmt.Errorf("--verify: --file %s: %w", o.file, err)
			}
		}
	}
	if set["seed"] && !o.verify {
		return errors.New("--seed is the generator's seed: use it with --verify")
	}
	return nil
}

// tlsLabel describes the connection mode for the report.
func (o *options) tlsLabel() string {
	switch o.tlsMode {
	case tlsNone:
		return "plain FTP"
	case tlsExplicit:
		return "explicit TLS, PROT " + o.prot()
	}
	return "implicit TLS, PROT " + o.prot()
}

func (o *options) prot() string {
	if o.protC {
		return "C"
	}
	return "P"
}
