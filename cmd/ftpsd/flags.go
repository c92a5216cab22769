package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/loop/auth"
)

// options are the parsed command-line flags.
type options struct {
	listen      []string
	root        string
	users       string
	anonymous   bool
	pasvMin     uint16
	pasvMax     uint16
	pasvAddr    netip.Addr
	umask       uint64
	setUmask    bool
	workers     int
	loops       int
	dataTimeout time.Duration
	failDelay   time.Duration
	grace       time.Duration
	banner      string
	profile     string
	logLevel    slog.Level
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, out io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("ftpsd", flag.ContinueOnError)
	fs.SetOutput(out)
	var listen listFlag
	var pasvPorts, pasvAddr, umask, level string
	fs.Var(&listen, "listen", "`ADDR` (host:port) to serve FTP with explicit TLS on; repeatable (default 127.0.0.1:2121)")
	fs.StringVar(&o.root, "root", ".", "document root `DIR`")
	fs.StringVar(&o.users, "users", "", "htpasswd `FILE` of named users (bcrypt, SHA1, APR1-MD5, SHA-crypt); they may write")
	fs.BoolVar(&o.anonymous, "anonymous", false, "allow anonymous read-only logins (USER anonymous or ftp)")
	fs.StringVar(&pasvPorts, "pasv-ports", "", "passive port range `LO-HI` (default: any free port)")
	fs.StringVar(&pasvAddr, "pasv-addr", "", "`IP` announced in PASV replies instead of the local address")
	fs.StringVar(&umask, "umask", "022", "octal umask for uploaded files and new directories")
	fs.IntVar(&o.workers, "workers", 0, "maximum concurrent transfers and file-system jobs (default 10000)")
	fs.IntVar(&o.loops, "loops", 0, "number of event loops (default: one per CPU)")
	fs.DurationVar(&o.dataTimeout, "data-timeout", 30*time.Second, "how long to wait for a data connection")
	fs.DurationVar(&o.failDelay, "fail-delay", time.Second, "pause before answering a failed login")
	fs.DurationVar(&o.grace, "grace", 10*time.Second, "how long a shutdown lets transfers finish")
	fs.StringVar(&o.banner, "banner", "", "text of the 220 greeting")
	fs.StringVar(&o.profile, "profile", "", "profile the server: cpu|mem|allocs|block|mutex|trace (written to ./ftpsd-profile)")
	fs.StringVar(&level, "log-level", "info", "error log level: debug|info|warn|error")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.listen = listen
	if len(o.listen) == 0 {
		o.listen = []string{"127.0.0.1:2121"}
	}
	var err error
	if pasvPorts != "" {
		if o.pasvMin, o.pasvMax, err = parseRange(pasvPorts); err != nil {
			return nil, fmt.Errorf("-pasv-ports: %w", err)
		}
	}
	if pasvAddr != "" {
		if o.pasvAddr, err = netip.ParseAddr(pasvAddr); err != nil || !o.pasvAddr.Is4() {
			return nil, fmt.Errorf("-pasv-addr: %q is not an IPv4 address", pasvAddr)
		}
	}
	if o.umask, err = strconv.ParseUint(umask, 8, 32); err != nil || o.umask > 0o777 {
		return nil, fmt.Errorf("-umask: %q is not an octal mode", umask)
	}
	o.setUmask = true
	if err := o.logLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("-log-level: %w", err)
	}
	switch o.profile {
	case "", "cpu", "mem", "allocs", "block", "mutex", "trace":
	default:
		return nil, fmt.Errorf("-profile: unknown kind %q", o.profile)
	}
	return o, nil
}

// parseRange parses "LO-HI" with 1024 <= LO <= HI <= 65535.
func parseRange(s string) (lo, hi uint16, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("%q is not LO-HI", s)
	}
	l, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 16)
	h, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 16)
	if err1 != nil || err2 != nil || l == 0 || l > h {
		return 0, 0, fmt.Errorf("%q is not a port range LO-HI", s)
	}
	return uint16(l), uint16(h), nil
}

// config turns the flags into the server's configuration.
func (o *options) config(log *slog.Logger) (loop.Config, error) {
	if fi, err := os.Stat(o.root); err != nil || !fi.IsDir() {
		return loop.Config{}, fmt.Errorf("-root: %s is not a directory", o.root)
	}
	users, err := auth.NewUsers(o.users, o.anonymous)
	if err != nil {
		return loop.Config{}, fmt.Errorf("-users: %w", err)
	}
	cfg := loop.Config{
		Root:          o.root,
		Auth:          users,
		PasvMin:       o.pasvMin,
		PasvMax:       o.pasvMax,
		PasvAddr:      o.pasvAddr,
		Workers:       o.workers,
		EventLoops:    o.loops,
		DataTimeout:   o.dataTimeout,
		FailDelay:     o.failDelay,
		ShutdownGrace: o.grace,
		Banner:        o.banner,
		Logger:        log,
		SetUmask:      o.setUmask,
	}
	cfg.FileUmask = fsMode(o.umask)
	cfg.DirUmask = fsMode(o.umask)
	if o.failDelay == 0 {
		cfg.FailDelay = -1
	}
	for _, l := range o.listen {
		cfg.Listeners = append(cfg.Listeners, loop.Listener{Addr: l})
	}
	return cfg, nil
}

func fsMode(m uint64) os.FileMode { return os.FileMode(m) }
