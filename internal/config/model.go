package config

import (
	"crypto/tls"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"time"
)

// Opt is a setting that a directive may or may not have set. The zero value is "not set": Set is
// false, and Or returns the default. At is the directive that set it, so that a caller who finds
// the value unusable later (a certificate that does not load) can still say file:line.
type Opt[T any] struct {
	Value T
	Set   bool
	At    Pos
}

// Or returns the value when set, else def.
func (o Opt[T]) Or(def T) T {
	if o.Set {
		return o.Value
	}
	return def
}

// inherit takes parent when o is not set.
func (o *Opt[T]) inherit(parent Opt[T]) {
	if !o.Set {
		*o = parent
	}
}

// overlay is inherit's mirror: src, when set, wins over *dst.
func overlay[T any](dst *Opt[T], src Opt[T]) {
	if src.Set {
		*dst = src
	}
}

func setOpt[T any](v T, at Pos) Opt[T] { return Opt[T]{Value: v, Set: true, At: at} }

// Defaults of the settings whose zero value is not the default. The accessor methods return
// them for settings the configuration leaves unset. They are mod_ftp's, mod_ssl's and Apache
// core's documented defaults. A setting that maps onto a flag of cmd/ftpsd (the FTPTimeout*
// directives, FTPMaxLoginAttempts, LogLevel) has neither: unset, it leaves ftpsd's default
// (loop's Default* constants, applied by internal/setup), which DIRECTIVES.md gives and which
// may differ from mod_ftp's.
const (
	DefaultUmask       = fs.FileMode(0o022)
	DefaultDirUmask    = fs.FileMode(0o022)
	DefaultVerifyDepth = 1 // SSLVerifyDepth
)

// Config is a loaded configuration. Load fills it and never changes it afterwards; every method
// may be called from any goroutine.
type Config struct {
	// File is the main configuration file, as passed to Load.
	File string
	// ServerRoot is the absolute directory against which relative paths of files the server
	// opens (certificates, logs, htpasswd files, DocumentRoot, …) were resolved: the ServerRoot
	// directive, else Loader.ServerRoot, else the directory of File. Include paths are relative
	// to the including file instead.
	ServerRoot string
	// Listen holds the Listen directives in file order.
	Listen []Listen
	// Main is the main server: the directives outside any <VirtualHost>, as written.
	Main *Server
	// VirtualHosts are the <VirtualHost> sections in file order, as written: settings they
	// leave unset are NOT filled from Main here. Use Servers or Match for effective servers.
	VirtualHosts []*Server

	servers []*Server // effective: servers[0] is Main, then each virtual host merged onto Main
}

// Listen is one Listen directive: `Listen [addr:]port [protocol]`.
type Listen struct {
	At Pos
	// Host is the address to bind: "" for every address, else an IP address (IPv6 without
	// brackets) or a host name.
	Host string
	// Port is the TCP port; 0 (an ftpsd extension, for tests) picks a free one.
	Port uint16
	// Protocol is the optional protocol argument in lower case ("ftp", "ftps", …). ftpsd does
	// not act on it: whether a listener speaks implicit TLS comes from FTPImplicitSSL.
	Protocol string
	// Implicit is computed by Load: the virtual hosts a connection on this listener can reach
	// by address have FTPImplicitSSL On, so TLS starts with the first byte.
	Implicit bool
}

// Addr returns host:port for net.Listen.
func (l Listen) Addr() string { return net.JoinHostPort(l.Host, strconv.Itoa(int(l.Port))) }

// AddrKind is the kind of a <VirtualHost> address.
type AddrKind uint8

const (
	AddrIP      AddrKind = iota // a literal address, IPv4 or [IPv6]
	AddrAny                     // *: every address
	AddrDefault                 // _default_: every address no other virtual host claims
)

// HostAddr is one address of a <VirtualHost>.
type HostAddr struct {
	Kind AddrKind
	IP   netip.Addr // for AddrIP
	Port uint16     // 0: any port (written "*:*", "addr:*", or with no port)
}

// String returns the address as Apache writes it.
func (a HostAddr) String() string {
	var h string
	switch a.Kind {
	case AddrAny:
		h = "*"
	case AddrDefault:
		h = "_default_"
	default:
		h = a.IP.String()
		if a.IP.Is6() {
			h = "[" + h + "]"
		}
	}
	if a.Port == 0 {
		return h + ":*"
	}
	return h + ":" + strconv.Itoa(int(a.Port))
}

// PortRange is an inclusive port range; Lo == Hi is a single port.
type PortRange struct{ Lo, Hi uint16 }

