package setup

import (
	"log/slog"
	"net/netip"
	"os"
	"time"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
)

// Opt is a setting of the command-line layer: config's Opt, so that a flag
// and the directive it overrides have one type. Set says the flag was
// given; At is unused (a flag has no file:line).
type Opt[T any] = config.Opt[T]

// Given returns a set Opt holding v: what a flag given on the command line
// puts into Flags.
func Given[T any](v T) Opt[T] { return Opt[T]{Value: v, Set: true} }

// Flags are the command line as directives: each field is one flag's
// setting, typed as the model holds it, and Set when the flag was given. A
// given flag replaces the configuration file's setting; one left out leaves
// the file's, else the default (the loop's Default* constants). The values
// mean what loop.Config's fields mean: zero is the default, loop.NoLimit
// turns off what the field's comment says it may (cmd/ftpsd turns
// -max-login-attempts 0 and -fail-delay 0 into it).
//
// The fields marked "host" are about one server: they set the first FTP
// server of a file, never its virtual hosts (see forVirtualHost).
type Flags struct {
	// Listeners replace every Listen: -listen, then -implicit.
	Listeners Opt[[]loop.Listener]

	Root       Opt[string]           // host: -root (DocumentRoot)
	Users      Opt[string]           // host: -users (AuthUserFile)
	Anonymous  Opt[bool]             // host: -anonymous (Anonymous)
	PasvRange  Opt[config.PortRange] // host: -pasv-ports (FTPPASVrange)
	PasvAddr   Opt[netip.Addr]       // host: -pasv-addr (FTPPASVaddr)
	Umask      Opt[os.FileMode]      // host: -umask, files and directories (FTPUmask, FTPDirUmask)
	Banner     Opt[string]           // host: -banner (FTPBannerMessage)
	RequireTLS Opt[bool]             // host: -require-tls (FTPOptions RequireSSL)
	ClientCA   Opt[string]           // host: -client-ca (SSLCACertificateFile)
	// ClientCert is -client-cert: ClientOptional or ClientRequire.
	ClientCert Opt[string]  // host
	Cert       Opt[CertSet] // host: -cert and -key, repeatable, one per key type (SSLCertificateFile, SSLCertificateKeyFile)

	Workers          Opt[int]           // -workers (FTPWorkers)
	Loops            Opt[int]           // -loops (FTPEventLoops)
	DataTimeout      Opt[time.Duration] // -data-timeout (FTPDataConnectTimeout)
	FailDelay        Opt[time.Duration] // -fail-delay (FTPFailDelay); loop.NoLimit: no pause
	Grace            Opt[time.Duration] // -grace (GracefulShutdownTimeout)
	Profile          Opt[string]        // -profile (FTPProfile)
	LogLevel         Opt[slog.Level]    // -log-level (LogLevel)
	TLSReuse         Opt[string]        // -tls-reuse (FTPTLSSessionReuse): session|user|optional (required: session)
	HandshakeTimeout Opt[time.Duration] // -handshake-timeout (FTPTLSHandshakeTimeout)
	MaxHandshakes    Opt[int]           // -max-handshakes (FTPTLSMaxHandshakes)
	// -max-handshakes-per-ip (FTPTLSMaxHandshakesPerIP); loop.NoLimit: none
	MaxHandshakesPerIP Opt[int]
	// -first-flight-timeout (FTPTLSFirstFlightTimeout)
	FirstFlightTimeout Opt[time.Duration]

	MaxSessions      Opt[int]           // -max-sessions (FTPLimitLoginServer); 0: no limit
	MaxPerIP         Opt[int]           // -max-per-ip (FTPLimitLoginIP); 0: no limit
	MaxPerUser       Opt[int]           // -max-per-user (FTPLimitLoginUser); 0: no limit
	MaxLoginAttempts Opt[int]           // -max-login-attempts (FTPMaxLoginAttempts); loop.NoLimit: none
	BanAfter         Opt[int]           // -ban-after (FTPLoginBan); 0: no ban
	BanWindow        Opt[time.Duration] // -ban-window (FTPLoginBan)
	BanTime          Opt[time.Duration] // -ban-time (FTPLoginBan)
	RateSession      Opt[int64]         // -rate-session (FTPRateLimitSession); 0: no limit
	RateServer       Opt[int64]         // -rate-server (FTPRateLimitServer); 0: no limit
	LoginTimeout     Opt[time.Duration] // -login-timeout (FTPTimeoutLogin)
	IdleTimeout      Opt[time.Duration] // -idle-timeout (FTPTimeoutIdle)
	DataIdleTimeout  Opt[time.Duration] // -data-idle-timeout (FTPTimeoutData)
	MaxPendingInput  Opt[int64]         // -max-pending-input (FTPMaxPendingInput); 0: the default
	MaxQueuedOutput  Opt[int64]         // -max-queued-output (FTPMaxQueuedOutput); 0: the default

	Daemon      DaemonFlags // -user, -group, -pidfile, -state-dir, -allow-root (daemon.go)
	GlobMaxScan Opt[int]    // -glob-max-scan (FTPGlobMaxScan)
	// The logs (issue 16). A file name StderrLog ("-") is standard error.
	// The command and transfer logs are the first server's: each replaces
	// its CustomLogs of that kind, in the seed's format (SeedCommandFormat,
	// SeedTransferFormat) unless its -…-format flag gives one.
	ErrorLog          Opt[string] // -error-log (ErrorLog)
	CommandLog        Opt[string] // host: -command-log (CustomLog FILE ftp_command)
	TransferLog       Opt[string] // host: -transfer-log (CustomLog FILE ftp_transfer env=do_transfer_log)
	CommandLogFormat  Opt[string] // host: -command-log-format (LogFormat)
	TransferLogFormat Opt[string] // host: -transfer-log-format (LogFormat)
	HashMaxSize       Opt[int64]  // -hash-max-size (FTPHashMaxSize); 0: no limit
	HashCache         Opt[int]    // -hash-cache (FTPHashCache); loop.NoLimit: no cache
	// PROXY protocol (loop.ProxyProtocol): -proxy-protocol marks every
	// listener served as taking PROXY headers (RemoteIPProxyProtocol);
	// -proxy-trusted lists the proxies (RemoteIPTrustedProxy).
	ProxyProtocol Opt[bool]           // -proxy-protocol (RemoteIPProxyProtocol)
	ProxyTrusted  Opt[[]netip.Prefix] // -proxy-trusted (RemoteIPTrustedProxy)
	ProxyData     Opt[bool]           // -proxy-data: passive listeners take headers from trusted proxies
	ProxyTimeout  Opt[time.Duration]  // -proxy-timeout: deadline for the header

	PasvAddrFor  Opt[[]loop.PasvAddrRule] // host: -pasv-addr NET=IP,... (loop.Host.PasvAddrFor)
	PasvAnnounce Opt[config.PortRange]    // host: -pasv-announce-ports (loop.Host.PasvAnnounceMin)
	PasvAddrName Opt[string]              // host: -pasv-addr NAME, resolved and refreshed (pasvname.go)
	TicketKeys   Opt[string]              // -tls-ticket-keys (SSLSessionTicketKeyFile)
	TicketLife   Opt[time.Duration]       // -tls-ticket-lifetime (FTPTLSTicketLifetime)
	// PasvSourceCheck is -pasv-source-check (FTPPASVSourceCheck): what a
	// passive data connection from a trusted proxy may be; one of the
	// SourceCheck* values. -proxy-data is SourceCheckProxyHeader.
	PasvSourceCheck Opt[string]
	Synth           SynthFlags // -synthetic, -sink and the like (synth.go)
	Fault           FaultFlags // -fault-delay, -fault-reply, -fault-reset, -fault-seed (fault.go)
	Admin           AdminFlags // -admin, -admin-allow-remote (admin.go)
}

