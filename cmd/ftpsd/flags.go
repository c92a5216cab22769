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

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// options are the parsed command line: the flags as typed directives
// (setup.Flags), and the two flags that say what to do with them.
type options struct {
	flags      setup.Flags
	configFile string        // -config
	check      bool          // -t: check the configuration and exit
	version    bool          // -version: print it and exit
	manpage    bool          // -manpage: print ftpsd(8) and exit
	fs         *flag.FlagSet // the flags parsed, for -manpage
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// flagSet is a FlagSet whose flags store into setup.Opt values and mark
// them Set when given. A flag's name is written once, where it is defined:
// what it sets is the Opt passed with it, so no name is looked up later.
type flagSet struct {
	*flag.FlagSet
	given map[*flag.Flag]func()
}

// opt defines a flag with define (one of FlagSet's XxxVar methods) storing
// into o.Value, and marks o Set when the flag is given.
func opt[T any](fs flagSet, o *setup.Opt[T], define func(*T, string, T, string), name string, value T, usage string) {
	define(&o.Value, name, value, usage)
	fs.given[fs.Lookup(name)] = func() { o.Set = true }
}

// raw defines a flag whose text is converted after parsing (sizes, rates,
// ranges, addresses).
func raw(fs flagSet, o *setup.Opt[string], name, value, usage string) {
	opt(fs, o, fs.StringVar, name, value, usage)
}

func parseFlags(args []string, out io.Writer) (*options, error) {
	o := &options{}
	f := &o.flags
	fs := flagSet{flag.NewFlagSet("ftpsd", flag.ContinueOnError), map[*flag.Flag]func(){}}
	fs.SetOutput(out)
	var listen, implicit listFlag
	var pasvPorts, pasvAddr, umask, level, pendingInput, queuedOutput, rateSession, rateServer setup.Opt[string]
	var certFiles, keyFiles listFlag
	fs.Var(&listen, "listen", "`ADDR` (host:port) to serve FTP with explicit TLS on; repeatable (default "+loop.DefaultListen+")")
	opt(fs, &f.Root, fs.StringVar, "root", setup.DefaultRoot, "document root `DIR`")
	opt(fs, &f.Users, fs.StringVar, "users", "", "htpasswd `FILE` of named users (bcrypt, SHA1, APR1-MD5, SHA-crypt); they may write")
	opt(fs, &f.Anonymous, fs.BoolVar, "anonymous", false, "allow anonymous read-only logins (USER anonymous or ftp)")
	raw(fs, &pasvPorts, "pasv-ports", "", "passive port range `LO-HI` (default: any free port)")
	raw(fs, &pasvAddr, "pasv-addr", "", "`IP` announced in PASV replies instead of the local address; or a list NET=IP,...,IP: clients in the CIDR NET get IP, others the plain IP")
	raw(fs, &umask, "umask", fmt.Sprintf("%03o", setup.DefaultUmask), "octal umask for uploaded files and new directories")
	opt(fs, &f.Workers, fs.IntVar, "workers", 0, fmt.Sprintf("maximum concurrent transfers and file-system jobs (default %d)", loop.DefaultWorkers))
	opt(fs, &f.Loops, fs.IntVar, "loops", 0, "number of event loops (default: one per CPU)")
	opt(fs, &f.DataTimeout, fs.DurationVar, "data-timeout", loop.DefaultDataTimeout, "how long to wait for a data connection")
	opt(fs, &f.FailDelay, fs.DurationVar, "fail-delay", loop.DefaultFailDelay, "pause before answering a failed login")
	opt(fs, &f.Grace, fs.DurationVar, "grace", loop.DefaultShutdownGrace, "how long a shutdown lets transfers finish")
	opt(fs, &f.Banner, fs.StringVar, "banner", "", "text of the 220 greeting")
	opt(fs, &f.Profile, fs.StringVar, "profile", "", "profile the server: cpu|mem|allocs|block|mutex|trace (written to ./ftpsd-profile)")
	raw(fs, &level, "log-level", "info", "error log level: debug|info|warn|error")
	fs.Var(&implicit, "implicit", "`ADDR` to serve implicit FTPS on (TLS from the first byte, port 990 style); repeatable")
	opt(fs, &f.RequireTLS, fs.BoolVar, "require-tls", false, "refuse logins and clear data connections until AUTH TLS (mod_ftp's RequireSSL)")
	opt(fs, &f.TLSReuse, fs.StringVar, "tls-reuse", setup.ReuseUser, "TLS session a PROT P data connection must resume, else 522: user (an open session of the same user and address)|session (its own; or required)|optional")
	opt(fs, &f.ClientCA, fs.StringVar, "client-ca", "", "PEM `FILE` of CAs for client certificates; asks clients for one")
	opt(fs, &f.ClientCert, fs.StringVar, "client-cert", setup.ClientOptional, "with -client-ca: optional|require")
	opt(fs, &f.HandshakeTimeout, fs.DurationVar, "handshake-timeout", loop.DefaultHandshakeTimeout, "TLS handshake deadline on the control connection")
	opt(fs, &f.MaxHandshakes, fs.IntVar, "max-handshakes", loop.DefaultMaxHandshakes, "concurrent control-connection TLS handshakes")
	opt(fs, &f.MaxHandshakesPerIP, fs.IntVar, "max-handshakes-per-ip", loop.DefaultMaxHandshakesPerIP, "concurrent TLS handshakes per client address (IPv6: per /64); more wait their turn within -first-flight-timeout (0: no per-address cap)")
	opt(fs, &f.FirstFlightTimeout, fs.DurationVar, "first-flight-timeout", loop.DefaultFirstFlightTimeout, "how long a TLS client may take to send its whole ClientHello record (and wait for its address's turn); then it is closed")
	opt(fs, &f.MaxSessions, fs.IntVar, "max-sessions", 0, "control connections allowed in all; more get 421 at connect (0: no limit)")
	opt(fs, &f.MaxPerIP, fs.IntVar, "max-per-ip", 0, "control connections allowed per client address (IPv6: per /64); more get 421 at connect (0: no limit)")
	opt(fs, &f.MaxPerUser, fs.IntVar, "max-per-user", 0, "logged-in sessions allowed per named user; PASS over it gets 421 (0: no limit)")
	opt(fs, &f.MaxLoginAttempts, fs.IntVar, "max-login-attempts", loop.DefaultMaxLoginAttempts, "failed logins before a session is closed (0: no limit)")
	opt(fs, &f.BanAfter, fs.IntVar, "ban-after", loop.DefaultBanAfter, "ban a client address after this many failed logins within -ban-window (0: no ban)")
	opt(fs, &f.BanWindow, fs.DurationVar, "ban-window", loop.DefaultBanWindow, "how far back failed logins count for -ban-after")
	opt(fs, &f.BanTime, fs.DurationVar, "ban-time", loop.DefaultBanDuration, "how long a ban lasts")
	opt(fs, &f.LoginTimeout, fs.DurationVar, "login-timeout", loop.DefaultLoginTimeout, "close a session not logged in after this long (421)")
	opt(fs, &f.IdleTimeout, fs.DurationVar, "idle-timeout", loop.DefaultIdleTimeout, "close a logged-in session silent this long, no transfer running (421)")
	opt(fs, &f.DataIdleTimeout, fs.DurationVar, "data-idle-timeout", loop.DefaultDataIdleTimeout, "abort a transfer that moved no byte for this long (426)")
	opt(fs, &f.GlobMaxScan, fs.IntVar, "glob-max-scan", loop.DefaultGlobMaxScan, "directory entries a LIST/NLST/STAT pattern is matched against; a pattern in a bigger directory gets 550")
	raw(fs, &pendingInput, "max-pending-input", sizeText(loop.DefaultMaxPendingInput), "command `BYTES` a session may send ahead while a command runs; more closes it")
	raw(fs, &queuedOutput, "max-queued-output", sizeText(loop.DefaultMaxQueuedOutput), "reply `BYTES` a client may leave unread; more closes the session")
	raw(fs, &rateSession, "rate-session", "0", "bandwidth of one session's transfers in `BYTES` per second; K, M, G suffixes (0: no limit)")
	raw(fs, &rateServer, "rate-server", "0", "bandwidth of all transfers together in `BYTES` per second; K, M, G suffixes (0: no limit)")
	fs.StringVar(&o.configFile, "config", "", "Apache-style configuration `FILE` (mod_ftp, mod_ssl directives); flags given override it")
	fs.BoolVar(&o.check, "t", false, "with -config: check the configuration, print Syntax OK or its errors, and exit")
	fs.Var(&certFiles, "cert", "TLS certificate `FILE` (PEM, chain included); repeatable, one per key type (an ECDSA and an RSA one: each client gets the one it supports, ECDSA first); default: a generated self-signed ECDSA certificate")
	fs.Var(&keyFiles, "key", "TLS private key `FILE` (PEM) of the -cert in the same position")
	defineDaemonFlags(fs, o)
	var synthFlags synthText
	defineSynthFlags(fs, o, &synthFlags)
	defineFaultFlags(fs, o)
	defineAdminFlags(fs, o)
	fs.Usage = func() { usage(fs.FlagSet) }
	opt(fs, &f.ErrorLog, fs.StringVar, "error-log", "", "error log `FILE` (ErrorLog; - is standard error, the default)")
	opt(fs, &f.CommandLog, fs.StringVar, "command-log", "", "command log `FILE`, one line per command with its reply code (- is standard error)")
	opt(fs, &f.TransferLog, fs.StringVar, "transfer-log", "", "transfer log `FILE`, one xferlog-style line per transfer (- is standard error)")
	opt(fs, &f.CommandLogFormat, fs.StringVar, "command-log-format", setup.SeedCommandFormat, "Apache LogFormat `FORMAT` of -command-log")
	opt(fs, &f.TransferLogFormat, fs.StringVar, "transfer-log-format", setup.SeedTransferFormat, "Apache LogFormat `FORMAT` of -transfer-log")
	var hashMaxSize setup.Opt[string]
	raw(fs, &hashMaxSize, "hash-max-size", "0", "`BYTES` one HASH or X* checksum command may read, K, M, G suffixes; more get 556/550 (0: no limit)")
	opt(fs, &f.HashCache, fs.IntVar, "hash-cache", loop.DefaultHashCacheEntries, "file digests kept for every session to share (0: none)")
	var proxyTrusted setup.Opt[string]
	opt(fs, &f.ProxyProtocol, fs.BoolVar, "proxy-protocol", false, "listeners take connections only from -proxy-trusted proxies, each starting with a PROXY v1/v2 header naming the client")
	raw(fs, &proxyTrusted, "proxy-trusted", "", "trusted proxies for PROXY headers: `ADDR|CIDR,...`")
	opt(fs, &f.ProxyData, fs.BoolVar, "proxy-data", false, "passive data connections from -proxy-trusted proxies start with a PROXY header too")
	opt(fs, &f.ProxyTimeout, fs.DurationVar, "proxy-timeout", loop.DefaultProxyHeaderTimeout, "deadline for a PROXY header")
	var pasvAnnounce setup.Opt[string]
	opt(fs, &f.PasvSourceCheck, fs.StringVar, "pasv-source-check", setup.SourceCheckClient, "what a passive data connection from a -proxy-trusted proxy may be: client (refused: only the client's own address), proxy-header (with a PROXY header naming the client; -proxy-data), proxy (taken as the client's, weaker)")
	opt(fs, &f.TicketLife, fs.DurationVar, "tls-ticket-lifetime", tlsstate.DefaultTicketLifetime, "how long a TLS session may be resumed, from its first ticket")
	opt(fs, &f.TicketKeys, fs.StringVar, "tls-ticket-keys", "", "session-ticket key `FILE` shared by a fleet (48/80-byte keys, nginx/HAProxy format; first seals); SIGHUP reloads it")
	raw(fs, &pasvAnnounce, "pasv-announce-ports", "", "passive ports `LO-HI` announced in PASV/EPSV replies for -pasv-ports, in order (a balancer mapping ports)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	fs.Visit(func(fl *flag.Flag) {
		if mark := fs.given[fl]; mark != nil {
			mark()
		}
	})
	finishDaemonFlags(o)
	if err := finishSynthFlags(o, &synthFlags); err != nil {
		return nil, err
	}
	if err := finishFaultFlags(o); err != nil {
		return nil, err
	}
	o.fs = fs.FlagSet
	if o.check && o.configFile == "" {
		return nil, fmt.Errorf("-t checks a configuration file: give -config FILE")
	}
	if len(certFiles) != len(keyFiles) {
		return nil, fmt.Errorf("-cert and -key go together: %d -cert, %d -key", len(certFiles), len(keyFiles))
	}
	if len(certFiles) > 0 {
		var set setup.CertSet
		for i, c := range certFiles {
			if c == "" || keyFiles[i] == "" {
				return nil, fmt.Errorf("-cert and -key take a file name")
			}
			set = append(set, setup.CertFiles{Cert: c, Key: keyFiles[i]})
		}
		f.Cert = setup.Given(set)
	}
	if _, err := loop.ParseReusePolicy(f.TLSReuse.Value); err != nil {
		return nil, fmt.Errorf("-tls-reuse: %q is not session, user or optional", f.TLSReuse.Value)
	}
	if v := f.ClientCert.Value; v != setup.ClientOptional && v != setup.ClientRequire {
		return nil, fmt.Errorf("-client-cert: %q is not optional or require", v)
	}
	if len(listen) > 0 || len(implicit) > 0 {
		// The listeners named are the listeners served: -implicit alone
		// serves implicit TLS only. The default explicit listener is for
		// a command line that names none.
		var ls []loop.Listener
		for _, l := range listen {
			ls = append(ls, loop.Listener{Addr: l})
		}
		for _, l := range implicit {
			ls = append(ls, loop.Listener{Addr: l, Implicit: true})
		}
		f.Listeners = setup.Given(ls)
	}
	if err := convertPasvFor(f, &pasvAddr, pasvAnnounce); err != nil {
		return nil, err
	}
	if err := convert(f, pasvPorts, pasvAddr, umask, level, pendingInput, queuedOutput, rateSession, rateServer); err != nil {
		return nil, err
	}
	if hashMaxSize.Set {
		n, err := config.ParseByteCount(hashMaxSize.Value)
		if err != nil {
			return nil, fmt.Errorf("-hash-max-size: %w", err)
		}
		f.HashMaxSize = setup.Given(n)
	}
	if f.HashCache.Set && f.HashCache.Value < 0 {
		return nil, fmt.Errorf("-hash-cache: %d is negative (0 means none)", f.HashCache.Value)
	}
	if f.HashCache.Set && f.HashCache.Value == 0 {
		f.HashCache.Value = loop.NoLimit
	}
	if err := convertProxy(f, proxyTrusted); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		name string
		v    *setup.Opt[int]
	}{{"max-sessions", &f.MaxSessions}, {"max-per-ip", &f.MaxPerIP}, {"max-per-user", &f.MaxPerUser},
		{"max-login-attempts", &f.MaxLoginAttempts}, {"ban-after", &f.BanAfter}} {
		if x.v.Value < 0 {
			return nil, fmt.Errorf("-%s: %d is negative (0 means no limit)", x.name, x.v.Value)
		}
	}
	// On the command line 0 turns these off; in loop.Config zero is the
	// default and NoLimit turns them off.
	if f.MaxLoginAttempts.Set && f.MaxLoginAttempts.Value == 0 {
		f.MaxLoginAttempts.Value = loop.NoLimit
	}
	if f.FailDelay.Set && f.FailDelay.Value == 0 {
		f.FailDelay.Value = loop.NoLimit
	}
	if err := firstFlightFlags(f); err != nil {
		return nil, err
	}
	if f.BanWindow.Value <= 0 || f.BanTime.Value <= 0 {
		return nil, fmt.Errorf("-ban-window and -ban-time must be positive")
	}
	switch f.Profile.Value {
	case "", "cpu", "mem", "allocs", "block", "mutex", "trace":
	default:
		return nil, fmt.Errorf("-profile: unknown kind %q", f.Profile.Value)
	}
	return o, nil
}