// Message is the argument of FTPBannerMessage, FTPExitMessage or FTPReadmeMessage: literal text,
// or with the "file:" prefix the name of a file whose contents are the message.
type Message struct {
	Text string // the literal message, when File is empty
	File string // the file named by file:PATH
}

// FTPOption is one FTPOptions flag.
type FTPOption uint16

const (
	RequireSSL       FTPOption = 1 << iota // refuse every command but AUTH (and FEAT, QUIT…) until TLS is up
	AllowProxyPASV                         // allow a PASV data connection from an address other than the client's
	AllowProxyPORT                         // allow PORT/EPRT to an address other than the client's
	NLSTShowDirs                           // NLST lists directories too
	NLSTIsLIST                             // NLST answers as LIST does
	LISTIsNLST                             // LIST answers as NLST does
	NoUTF8Feature                          // do not announce UTF8 in FEAT
	RemoveUserGroup                        // LIST shows no owner and group names
	StripHostname                          // strip a "@host" from USER names
	VirtualHostLogin                       // USER user@host selects the virtual host named host
	CheckMaxClients                        // refuse sessions beyond the server's client limit with 421
)

var ftpOptionNames = []struct {
	name string
	opt  FTPOption
}{
	{"RequireSSL", RequireSSL}, {"AllowProxyPASV", AllowProxyPASV}, {"AllowProxyPORT", AllowProxyPORT},
	{"NLSTShowDirs", NLSTShowDirs}, {"NLSTIsLIST", NLSTIsLIST}, {"LISTIsNLST", LISTIsNLST},
	{"NoUTF8Feature", NoUTF8Feature}, {"RemoveUserGroup", RemoveUserGroup},
	{"StripHostname", StripHostname}, {"VirtualHostLogin", VirtualHostLogin},
	{"CheckMaxClients", CheckMaxClients},
}

// String returns the option names joined by spaces.
func (o FTPOption) String() string {
	s := ""
	for _, n := range ftpOptionNames {
		if o&n.opt != 0 {
			if s != "" {
				s += " "
			}
			s += n.name
		}
	}
	return s
}

// Options is what the FTPOptions lines of one server say, with Apache's Options semantics: a
// line of bare names replaces the set (Base, Replace true); +Name and -Name add to or remove from
// it, and when a server has no bare line they modify the set it inherits. The zero value is "no
// FTPOptions"; the default set is empty.
type Options struct {
	Replace     bool
	Base        FTPOption
	Add, Remove FTPOption
	At          Pos // the last FTPOptions line
}

// Apply returns the options in effect when inherited is the parent's set.
func (o Options) Apply(inherited FTPOption) FTPOption {
	v := inherited
	if o.Replace {
		v = o.Base
	}
	return (v | o.Add) &^ o.Remove
}

// Has reports whether opt is in effect, counting nothing as inherited (on an effective server
// from Servers or Match, inheritance is already folded in).
func (o Options) Has(opt FTPOption) bool { return o.Apply(0)&opt != 0 }

// VerifyClient is SSLVerifyClient's level.
type VerifyClient uint8

const (
	VerifyNone         VerifyClient = iota // no client certificate is asked for (default)
	VerifyOptional                         // asked for, verified when given
	VerifyRequire                          // required and verified
	VerifyOptionalNoCA                     // asked for, not verified
)

func (v VerifyClient) String() string {
	return [...]string{"none", "optional", "require", "optional_no_ca"}[v]
}

// Versions is a TLS version range, crypto/tls constants (tls.VersionTLS12, tls.VersionTLS13).
type Versions struct{ Min, Max uint16 }

// TLSSettings are a server's mod_ssl directives, named as the directives without "SSL".
type TLSSettings struct {
	Engine Opt[bool] // SSLEngine; default off
	// CertificateFile and CertificateKeyFile hold every SSLCertificateFile and
	// SSLCertificateKeyFile line, paired by order as in mod_ssl (one pair per key type); a
	// missing key means the key is in the certificate file. A virtual host with any
	// SSLCertificateFile does not inherit the main server's.
	CertificateFile      []Opt[string]
	CertificateKeyFile   []Opt[string]
	CertificateChainFile Opt[string]
	CACertificateFile    Opt[string]
	VerifyClient         Opt[VerifyClient]
	VerifyDepth          Opt[int]
	// Protocol is SSLProtocol reduced to what ftpsd speaks; default TLS 1.2 to 1.3.
	Protocol Opt[Versions]
	// CipherSuite is SSLCipherSuite as TLS 1.2 crypto/tls suite IDs; unset means ftpsd's
	// default policy (ECDHE with AES-GCM or ChaCha20-Poly1305). TLS 1.3 suites are not
	// configurable. crypto/tls orders suites itself, so only membership matters.
	CipherSuite Opt[[]uint16]
	// Groups is SSLOpenSSLConfCmd Curves (or Groups): the key-exchange groups crypto/tls may
	// negotiate; unset, or set to nil by DEFAULT (which a virtual host may use to undo the main
	// server's list), means every group it supports, post-quantum hybrids first. crypto/tls
	// orders them itself, so only membership matters.
	Groups Opt[[]tls.CurveID]
	// UserName is SSLUserName: the certificate field whose value becomes the user name of a
	// client that presents a verified certificate, e.g. SSL_CLIENT_S_DN_CN.
	UserName Opt[string]
}

