package setup

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"slices"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/synth"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// settings are one server's resolved settings: the defaults, the file's
// directives over them, and the flags given over those. The values mean
// what loop.Config's fields mean.
type settings struct {
	daemon      Daemon // process-wide: privileges, pid file, state (daemon.go)
	admin       Admin  // process-wide: the admin listener (admin.go)
	listeners   []loop.Listener
	root        string
	users       string
	anonymous   bool
	pasvMin     uint16
	pasvMax     uint16
	pasvAddr    netip.Addr
	umask       os.FileMode // for files
	dirUmask    os.FileMode // for directories: -umask sets both, FTPDirUmask this one
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
	cert             CertSet
	noTLS            bool
	requireTLS       bool
	tlsReuse         string
	clientCA         string
	clientCert       string // ClientOptional, ClientRequire or ClientNone
	handshakeTimeout time.Duration
	maxHandshakes    int
	// maxHandshakesPerIP and firstFlightTimeout bound TLS first flights.
	maxHandshakesPerIP int
	firstFlightTimeout time.Duration

	limits                    loop.Limits
	loginTimeout, idleTimeout time.Duration
	dataIdleTimeout           time.Duration
	maxPendingInput           int64
	globMaxScan               int
	synth                     synth.Options // the synthetic tree and the sink (synth.go)
	fault                     faultSpecs    // fault injection (fault.go)

	proxyProtocol Opt[bool] // -proxy-protocol: given, it decides for every listener
	proxy         loop.ProxyProtocol
	pasvAddrFor   []loop.PasvAddrRule
	pasvAnnounce  config.PortRange // zero: announce the ports listened on
	pasvAddrName  string           // -pasv-addr NAME
	ticketKeys    string           // -tls-ticket-keys: "" for a random key
	ticketLife    time.Duration    // -tls-ticket-lifetime: 0 for tlsstate's default

	// rootFrom, usersFrom and clientCAFrom name where those settings came
	// from in error messages: the flag ("-root"), or the directive
	// ("ftpsd.conf:12: DocumentRoot").
	rootFrom, usersFrom, clientCAFrom string

	// reloading is set at SIGHUP (reload.go); generated is then the
	// certificate the server generated at start, kept so that a reload
	// does not change it.
	reloading bool
	generated *tls.Certificate
}