// convert parses the flags given as text into their typed settings.
func convert(f *setup.Flags, pasvPorts, pasvAddr, umask, level, pendingInput, queuedOutput, rateSession, rateServer setup.Opt[string]) error {
	// Given empty, -pasv-ports and -pasv-addr still replace the file's
	// setting: with any free port, with the local address.
	if pasvPorts.Set {
		var r config.PortRange
		if pasvPorts.Value != "" {
			var err error
			if r.Lo, r.Hi, err = parseRange(pasvPorts.Value); err != nil {
				return fmt.Errorf("-pasv-ports: %w", err)
			}
		}
		f.PasvRange = setup.Given(r)
	}
	if pasvAddr.Set {
		var a netip.Addr
		if pasvAddr.Value != "" {
			var err error
			if a, err = netip.ParseAddr(pasvAddr.Value); err != nil || !a.Is4() {
				return fmt.Errorf("-pasv-addr: %q is not an IPv4 address", pasvAddr.Value)
			}
		}
		f.PasvAddr = setup.Given(a)
	}
	if umask.Set {
		m, err := strconv.ParseUint(umask.Value, 8, 32)
		if err != nil || m > 0o777 {
			return fmt.Errorf("-umask: %q is not an octal mode", umask.Value)
		}
		f.Umask = setup.Given(os.FileMode(m))
	}
	if level.Set {
		var l slog.Level
		if err := l.UnmarshalText([]byte(level.Value)); err != nil {
			return fmt.Errorf("-log-level: %w", err)
		}
		f.LogLevel = setup.Given(l)
	}
	for _, x := range []struct {
		name  string
		text  setup.Opt[string]
		parse func(string) (int64, error)
		dst   *setup.Opt[int64]
	}{
		{"max-pending-input", pendingInput, config.ParseSize, &f.MaxPendingInput},
		{"max-queued-output", queuedOutput, config.ParseSize, &f.MaxQueuedOutput},
		{"rate-session", rateSession, config.ParseRate, &f.RateSession},
		{"rate-server", rateServer, config.ParseRate, &f.RateServer},
	} {
		if !x.text.Set {
			continue
		}
		n, err := x.parse(x.text.Value)
		if err != nil {
			return fmt.Errorf("-%s: %w", x.name, err)
		}
		*x.dst = setup.Given(n)
	}
	return nil
}