// Versions returns SSLProtocol's range, default TLS 1.2 to TLS 1.3.
func (t *TLSSettings) Versions() Versions {
	return t.Protocol.Or(Versions{Min: 0x0303, Max: 0x0304})
}

// CustomLog is one CustomLog directive.
type CustomLog struct {
	At   Pos
	Path string // absolute
	// Format is the format string, resolved from the nickname when one was given.
	Format string
	// Nickname is the LogFormat nickname used, or "" for an inline format.
	Nickname string
	// Env, when not empty, is the environment variable that conditions the log: the line is
	// written only when it is set (EnvNot false) or only when it is not (EnvNot true). ftpsd
	// sets do_transfer_log for transfers.
	Env    string
	EnvNot bool
}

// Server is the main server or one virtual host. Unset fields of a virtual host take the main
// server's value in the effective servers (Config.Servers, Config.Match); the accessor methods
// give the defaults of settings nobody set.
type Server struct {
	// At is the <VirtualHost> line; the zero Pos for the main server.
	At Pos
	// Addrs are the <VirtualHost> addresses; nil for the main server.
	Addrs []HostAddr

	ServerName   Opt[string] // host name only (scheme and port removed); inherited
	ServerAlias  []string    // not inherited; may hold * and ? wildcards
	DocumentRoot Opt[string] // absolute; inherited
	FTP          Opt[bool]   // FTP On|Off; default Off

	SSL TLSSettings

	FTPOptions          Options
	FTPPASVRange        Opt[PortRange]
	FTPPASVAddr         Opt[netip.Addr] // IPv4, announced in 227 replies
	FTPPASVBindAddr     Opt[netip.Addr] // address passive listeners bind to
	FTPEPSVIgnoreFamily Opt[bool]       // default On
	FTPActiveRange      Opt[PortRange]  // local ports for active connections
	FTPTimeoutLogin     Opt[time.Duration]
	FTPTimeoutIdle      Opt[time.Duration]
	FTPTimeoutData      Opt[time.Duration]
	FTPMaxLoginAttempts Opt[int]
	FTPBannerMessage    Opt[Message]
	FTPExitMessage      Opt[Message]
	FTPHomeDir          Opt[string] // virtual path under DocumentRoot; the user name is appended
	FTPJailUser         Opt[bool]   // default Off
	FTPDocRootEnv       Opt[string] // environment variable naming a per-user document root
	FTPLimitLoginIP     Opt[int]    // 0 (default): no limit
	FTPLimitLoginUser   Opt[int]    // 0 (default): no limit
	FTPLimitLoginServer Opt[int]    // 0 (default): no limit
	FTPDataBlockSize    Opt[int]
	FTPImplicitSSL      Opt[bool] // default Off
	FTPLimitDBFile      Opt[string]
	FTPLowPortSock      Opt[bool] // recorded; ftpsd never binds port 20

	RemoteIPProxyProtocol Opt[bool] // RemoteIPProxyProtocol On|Off; default Off; inherited

	FTPPASVaddrFor       Opt[[]PasvAddrFor] // per client network, in file order; inherited as a whole
	FTPPASVAnnounceRange Opt[PortRange]     // ports announced for FTPPASVrange; inherited

	// Process holds ftpsd's own directives for the process-wide flags; set on the main server
	// only, and not inherited (they are not any one server's).
	Process ProcessSettings
	// ftpsd extensions (limits.go).
	FTPRateLimitSession Opt[int64] // bytes per second; 0 (default): no limit
	FTPRateLimitServer  Opt[int64] // bytes per second; 0 (default): no limit
	FTPLoginBan         Opt[LoginBan]
	FTPHashMaxSize      Opt[int64] // bytes one HASH or X* checksum command may read; 0 (default): no limit
	FTPHashCache        Opt[int]   // digests kept for every session to share; 0: none

	ErrorLog Opt[string]     // absolute path
	LogLevel Opt[slog.Level] // Apache's levels mapped onto slog's; unset: -log-level's default
	// LogFormats are the LogFormat nicknames defined in this server; key "" is the default
	// format set by the one-argument form. A virtual host sees the main server's too.
	LogFormats map[string]Opt[string]
	// CustomLogs are this server's logs. A virtual host with none uses the main server's.
	CustomLogs []CustomLog

	// Dir is the server's own per-directory settings, in force everywhere before <Directory>
	// and <Location> sections apply: FTPUmask and the like written at server level, and
	// <Limit> sections written at server level.
	Dir *Scope
	// Directories are the <Directory> sections, Locations the <Location> sections, in file
	// order. On an effective virtual host the main server's come first.
	Directories []*Scope
	Locations   []*Scope
}

