package main

import (
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/loop/auth"
	"github.com/ftpsd/ftpsd/tlsstate"
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

	implicit         []string
	certFile         string
	keyFile          string
	requireTLS       bool
	tlsReuse         string
	clientCA         string
	clientCert       string
	handshakeTimeout time.Duration
	maxHandshakes    int
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
	fs.StringVar(&o.certFile, "cert", "", "TLS certificate `FILE` (PEM, chain included); default: a generated self-signed ECDSA certificate")
	fs.StringVar(&o.keyFile, "key", "", "TLS private key `FILE` (PEM)")
	fs.BoolVar(&o.requireTLS, "require-tls", false, "refuse logins and clear data connections until AUTH TLS (mod_ftp's RequireSSL)")
	fs.StringVar(&o.tlsReuse, "tls-reuse", "required", "PROT P data connections must resume the control session: required|optional")
	fs.StringVar(&o.clientCA, "client-ca", "", "PEM `FILE` of CAs for client certificates; asks clients for one")
	fs.StringVar(&o.clientCert, "client-cert", "optional", "with -client-ca: optional|require")
	fs.DurationVar(&o.handshakeTimeout, "handshake-timeout", 10*time.Second, "TLS handshake deadline on the control connection")
	fs.IntVar(&o.maxHandshakes, "max-handshakes", 256, "concurrent control-connection TLS handshakes")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.listen = listen
	o.implicit = implicit
	if (o.certFile == "") != (o.keyFile == "") {
		return nil, fmt.Errorf("-cert and -key go together")
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
func (o *options) config(log *slog.Logger, certs *tlsstate.CertStore) (loop.Config, error) {
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
	for _, l := range o.implicit {
		cfg.Listeners = append(cfg.Listeners, loop.Listener{Addr: l, Implicit: true})
	}
	cfg.TLS = tlsstate.BaseConfig(certs)
	cfg.RequireTLS = o.requireTLS
	cfg.AllowDataWithoutReuse = o.tlsReuse == "optional"
	cfg.HandshakeTimeout = o.handshakeTimeout
	cfg.MaxHandshakes = o.maxHandshakes
	if o.clientCA != "" {
		pem, err := os.ReadFile(o.clientCA)
		if err != nil {
			return loop.Config{}, fmt.Errorf("-client-ca: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return loop.Config{}, fmt.Errorf("-client-ca: %s holds no PEM certificate", o.clientCA)
		}
		cfg.TLS.ClientCAs = pool
		cfg.TLS.ClientAuth = tls.VerifyClientCertIfGiven
		if o.clientCert == "require" {
			cfg.TLS.ClientAuth = tls.RequireAndVerifyClientCert
		}
	}
	return cfg, nil
}

// loadCerts fills the certificate store from -cert/-key, or with a
// generated self-signed certificate whose fingerprint is logged so that
// clients can pin it.
func (o *options) loadCerts(certs *tlsstate.CertStore, log *slog.Logger) error {
	if o.certFile != "" {
		if err := certs.Load(o.certFile, o.keyFile); err != nil {
			return fmt.Errorf("-cert/-key: %w", err)
		}
		return nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	for _, l := range append(append([]string{}, o.listen...), o.implicit...) {
		if h, _, err := net.SplitHostPort(l); err == nil && h != "" {
			hosts = append(hosts, h)
		}
	}
	cert, fp, err := tlsstate.SelfSigned(hosts)
	if err != nil {
		return fmt.Errorf("generating a certificate: %w", err)
	}
	certs.Set(&cert)
	log.Info("using a generated self-signed certificate", "sha256", fp)
	return nil
}

func fsMode(m uint64) os.FileMode { return os.FileMode(m) }