// convertProxy parses -proxy-trusted. Given empty, it still replaces the
// file's list (with none).
func convertProxy(f *setup.Flags, trusted setup.Opt[string]) error {
	if trusted.Set {
		var list []netip.Prefix
		if strings.TrimSpace(trusted.Value) != "" {
			var err error
			if list, err = config.ParseTrusted(trusted.Value); err != nil {
				return fmt.Errorf("-proxy-trusted: %w", err)
			}
		}
		f.ProxyTrusted = setup.Given(list)
	}
	switch v := f.PasvSourceCheck.Value; {
	case v != setup.SourceCheckClient && v != setup.SourceCheckProxyHeader && v != setup.SourceCheckProxy:
		return fmt.Errorf("-pasv-source-check: %q is not client, proxy-header or proxy", v)
	case f.PasvSourceCheck.Set && f.ProxyData.Set && f.ProxyData.Value != (v == setup.SourceCheckProxyHeader):
		return fmt.Errorf("-proxy-data is -pasv-source-check proxy-header: give one of them")
	}
	if f.TicketLife.Set && f.TicketLife.Value <= 0 {
		return fmt.Errorf("-tls-ticket-lifetime must be positive")
	}
	if f.ProxyTimeout.Set && f.ProxyTimeout.Value <= 0 {
		return fmt.Errorf("-proxy-timeout must be positive")
	}
	return nil
}