// The values of -pasv-source-check and FTPPASVSourceCheck.
const (
	SourceCheckClient      = "client"       // only the client's own address (the default)
	SourceCheckProxyHeader = "proxy-header" // a trusted proxy with a PROXY header naming the client
	SourceCheckProxy       = "proxy"        // a trusted proxy, header or not, as the client
)

// The values of -client-cert and of the settings' client certificate
// policy; ClientNone (from a file only) loads the CAs but asks for no
// certificate.
const (
	ClientOptional = "optional"
	ClientRequire  = "require"
	ClientNone     = "none"
)

// The values of -tls-reuse (loop.ParseReusePolicy reads them).
// ReuseRequired is the word of earlier versions for ReuseSession.
const (
	ReuseRequired = "required"
	ReuseOptional = "optional"
	ReuseSession  = "session"
	ReuseUser     = "user"
)

// Process-wide defaults that loop does not hold: ftpsd's own, for its flags.
const (
	DefaultRoot  = "."
	DefaultUmask = os.FileMode(0o022)
)

// forVirtualHost returns the flags a virtual host takes: f without the flags
// about one server, which set the first FTP server only.
func (f Flags) forVirtualHost() Flags {
	v := f
	v.Root, v.Users, v.Anonymous = Opt[string]{}, Opt[string]{}, Opt[bool]{}
	v.PasvRange, v.PasvAddr, v.Umask = Opt[config.PortRange]{}, Opt[netip.Addr]{}, Opt[os.FileMode]{}
	v.Banner, v.RequireTLS = Opt[string]{}, Opt[bool]{}
	v.ClientCA, v.ClientCert, v.Cert = Opt[string]{}, Opt[string]{}, Opt[CertSet]{}
	v.PasvAddrFor, v.PasvAnnounce, v.PasvAddrName = Opt[[]loop.PasvAddrRule]{}, Opt[config.PortRange]{}, Opt[string]{}
	return v
}

// layer sets *dst from a directive unless the flag was given (then the
// flag's value is already there).
func layer[T any](flag, directive Opt[T], dst *T) {
	if directive.Set && !flag.Set {
		*dst = directive.Value
	}
}