// resolve returns the defaults with the flags given laid over them.
func resolve(f Flags) *settings {
	s := &settings{
		listeners:        []loop.Listener{{Addr: loop.DefaultListen}},
		root:             DefaultRoot,
		umask:            DefaultUmask,
		dirUmask:         DefaultUmask,
		dataTimeout:      loop.DefaultDataTimeout,
		failDelay:        loop.DefaultFailDelay,
		grace:            loop.DefaultShutdownGrace,
		logLevel:         slog.LevelInfo,
		tlsReuse:         ReuseUser,
		clientCert:       ClientOptional,
		handshakeTimeout: loop.DefaultHandshakeTimeout,
		maxHandshakes:    loop.DefaultMaxHandshakes,
		// The first-flight bounds.
		maxHandshakesPerIP: loop.DefaultMaxHandshakesPerIP,
		firstFlightTimeout: loop.DefaultFirstFlightTimeout,
		limits: loop.Limits{
			MaxLoginAttempts: loop.DefaultMaxLoginAttempts,
			BanAfter:         loop.DefaultBanAfter, // a public server bans brute force by default (issue 18)
			BanWindow:        loop.DefaultBanWindow,
			BanDuration:      loop.DefaultBanDuration,
			MaxQueuedOutput:  loop.DefaultMaxQueuedOutput,
		},
		loginTimeout:    loop.DefaultLoginTimeout,
		idleTimeout:     loop.DefaultIdleTimeout,
		dataIdleTimeout: loop.DefaultDataIdleTimeout,
		maxPendingInput: loop.DefaultMaxPendingInput,
		globMaxScan:     loop.DefaultGlobMaxScan,
		rootFrom:        "-root",
		usersFrom:       "-users",
		clientCAFrom:    "-client-ca",
	}
	given(f.Listeners, &s.listeners)
	given(f.Root, &s.root)
	given(f.Users, &s.users)
	given(f.Anonymous, &s.anonymous)
	if f.PasvRange.Set {
		s.pasvMin, s.pasvMax = f.PasvRange.Value.Lo, f.PasvRange.Value.Hi
	}
	given(f.PasvAddr, &s.pasvAddr)
	given(f.Umask, &s.umask)
	given(f.Umask, &s.dirUmask)
	given(f.Banner, &s.banner)
	given(f.RequireTLS, &s.requireTLS)
	given(f.ClientCA, &s.clientCA)
	given(f.ClientCert, &s.clientCert)
	if f.Cert.Set {
		s.cert = f.Cert.Value
	}
	s.daemon = f.Daemon.resolve()
	s.synth = f.Synth.resolve()
	s.fault = f.Fault.resolve()
	s.admin = f.Admin.resolve()
	given(f.Workers, &s.workers)
	given(f.Loops, &s.loops)
	given(f.DataTimeout, &s.dataTimeout)
	given(f.FailDelay, &s.failDelay)
	given(f.Grace, &s.grace)
	given(f.Profile, &s.profile)
	given(f.LogLevel, &s.logLevel)
	given(f.TLSReuse, &s.tlsReuse)
	given(f.HandshakeTimeout, &s.handshakeTimeout)
	given(f.MaxHandshakes, &s.maxHandshakes)
	given(f.MaxHandshakesPerIP, &s.maxHandshakesPerIP)
	given(f.FirstFlightTimeout, &s.firstFlightTimeout)
	given(f.MaxSessions, &s.limits.MaxSessions)
	given(f.MaxPerIP, &s.limits.MaxSessionsPerIP)
	given(f.MaxPerUser, &s.limits.MaxSessionsPerUser)
	given(f.MaxLoginAttempts, &s.limits.MaxLoginAttempts)
	given(f.BanAfter, &s.limits.BanAfter)
	given(f.BanWindow, &s.limits.BanWindow)
	given(f.BanTime, &s.limits.BanDuration)
	given(f.RateSession, &s.limits.SessionRate)
	given(f.RateServer, &s.limits.ServerRate)
	given(f.HashMaxSize, &s.limits.HashMaxBytes)
	given(f.HashCache, &s.limits.HashCacheEntries)
	if f.MaxQueuedOutput.Set {
		s.limits.MaxQueuedOutput = int(f.MaxQueuedOutput.Value)
	}
	given(f.LoginTimeout, &s.loginTimeout)
	given(f.IdleTimeout, &s.idleTimeout)
	given(f.DataIdleTimeout, &s.dataIdleTimeout)
	given(f.MaxPendingInput, &s.maxPendingInput)
	given(f.GlobMaxScan, &s.globMaxScan)
	s.proxyProtocol = f.ProxyProtocol
	given(f.ProxyTrusted, &s.proxy.Trusted)
	given(f.ProxyData, &s.proxy.Data)
	given(f.ProxyTimeout, &s.proxy.HeaderTimeout)
	given(f.PasvAddrFor, &s.pasvAddrFor)
	given(f.PasvAnnounce, &s.pasvAnnounce)
	given(f.PasvAddrName, &s.pasvAddrName)
	given(f.TicketKeys, &s.ticketKeys)
	given(f.TicketLife, &s.ticketLife)
	if f.PasvSourceCheck.Set {
		s.setSourceCheck(f.PasvSourceCheck.Value)
	}
	return s
}

// given sets *dst to the flag's value when the flag was given.
func given[T any](flag Opt[T], dst *T) {
	if flag.Set {
		*dst = flag.Value
	}
}

// forVirtualHost returns the settings a virtual host starts from: s's
// process-wide settings, and the defaults for the settings about one
// server.
func (s *settings) forVirtualHost() *settings {
	def := resolve(Flags{})
	v := *s
	v.root, v.users, v.anonymous = def.root, def.users, def.anonymous
	v.pasvMin, v.pasvMax, v.pasvAddr = def.pasvMin, def.pasvMax, def.pasvAddr
	v.umask, v.dirUmask = def.umask, def.dirUmask
	v.banner, v.requireTLS = def.banner, def.requireTLS
	v.clientCA, v.clientCert, v.cert, v.noTLS = def.clientCA, def.clientCert, nil, false
	v.pasvAddrFor, v.pasvAnnounce, v.pasvAddrName = nil, config.PortRange{}, ""
	v.rootFrom, v.usersFrom, v.clientCAFrom = def.rootFrom, def.usersFrom, def.clientCAFrom
	return &v
}