// convertPasvFor takes the NET=IP rules out of -pasv-addr (leaving its
// plain address, if any, for convert) and parses -pasv-announce-ports.
func convertPasvFor(f *setup.Flags, pasvAddr *setup.Opt[string], announce setup.Opt[string]) error {
	if _, err := netip.ParseAddr(pasvAddr.Value); pasvAddr.Set && pasvAddr.Value != "" && err != nil {
		rules, def, name, err := setup.ParsePasvAddrs(pasvAddr.Value)
		if err != nil {
			return fmt.Errorf("-pasv-addr: %w", err)
		}
		f.PasvAddrFor = setup.Given(rules)
		f.PasvAddrName = setup.Given(name)
		pasvAddr.Value = ""
		if def.IsValid() {
			pasvAddr.Value = def.String()
		}
	}
	if announce.Set && announce.Value != "" {
		lo, hi, err := parseRange(announce.Value)
		if err != nil {
			return fmt.Errorf("-pasv-announce-ports: %w", err)
		}
		f.PasvAnnounce = setup.Given(config.PortRange{Lo: lo, Hi: hi})
	}
	return nil
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

// sizeText writes a default size as the flags take it: 64K, 1M.
func sizeText(n int) string {
	switch {
	case n%(1<<20) == 0:
		return strconv.Itoa(n>>20) + "M"
	case n%(1<<10) == 0:
		return strconv.Itoa(n>>10) + "K"
	}
	return strconv.Itoa(n)
}

// firstFlightFlags checks the TLS first-flight bounds. On the command line
// -max-handshakes-per-ip 0 turns the per-address cap off; in loop.Config
// zero is the default and NoLimit turns it off.
func firstFlightFlags(f *setup.Flags) error {
	if f.MaxHandshakesPerIP.Value < 0 {
		return fmt.Errorf("-max-handshakes-per-ip: %d is negative (0 means no per-address cap)", f.MaxHandshakesPerIP.Value)
	}
	if f.MaxHandshakesPerIP.Set && f.MaxHandshakesPerIP.Value == 0 {
		f.MaxHandshakesPerIP.Value = loop.NoLimit
	}
	if f.FirstFlightTimeout.Value <= 0 {
		return fmt.Errorf("-first-flight-timeout must be positive")
	}
	return nil
}