// ProcessSettings are the directives of ftpsd's process-wide flags, named after them.
type ProcessSettings struct {
	Workers            Opt[int]           // FTPWorkers: -workers
	EventLoops         Opt[int]           // FTPEventLoops: -loops
	Grace              Opt[time.Duration] // GracefulShutdownTimeout: -grace
	DataConnectTimeout Opt[time.Duration] // FTPDataConnectTimeout: -data-timeout
	FailDelay          Opt[time.Duration] // FTPFailDelay: -fail-delay
	TLSSessionReuse    Opt[string]        // FTPTLSSessionReuse session|user|optional (required: session): -tls-reuse
	HandshakeTimeout   Opt[time.Duration] // FTPTLSHandshakeTimeout: -handshake-timeout
	MaxHandshakes      Opt[int]           // FTPTLSMaxHandshakes: -max-handshakes
	MaxHandshakesPerIP Opt[int]           // FTPTLSMaxHandshakesPerIP (0: none): -max-handshakes-per-ip
	FirstFlightTimeout Opt[time.Duration] // FTPTLSFirstFlightTimeout: -first-flight-timeout
	Profile            Opt[string]        // FTPProfile: -profile
	MaxPendingInput    Opt[int64]         // FTPMaxPendingInput: -max-pending-input
	MaxQueuedOutput    Opt[int64]         // FTPMaxQueuedOutput: -max-queued-output
	User               Opt[string]        // User name|#uid: -user
	Group              Opt[string]        // Group name|#gid: -group
	PidFile            Opt[string]        // PidFile file: -pidfile
	GlobMaxScan        Opt[int]           // FTPGlobMaxScan: -glob-max-scan

	RemoteIPTrustedProxy Opt[[]netip.Prefix] // RemoteIPTrustedProxy, adding up: -proxy-trusted
	SessionTicketKeyFile Opt[string]         // SSLSessionTicketKeyFile: -tls-ticket-keys
	PasvSourceCheck      Opt[string]         // FTPPASVSourceCheck client|proxy-header|proxy: -pasv-source-check
	TicketLifetime       Opt[time.Duration]  // FTPTLSTicketLifetime: -tls-ticket-lifetime
	Synth                SynthSettings       // FTPSynthetic, FTPSink and the like (synth.go)
	Fault                FaultSettings       // FTPFaultDelay, FTPFaultReply and the like (fault.go)
	AdminListen          Opt[string]         // FTPAdminListen host:port: -admin
	AdminAllowRemote     Opt[bool]           // FTPAdminAllowRemote on|off: -admin-allow-remote
}

// FTPEnabled reports FTP On; default off (as mod_ftp).
func (s *Server) FTPEnabled() bool { return s.FTP.Or(false) }

// TLSEnabled reports SSLEngine on: AUTH TLS is offered (and required first on an implicit host).
func (s *Server) TLSEnabled() bool { return s.SSL.Engine.Or(false) }

// ImplicitSSL reports FTPImplicitSSL On.
func (s *Server) ImplicitSSL() bool { return s.FTPImplicitSSL.Or(false) }

// EPSVIgnoreFamily is FTPEPSVIgnoreFamily, default on.
func (s *Server) EPSVIgnoreFamily() bool { return s.FTPEPSVIgnoreFamily.Or(true) }

// Names returns ServerName followed by ServerAlias, the names HOST and user@host match.
func (s *Server) Names() []string {
	var out []string
	if s.ServerName.Set {
		out = append(out, s.ServerName.Value)
	}
	return append(out, s.ServerAlias...)
}