// config turns the settings into the server's configuration. certs nil
// means no TLS.
func (s *settings) config(log *slog.Logger, certs *tlsstate.CertStore) (loop.Config, error) {
	if fi, err := os.Stat(s.root); err != nil || !fi.IsDir() {
		return loop.Config{}, fmt.Errorf("%s: %s is not a directory", s.rootFrom, s.root)
	}
	users, err := auth.NewUsers(s.users, s.anonymous)
	if err != nil {
		return loop.Config{}, fmt.Errorf("%s: %w", s.usersFrom, err)
	}
	cfg := loop.Config{
		Listeners: slices.Clone(s.listeners),
		Host: loop.Host{
			Root:       s.root,
			Auth:       users,
			PasvMin:    s.pasvMin,
			PasvMax:    s.pasvMax,
			PasvAddr:   s.pasvAddr,
			Banner:     s.banner,
			SetUmask:   true,
			FileUmask:  s.umask,
			DirUmask:   s.dirUmask,
			RequireTLS: s.requireTLS,
		},
		Workers:         s.workers,
		EventLoops:      s.loops,
		DataTimeout:     s.dataTimeout,
		FailDelay:       s.failDelay,
		ShutdownGrace:   s.grace,
		Logger:          log,
		LoginTimeout:    s.loginTimeout,
		IdleTimeout:     s.idleTimeout,
		DataIdleTimeout: s.dataIdleTimeout,
		MaxPendingInput: int(s.maxPendingInput),
		Limits:          s.limits,
	}
	cfg.GlobMaxScan = s.globMaxScan
	s.applyProxy(&cfg)
	if err := s.applyPasv(&cfg.Host, log); err != nil {
		return loop.Config{}, err
	}
	if cfg.Synth, err = buildSynth(s.synth); err != nil {
		return loop.Config{}, err
	}
	if cfg.Faults, err = buildFaults(s.fault, log); err != nil {
		return loop.Config{}, err
	}
	if certs == nil {
		return cfg, nil
	}
	cfg.TLS = tlsstate.BaseConfig(certs)
	if cfg.TLSReuse, err = loop.ParseReusePolicy(s.tlsReuse); err != nil {
		return loop.Config{}, fmt.Errorf("setup: -tls-reuse: %w", err)
	}
	if err := s.applyTicketKeys(&cfg); err != nil {
		return loop.Config{}, err
	}
	cfg.HandshakeTimeout = s.handshakeTimeout
	cfg.MaxHandshakes = s.maxHandshakes
	cfg.MaxHandshakesPerIP = s.maxHandshakesPerIP
	cfg.FirstFlightTimeout = s.firstFlightTimeout
	if s.clientCA != "" {
		pool, err := loadCAs(s.clientCA)
		if err != nil {
			return loop.Config{}, fmt.Errorf("%s: %w", s.clientCAFrom, err)
		}
		cfg.TLS.ClientCAs = pool
		switch s.clientCert {
		case ClientOptional:
			cfg.TLS.ClientAuth = tls.VerifyClientCertIfGiven
		case ClientRequire:
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
func (s *settings) loadCerts(log *slog.Logger) (*tlsstate.CertStore, error) {
	certs := &tlsstate.CertStore{}
	if s.cert != nil {
		loaded, err := s.cert.load()
		if err != nil {
			return nil, err
		}
		certs.SetAll(loaded)
		msg := "certificate loaded"
		if s.reloading {
			msg = "SIGHUP: certificate reloaded"
		}
		for i, cert := range loaded {
			log.Info(msg, append([]any{"cert", s.cert[i].Cert, "key", keyKind(cert)}, certFacts(cert)...)...)
		}
		return certs, nil
	}
	if s.noTLS {
		return nil, nil
	}
	if s.generated != nil {
		certs.Set(s.generated)
		log.Info("SIGHUP: keeping the generated self-signed certificate", certFacts(s.generated)...)
		return certs, nil
	}
	hosts := []string{"localhost", "127.0.0.1", "::1"}
	for _, l := range s.listeners {
		if h, _, err := net.SplitHostPort(l.Addr); err == nil && h != "" {
			hosts = append(hosts, h)
		}
	}
	cert, err := selfSigned(s.daemon.StateDir, hosts, log)
	if err != nil {
		return nil, err
	}
	certs.Set(cert)
	return certs, nil
}
