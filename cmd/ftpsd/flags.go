package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// options are the parsed command-line flags, with what a configuration file
// (-config) says filled in where the user set no flag (see applyFile).
type options struct {
	// listeners are -listen (explicit) then -implicit, or the file's Listen lines.
	listeners   []loop.Listener
	root        string
	users       string
	anonymous   bool
	pasvMin     uint16
	pasvMax     uint16
	pasvAddr    netip.Addr
	umask       uint64 // for files
	dirUmask    uint64 // for directories: -umask sets both, FTPDirUmask this one
	setUmask    bool
	workers     int
	loops       int
	dataTimeout time.Duration
	failDelay   time.Duration
	grace       time.Duration
	banner      string
	profile     string
	logLevel    slog.Level

	// cert is where the server certificate comes from: -cert/-key, or the
	// file's SSLCertificateFile. Nil: a generated self-signed certificate,
	// or no TLS at all when noTLS.
	cert             *certFiles
	noTLS            bool
	requireTLS       bool
	tlsReuse         string
	clientCA         string
	clientCert       string // optional|require; "none" (from a file only): CAs loaded, no certificate asked for
	handshakeTimeout time.Duration
	maxHandshakes    int

	// Limits (loop.Limits), from the flags or FTPLimitLogin*,
	// FTPMaxLoginAttempts, FTPLoginBan and FTPRateLimit*.
	maxSessions, maxPerIP, maxPerUser int
	maxLoginAttempts                  int // 0: no limit
	banAfter                          int // 0: no ban
	banWindow, banTime                time.Duration
	rateSession, rateServer           int64 // bytes per second; 0: no limit
	loginTimeout, idleTimeout         time.Duration
	dataIdleTimeout                   time.Duration
	maxPendingInput, maxQueuedOutput  int64 // bytes; 0: loop's default

	configFile string // -config
	check      bool   // -t: check the configuration and exit

	// set holds the flags the user gave (flag.FlagSet.Visit): only they
	// override the configuration file.
	set map[string]bool
	// origins names, per flag, the directive a setting came from instead
	// ("file:line: DocumentRoot"), for error messages; see origin.
	origins map[string]string
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
	var implicit listFlag
	fs.Var(&implicit, "implicit", "`ADDR` to serve implicit FTPS on (TLS from the first byte, port 990 style); repeatable")
	fs.BoolVar(&o.requireTLS, "require-tls", false, "refuse logins and clear data connections until AUTH TLS (mod_ftp's RequireSSL)")
	fs.StringVar(&o.tlsReuse, "tls-reuse", "required", "PROT P data connections must resume the control session: required|optional")
	fs.StringVar(&o.clientCA, "client-ca", "", "PEM `FILE` of CAs for client certificates; asks clients for one")
	fs.StringVar(&o.clientCert, "client-cert", "optional", "with -client-ca: optional|require")
	fs.DurationVar(&o.handshakeTimeout, "handshake-timeout", 10*time.Second, "TLS handshake deadline on the control connection")
	fs.IntVar(&o.maxHandshakes, "max-handshakes", 256, "concurrent control-connection TLS handshakes")
	fs.IntVar(&o.maxSessions, "max-sessions", 0, "control connections allowed in all; more get 421 at connect (0: no limit)")
	fs.IntVar(&o.maxPerIP, "max-per-ip", 0, "control connections allowed per client address (IPv6: per /64); more get 421 at connect (0: no limit)")
	fs.IntVar(&o.maxPerUser, "max-per-user", 0, "logged-in sessions allowed per named user; PASS over it gets 421 (0: no limit)")
	fs.IntVar(&o.maxLoginAttempts, "max-login-attempts", 3, "failed logins before a session is closed (0: no limit)")
	fs.IntVar(&o.banAfter, "ban-after", 0, "ban a client address after this many failed logins within -ban-window (0: no ban)")
	fs.DurationVar(&o.banWindow, "ban-window", 10*time.Minute, "how far back failed logins count for -ban-after")
	fs.DurationVar(&o.banTime, "ban-time", time.Hour, "how long a ban lasts")
	var rateSession, rateServer string
	fs.DurationVar(&o.loginTimeout, "login-timeout", time.Minute, "close a session not logged in after this long (421)")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 5*time.Minute, "close a logged-in session silent this long, no transfer running (421)")
	fs.DurationVar(&o.dataIdleTimeout, "data-idle-timeout", 5*time.Minute, "abort a transfer that moved no byte for this long (426)")
	var pendingInput, queuedOutput string
	fs.StringVar(&pendingInput, "max-pending-input", "64K", "command `BYTES` a session may send ahead while a command runs; more closes it")
	fs.StringVar(&queuedOutput, "max-queued-output", "1M", "reply `BYTES` a client may leave unread; more closes the session")
	fs.StringVar(&rateSession, "rate-session", "0", "bandwidth of one session's transfers in `BYTES` per second; K, M, G suffixes (0: no limit)")
	fs.StringVar(&rateServer, "rate-server", "0", "bandwidth of all transfers together in `BYTES` per second; K, M, G suffixes (0: no limit)")
	fs.StringVar(&o.configFile, "config", "", "Apache-style configuration `FILE` (mod_ftp, mod_ssl directives); flags given override it")
	fs.BoolVar(&o.check, "t", false, "with -config: check the configuration, print Syntax OK or its errors, and exit")
	var certFile, keyFile string
	fs.StringVar(&certFile, "cert", "", "TLS certificate `FILE` (PEM, chain included); default: a generated self-signed ECDSA certificate")
	fs.StringVar(&keyFile, "key", "", "TLS private key `FILE` (PEM)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	if o.check && o.configFile == "" {
		return nil, fmt.Errorf("-t checks a configuration file: give -config FILE")
	}
	if (certFile == "") != (keyFile == "") {
		return nil, fmt.Errorf("-cert and -key go together")
	}
	if certFile != "" {
		o.cert = &certFiles{cert: certFile, key: keyFile}
	}
	switch o.tlsReuse {
	case "required", "optional":
	default:
		return nil, fmt.Errorf("-tls-reuse: %q is not required or optional", o.tlsReuse)
	}
	switch o.clientCert {
	case "optional", "require":
	default:
		return nil, fmt.Errorf("-client-cert: %q is not optional or require", o.clientCert)
	}
	if len(listen) == 0 {
		listen = []string{"127.0.0.1:2121"}
	}
	for _, l := range listen {
		o.listeners = append(o.listeners, loop.Listener{Addr: l})
	}
	for _, l := range implicit {
		o.listeners = append(o.listeners, loop.Listener{Addr: l, Implicit: true})
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
	o.dirUmask = o.umask
	o.setUmask = true
	if o.maxPendingInput, err = config.ParseSize(pendingInput); err != nil {
		return nil, fmt.Errorf("-max-pending-input: %w", err)
	}
	if o.maxQueuedOutput, err = config.ParseSize(queuedOutput); err != nil {
		return nil, fmt.Errorf("-max-queued-output: %w", err)
	}
	if o.rateSession, err = config.ParseRate(rateSession); err != nil {
		return nil, fmt.Errorf("-rate-session: %w", err)
	}
	if o.rateServer, err = config.ParseRate(rateServer); err != nil {
		return nil, fmt.Errorf("-rate-server: %w", err)
	}
	for _, x := range []struct {
		name string
		v    int
	}{{"max-sessions", o.maxSessions}, {"max-per-ip", o.maxPerIP}, {"max-per-user", o.maxPerUser},
		{"max-login-attempts", o.maxLoginAttempts}, {"ban-after", o.banAfter}} {
		if x.v < 0 {
			return nil, fmt.Errorf("-%s: %d is negative (0 means no limit)", x.name, x.v)
		}
	}
	if o.banWindow <= 0 || o.banTime <= 0 {
		return nil, fmt.Errorf("-ban-window and -ban-time must be positive")
	}
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

// origin names where a setting came from in an error message: the flag
// ("-root"), or the directive that set it ("ftpsd.conf:12: DocumentRoot").
func (o *options) origin(flag string) string {
	if at, ok := o.origins[flag]; ok {
		return at
	}
	return "-" + flag
}

// from records that the setting of flag came from directive at pos.
func (o *options) from(flag, directive string, at config.Pos) {
	if o.origins == nil {
		o.origins = map[string]string{}
	}
	o.origins[flag] = at.String() + ": " + directive
}

// config turns the options into the server's configuration. certs nil
// means no TLS.
func (o *options) config(log *slog.Logger, certs *tlsstate.CertStore) (loop.Config, error) {
	if fi, err := os.Stat(o.root); err != nil || !fi.IsDir() {
		return loop.Config{}, fmt.Errorf("%s: %s is not a directory", o.origin("root"), o.root)
	}
	users, err := auth.NewUsers(o.users, o.anonymous)
	if err != nil {
		return loop.Config{}, fmt.Errorf("%s: %w", o.origin("users"), err)
	}
	cfg := loop.Config{
		Listeners: slices.Clone(o.listeners),
		Host: loop.Host{
			Root:      o.root,
			Auth:      users,
			PasvMin:   o.pasvMin,
			PasvMax:   o.pasvMax,
			PasvAddr:  o.pasvAddr,
			Banner:    o.banner,
			SetUmask:  o.setUmask,
			FileUmask: fsMode(o.umask),
			DirUmask:  fsMode(o.dirUmask),
		},
		Workers:       o.workers,
		EventLoops:    o.loops,
		DataTimeout:   o.dataTimeout,
		FailDelay:     o.failDelay,
		ShutdownGrace: o.grace,
		Logger:        log,

		LoginTimeout:    o.loginTimeout,
		IdleTimeout:     o.idleTimeout,
		DataIdleTimeout: o.dataIdleTimeout,
		MaxPendingInput: int(o.maxPendingInput),
	}
	if o.failDelay == 0 {
		cfg.FailDelay = -1
	}
	cfg.Limits = o.limits()
	cfg.RequireTLS = o.requireTLS
	if certs == nil {
		return cfg, nil
	}
	cfg.TLS = tlsstate.BaseConfig(certs)
	cfg.AllowDataWithoutReuse = o.tlsReuse == "optional"
	cfg.HandshakeTimeout = o.handshakeTimeout
	cfg.MaxHandshakes = o.maxHandshakes
	if o.clientCA != "" {
		pool, err := loadCAs(o.clientCA)
		if err != nil {
			return loop.Config{}, fmt.Errorf("%s: %w", o.origin("client-ca"), err)
		}
		cfg.TLS.ClientCAs = pool
		switch o.clientCert {
		case "optional":
			cfg.TLS.ClientAuth = tls.VerifyClientCertIfGiven
		case "require":
			cfg.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	return cfg, nil
}

// loadCAs reads a PEM file of CA certificates.
func loadCAs(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", path)
	}
	return pool, nil
}

// loadCerts fills a certificate store from -cert/-key or SSLCertificateFile,
// or with a generated self-signed certificate whose fingerprint is logged so
// that clients can pin it. It returns nil when the server runs without TLS
// (a configuration file without SSLEngine on, and no -cert).
func (o *options) loadCerts(log *slog.Logger) (*tlsstate.CertStore, error) {
	certs := &tlsstate.CertStore{}
	if o.cert != nil {
		cert, err := o.cert.load()
		if err != nil {
			return nil, err
		}
		certs.Set(cert)
		return certs, nil
	}
	if o.noTLS {
		return nil, nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	for _, l := range o.listeners {
		if h, _, err := net.SplitHostPort(l.Addr); err == nil && h != "" {
			hosts = append(hosts, h)
		}
	}
	cert, fp, err := tlsstate.SelfSigned(hosts)
	if err != nil {
		return nil, fmt.Errorf("generating a certificate: %w", err)
	}
	certs.Set(&cert)
	log.Info("using a generated self-signed certificate", "sha256", fp)
	return certs, nil
}

func fsMode(m uint64) os.FileMode { return os.FileMode(m) }

// hostFlags are the flags about one server: given on the command line they
// set the first FTP server of a configuration file, never its virtual
// hosts, which take these settings from their own directives.
var hostFlags = []string{"root", "users", "anonymous", "pasv-ports", "pasv-addr", "umask", "banner",
	"require-tls", "client-ca", "client-cert", "cert", "key"}

// forVirtualHost returns the options a virtual host starts from: o's
// process-wide settings, and the defaults for the settings of hostFlags.
func (o *options) forVirtualHost() *options {
	def, err := parseFlags(nil, io.Discard)
	if err != nil {
		panic("ftpsd: default flags do not parse: " + err.Error())
	}
	v := *o
	v.root, v.users, v.anonymous = def.root, def.users, def.anonymous
	v.pasvMin, v.pasvMax, v.pasvAddr = def.pasvMin, def.pasvMax, def.pasvAddr
	v.umask, v.dirUmask, v.setUmask = def.umask, def.dirUmask, def.setUmask
	v.banner, v.requireTLS = def.banner, def.requireTLS
	v.clientCA, v.clientCert, v.cert, v.noTLS = def.clientCA, def.clientCert, nil, false
	v.set, v.origins = maps.Clone(o.set), maps.Clone(o.origins)
	for _, f := range hostFlags {
		delete(v.set, f)
		delete(v.origins, f)
	}
	return &v
}

// limits maps the limit flags onto loop.Limits, whose zero values mean
// defaults where the flags' mean "no limit".
func (o *options) limits() loop.Limits {
	l := loop.Limits{
		MaxSessions:        o.maxSessions,
		MaxSessionsPerIP:   o.maxPerIP,
		MaxSessionsPerUser: o.maxPerUser,
		MaxLoginAttempts:   o.maxLoginAttempts,
		BanAfter:           o.banAfter,
		BanWindow:          o.banWindow,
		BanDuration:        o.banTime,
		SessionRate:        o.rateSession,
		MaxQueuedOutput:    int(o.maxQueuedOutput),
		ServerRate:         o.rateServer,
	}
	if l.MaxLoginAttempts == 0 {
		l.MaxLoginAttempts = -1
	}
	return l
}
