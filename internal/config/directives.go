package config

import (
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// context is where a directive stands: one bit per kind of place.
type context uint8

const (
	ctxServer    context = 1 << iota // server config: outside every section
	ctxVHost                         // directly inside <VirtualHost>
	ctxDirectory                     // directly inside <Directory>
	ctxLocation                      // directly inside <Location>
	ctxLimit                         // inside <Limit> or <LimitExcept>

	ctxServers = ctxServer | ctxVHost
	ctxDirs    = ctxDirectory | ctxLocation
	ctxAll     = ctxServers | ctxDirs
)

// String names the contexts as Apache's documentation does.
func (c context) String() string {
	var parts []string
	for _, x := range []struct {
		c    context
		name string
	}{{ctxServer, "server config"}, {ctxVHost, "<VirtualHost>"}, {ctxDirectory, "<Directory>"},
		{ctxLocation, "<Location>"}, {ctxLimit, "<Limit>"}} {
		if c&x.c != 0 {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, ", ")
}

// place is where the walk stands: the context and the objects directives there set.
type place struct {
	ctx   context
	srv   *Server
	scope *Scope // srv.Dir outside <Directory> and <Location>
	limit *Limit // inside <Limit>
}

// spec is one row of the directive table: the single place that says what a directive takes,
// where it may stand, and what it sets.
type spec struct {
	name     string  // canonical spelling
	syntax   string  // as Apache's documentation writes it; shown in arity errors
	min, max int     // argument count; max < 0: no maximum
	ctx      context // where it may stand
	section  bool    // written <name ...> ... </name>
	set      func(w *walker, p *place, n *node) error
}

// directives is the table, by lower-case name. Include, IncludeOptional, <IfModule> and
// <IfDefine> are not in it: they are resolved while files are read (include.go).
var directives = map[string]*spec{}

func init() {
	for _, s := range table {
		directives[strings.ToLower(s.name)] = s
	}
}

// table lists every directive ftpsd knows. DIRECTIVES.md documents each; a test checks that.
var table = []*spec{
	// Sections.
	{name: "VirtualHost", syntax: "<VirtualHost addr[:port] ...>", min: 1, max: -1, ctx: ctxServer, section: true, set: setVirtualHost},
	{name: "Directory", syntax: "<Directory path>", min: 1, max: 1, ctx: ctxServers, section: true, set: setScope(ScopeDirectory)},
	{name: "Location", syntax: "<Location path>", min: 1, max: 1, ctx: ctxServers, section: true, set: setScope(ScopeLocation)},
	{name: "Limit", syntax: "<Limit COMMAND ...>", min: 1, max: -1, ctx: ctxAll, section: true, set: setLimit(false)},
	{name: "LimitExcept", syntax: "<LimitExcept COMMAND ...>", min: 1, max: -1, ctx: ctxAll, section: true, set: setLimit(true)},

	// Apache core.
	{name: "Listen", syntax: "Listen [addr:]port [protocol]", min: 1, max: 2, ctx: ctxServer, set: setListen},
	{name: "ServerRoot", syntax: "ServerRoot directory", min: 1, max: 1, ctx: ctxServer, set: setServerRoot},
	{name: "ServerName", syntax: "ServerName [scheme://]host[:port]", min: 1, max: 1, ctx: ctxServers, set: setServerName},
	{name: "ServerAlias", syntax: "ServerAlias name ...", min: 1, max: -1, ctx: ctxVHost, set: setServerAlias},
	{name: "DocumentRoot", syntax: "DocumentRoot directory", min: 1, max: 1, ctx: ctxServers, set: pathOpt(func(s *Server) *Opt[string] { return &s.DocumentRoot })},
	{name: "ErrorLog", syntax: "ErrorLog file", min: 1, max: 1, ctx: ctxServers, set: pathOpt(func(s *Server) *Opt[string] { return &s.ErrorLog })},
	{name: "LogLevel", syntax: "LogLevel [module:]level ...", min: 1, max: -1, ctx: ctxServers, set: setLogLevel},
	{name: "LoadModule", syntax: "LoadModule module file", min: 2, max: 2, ctx: ctxServer, set: noteOnly("LoadModule: nothing to load, ftpsd has mod_ftp built in")},
	{name: "AcceptFilter", syntax: "AcceptFilter protocol filter", min: 2, max: 2, ctx: ctxServer, set: noteOnly("AcceptFilter: ignored, ftpsd uses no accept filters (the server speaks first on FTP)")},

	// mod_log_config.
	{name: "LogFormat", syntax: "LogFormat format|nickname [nickname]", min: 1, max: 2, ctx: ctxServers, set: setLogFormat},
	{name: "CustomLog", syntax: "CustomLog file format|nickname [env=[!]variable]", min: 2, max: 3, ctx: ctxServers, set: setCustomLog},

	// mod_ssl.
	{name: "SSLEngine", syntax: "SSLEngine on|off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.SSL.Engine })},
	{name: "SSLCertificateFile", syntax: "SSLCertificateFile file", min: 1, max: 1, ctx: ctxServers, set: setCertFile(false)},
	{name: "SSLCertificateKeyFile", syntax: "SSLCertificateKeyFile file", min: 1, max: 1, ctx: ctxServers, set: setCertFile(true)},
	{name: "SSLCertificateChainFile", syntax: "SSLCertificateChainFile file", min: 1, max: 1, ctx: ctxServers, set: pathOpt(func(s *Server) *Opt[string] { return &s.SSL.CertificateChainFile })},
	{name: "SSLCACertificateFile", syntax: "SSLCACertificateFile file", min: 1, max: 1, ctx: ctxServers, set: pathOpt(func(s *Server) *Opt[string] { return &s.SSL.CACertificateFile })},
	{name: "SSLVerifyClient", syntax: "SSLVerifyClient none|optional|require|optional_no_ca", min: 1, max: 1, ctx: ctxServers, set: setVerifyClient},
	{name: "SSLVerifyDepth", syntax: "SSLVerifyDepth number", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.SSL.VerifyDepth }, 0, 100, "a depth")},
	{name: "SSLProtocol", syntax: "SSLProtocol [+|-]protocol ...", min: 1, max: -1, ctx: ctxServers, set: setSSLProtocol},
	{name: "SSLCipherSuite", syntax: "SSLCipherSuite [SSL|TLSv1.3] cipher-spec", min: 1, max: 2, ctx: ctxServers, set: setCipherSuite},
	{name: "SSLOpenSSLConfCmd", syntax: "SSLOpenSSLConfCmd command-name command-value", min: 2, max: 2, ctx: ctxServers, set: setOpenSSLConfCmd},
	{name: "SSLUserName", syntax: "SSLUserName varname", min: 1, max: 1, ctx: ctxServers, set: setSSLUserName},
	{name: "FTPTLSTicketLifetime", syntax: "FTPTLSTicketLifetime seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.TicketLifetime })},
	{name: "SSLSessionTicketKeyFile", syntax: "SSLSessionTicketKeyFile file", min: 1, max: 1, ctx: ctxServer, set: pathOpt(func(s *Server) *Opt[string] { return &s.Process.SessionTicketKeyFile })},

	// mod_ftp.
	{name: "FTP", syntax: "FTP on|off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.FTP })},
	{name: "FTPImplicitSSL", syntax: "FTPImplicitSSL on|off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.FTPImplicitSSL })},
	{name: "FTPOptions", syntax: "FTPOptions [+|-]option ...", min: 1, max: -1, ctx: ctxServers, set: setFTPOptions},
	{name: "FTPPASVrange", syntax: "FTPPASVrange min [max]", min: 1, max: 2, ctx: ctxServers, set: portRange(func(s *Server) *Opt[PortRange] { return &s.FTPPASVRange })},
	{name: "FTPPASVaddr", syntax: "FTPPASVaddr ipv4-address", min: 1, max: 1, ctx: ctxServers, set: setPASVAddr},
	{name: "FTPPASVbindaddr", syntax: "FTPPASVbindaddr ip-address", min: 1, max: 1, ctx: ctxServers, set: setPASVBindAddr},
	{name: "FTPEPSVIgnoreFamily", syntax: "FTPEPSVIgnoreFamily on|off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.FTPEPSVIgnoreFamily })},
	{name: "FTPActiveRange", syntax: "FTPActiveRange min [max]", min: 1, max: 2, ctx: ctxServers, set: portRange(func(s *Server) *Opt[PortRange] { return &s.FTPActiveRange })},
	{name: "FTPUmask", syntax: "FTPUmask umask", min: 1, max: 1, ctx: ctxAll, set: umask(func(sc *Scope) *Opt[fs.FileMode] { return &sc.FTPUmask })},
	{name: "FTPDirUmask", syntax: "FTPDirUmask umask", min: 1, max: 1, ctx: ctxAll, set: umask(func(sc *Scope) *Opt[fs.FileMode] { return &sc.FTPDirUmask })},
	{name: "FTPTimeoutLogin", syntax: "FTPTimeoutLogin seconds", min: 1, max: 1, ctx: ctxServers, set: seconds(func(s *Server) *Opt[time.Duration] { return &s.FTPTimeoutLogin })},
	{name: "FTPTimeoutIdle", syntax: "FTPTimeoutIdle seconds", min: 1, max: 1, ctx: ctxServers, set: seconds(func(s *Server) *Opt[time.Duration] { return &s.FTPTimeoutIdle })},
	{name: "FTPTimeoutData", syntax: "FTPTimeoutData seconds", min: 1, max: 1, ctx: ctxServers, set: seconds(func(s *Server) *Opt[time.Duration] { return &s.FTPTimeoutData })},
	{name: "FTPMaxLoginAttempts", syntax: "FTPMaxLoginAttempts number", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPMaxLoginAttempts }, 1, 1000, "a number of attempts")},
	{name: "FTPBannerMessage", syntax: "FTPBannerMessage message|file:path", min: 1, max: 1, ctx: ctxServers, set: message(func(s *Server) *Opt[Message] { return &s.FTPBannerMessage })},
	{name: "FTPExitMessage", syntax: "FTPExitMessage message|file:path", min: 1, max: 1, ctx: ctxServers, set: message(func(s *Server) *Opt[Message] { return &s.FTPExitMessage })},
	{name: "FTPReadmeMessage", syntax: "FTPReadmeMessage message|file:path", min: 1, max: 1, ctx: ctxAll, set: setReadme},
	{name: "FTPHomeDir", syntax: "FTPHomeDir virtual-path", min: 1, max: 1, ctx: ctxServers, set: setHomeDir},
	{name: "FTPJailUser", syntax: "FTPJailUser on|off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.FTPJailUser })},
	{name: "FTPDocRootEnv", syntax: "FTPDocRootEnv variable", min: 1, max: 1, ctx: ctxServers, set: setDocRootEnv},
	{name: "FTPLimitLoginIP", syntax: "FTPLimitLoginIP number", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPLimitLoginIP }, 0, 1000000, "a number of logins")},
	{name: "FTPLimitLoginUser", syntax: "FTPLimitLoginUser number", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPLimitLoginUser }, 0, 1000000, "a number of logins")},
	{name: "FTPLimitLoginServer", syntax: "FTPLimitLoginServer number", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPLimitLoginServer }, 0, 1000000, "a number of logins")},
	{name: "FTPDataBlockSize", syntax: "FTPDataBlockSize bytes", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPDataBlockSize }, 1, 16<<20, "a block size in bytes")},
	{name: "FTPLimitDBFile", syntax: "FTPLimitDBFile file", min: 1, max: 1, ctx: ctxServer, set: setLimitDBFile},
	{name: "FTPLowPortSock", syntax: "FTPLowPortSock on|off", min: 1, max: 1, ctx: ctxServers, set: setLowPortSock},

	// ftpsd's own, for the process-wide command-line flags: main server only.
	{name: "FTPWorkers", syntax: "FTPWorkers number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.Workers }, 1, 1000000, "a number of workers")},
	{name: "FTPEventLoops", syntax: "FTPEventLoops number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.EventLoops }, 1, 1024, "a number of event loops")},
	{name: "GracefulShutdownTimeout", syntax: "GracefulShutdownTimeout seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.Grace })},
	{name: "FTPDataConnectTimeout", syntax: "FTPDataConnectTimeout seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.DataConnectTimeout })},
	{name: "FTPFailDelay", syntax: "FTPFailDelay seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.FailDelay })},
	{name: "FTPTLSSessionReuse", syntax: "FTPTLSSessionReuse session|user|optional", min: 1, max: 1, ctx: ctxServer, set: keyword(func(s *Server) *Opt[string] { return &s.Process.TLSSessionReuse }, "session", "user", "optional", "required")},
	{name: "FTPTLSHandshakeTimeout", syntax: "FTPTLSHandshakeTimeout seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.HandshakeTimeout })},
	{name: "FTPTLSMaxHandshakes", syntax: "FTPTLSMaxHandshakes number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.MaxHandshakes }, 1, 1000000, "a number of handshakes")},
	{name: "FTPTLSMaxHandshakesPerIP", syntax: "FTPTLSMaxHandshakesPerIP number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.MaxHandshakesPerIP }, 0, 1000000, "a number of handshakes")},
	{name: "FTPTLSFirstFlightTimeout", syntax: "FTPTLSFirstFlightTimeout seconds|duration", min: 1, max: 1, ctx: ctxServer, set: duration(func(s *Server) *Opt[time.Duration] { return &s.Process.FirstFlightTimeout })},
	{name: "FTPMaxPendingInput", syntax: "FTPMaxPendingInput bytes", min: 1, max: 1, ctx: ctxServer, set: size(func(s *Server) *Opt[int64] { return &s.Process.MaxPendingInput })},
	{name: "FTPMaxQueuedOutput", syntax: "FTPMaxQueuedOutput bytes", min: 1, max: 1, ctx: ctxServer, set: size(func(s *Server) *Opt[int64] { return &s.Process.MaxQueuedOutput })},
	// Apache's own process directives (mod_unixd, mpm_common).
	{name: "User", syntax: "User unix-userid", min: 1, max: 1, ctx: ctxServer, set: unixID(func(s *Server) *Opt[string] { return &s.Process.User })},
	{name: "Group", syntax: "Group unix-group", min: 1, max: 1, ctx: ctxServer, set: unixID(func(s *Server) *Opt[string] { return &s.Process.Group })},
	{name: "PidFile", syntax: "PidFile file", min: 1, max: 1, ctx: ctxServer, set: pathOpt(func(s *Server) *Opt[string] { return &s.Process.PidFile })},
	{name: "FTPGlobMaxScan", syntax: "FTPGlobMaxScan number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.GlobMaxScan }, 1, 100000000, "a number of directory entries")},
	// ftpsd's own: the synthetic tree and the verifying sink (synth.go).
	{name: "FTPSynthetic", syntax: "FTPSynthetic virtual-path", min: 1, max: 1, ctx: ctxServer, set: mountOpt(func(s *Server) *Opt[string] { return &s.Process.Synth.Mount })},
	{name: "FTPSink", syntax: "FTPSink virtual-path", min: 1, max: 1, ctx: ctxServer, set: mountOpt(func(s *Server) *Opt[string] { return &s.Process.Synth.Sink })},
	{name: "FTPSyntheticMax", syntax: "FTPSyntheticMax bytes", min: 1, max: 1, ctx: ctxServer, set: synthSize(func(s *Server) *Opt[int64] { return &s.Process.Synth.Max })},
	{name: "FTPSyntheticSeed", syntax: "FTPSyntheticSeed text", min: 1, max: 1, ctx: ctxServer, set: textOpt(func(s *Server) *Opt[string] { return &s.Process.Synth.Seed })},
	{name: "FTPSyntheticTree", syntax: "FTPSyntheticTree number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.Synth.Tree }, 1, 1000000, "a number of entries")},
	// ftpsd's own: fault injection for testing clients (fault.go).
	{name: "FTPFaultDelay", syntax: "FTPFaultDelay VERB=duration[-duration],...", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.Delay }, CheckFaultDelay)},
	{name: "FTPFaultReply", syntax: "FTPFaultReply VERB=code[:rate],...", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.Reply }, CheckFaultReply)},
	{name: "FTPFaultReset", syntax: "FTPFaultReset bytes[:rate]", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.Reset }, CheckFaultReset)},
	{name: "FTPFaultStall", syntax: "FTPFaultStall bytes[:rate]", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.Stall }, CheckFaultReset)},
	{name: "FTPFaultNoAccept", syntax: "FTPFaultNoAccept rate", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.NoAccept }, CheckFaultNoAccept)},
	{name: "FTPFaultTLSDelay", syntax: "FTPFaultTLSDelay duration[-duration]", min: 1, max: 1, ctx: ctxServer, set: faultSpec(func(s *Server) *Opt[string] { return &s.Process.Fault.TLSDelay }, CheckFaultTLSDelay)},
	{name: "FTPFaultSeed", syntax: "FTPFaultSeed number", min: 1, max: 1, ctx: ctxServer, set: intOpt(func(s *Server) *Opt[int] { return &s.Process.Fault.Seed }, 1, 1<<62, "a seed")},
	{name: "FTPAdminListen", syntax: "FTPAdminListen host:port", min: 1, max: 1, ctx: ctxServer, set: adminAddr(func(s *Server) *Opt[string] { return &s.Process.AdminListen })},
	{name: "FTPAdminAllowRemote", syntax: "FTPAdminAllowRemote on|off", min: 1, max: 1, ctx: ctxServer, set: flag(func(s *Server) *Opt[bool] { return &s.Process.AdminAllowRemote })},
	{name: "FTPProfile", syntax: "FTPProfile cpu|mem|allocs|block|mutex|trace", min: 1, max: 1, ctx: ctxServer, set: keyword(func(s *Server) *Opt[string] { return &s.Process.Profile }, "cpu", "mem", "allocs", "block", "mutex", "trace")},
	// ftpsd extensions: limits mod_ftp has no directive for (limits.go).
	{name: "FTPRateLimitSession", syntax: "FTPRateLimitSession bytes-per-second", min: 1, max: 1, ctx: ctxServers, set: rate(func(s *Server) *Opt[int64] { return &s.FTPRateLimitSession })},
	{name: "FTPRateLimitServer", syntax: "FTPRateLimitServer bytes-per-second", min: 1, max: 1, ctx: ctxServers, set: rate(func(s *Server) *Opt[int64] { return &s.FTPRateLimitServer })},
	{name: "FTPLoginBan", syntax: "FTPLoginBan failures window-seconds ban-seconds", min: 3, max: 3, ctx: ctxServers, set: setLoginBan},
	{name: "FTPHashMaxSize", syntax: "FTPHashMaxSize bytes", min: 1, max: 1, ctx: ctxServers, set: byteCount(func(s *Server) *Opt[int64] { return &s.FTPHashMaxSize })},
	{name: "FTPHashCache", syntax: "FTPHashCache entries", min: 1, max: 1, ctx: ctxServers, set: intOpt(func(s *Server) *Opt[int] { return &s.FTPHashCache }, 0, 10000000, "a number of digests")},

	// mod_remoteip: the PROXY protocol (remoteip.go).
	{name: "RemoteIPProxyProtocol", syntax: "RemoteIPProxyProtocol On|Off", min: 1, max: 1, ctx: ctxServers, set: flag(func(s *Server) *Opt[bool] { return &s.RemoteIPProxyProtocol })},
	{name: "RemoteIPTrustedProxy", syntax: "RemoteIPTrustedProxy addr|CIDR ...", min: 1, max: -1, ctx: ctxServer, set: setRemoteIPTrustedProxy},
	{name: "FTPPASVaddrFor", syntax: "FTPPASVaddrFor addr|CIDR ipv4-address", min: 2, max: 2, ctx: ctxServers, set: setPASVAddrFor},
	{name: "FTPPASVAnnounceRange", syntax: "FTPPASVAnnounceRange min [max]", min: 1, max: 2, ctx: ctxServers, set: portRange(func(s *Server) *Opt[PortRange] { return &s.FTPPASVAnnounceRange })},
	{name: "FTPPASVSourceCheck", syntax: "FTPPASVSourceCheck client|proxy-header|proxy", min: 1, max: 1, ctx: ctxServer, set: keyword(func(s *Server) *Opt[string] { return &s.Process.PasvSourceCheck }, "client", "proxy-header", "proxy")},

	// mod_auth_basic, mod_authn_file, mod_authz_groupfile, mod_authn_anon, mod_authz_core.
	{name: "AuthType", syntax: "AuthType Basic|None", min: 1, max: 1, ctx: ctxDirs, set: setAuthType},
	{name: "AuthName", syntax: "AuthName realm", min: 1, max: 1, ctx: ctxDirs, set: setAuthName},
	{name: "AuthBasicProvider", syntax: "AuthBasicProvider file|anon ...", min: 1, max: -1, ctx: ctxDirs, set: setProviders},
	{name: "AuthUserFile", syntax: "AuthUserFile file", min: 1, max: 1, ctx: ctxDirs, set: scopePath(func(sc *Scope) *Opt[string] { return &sc.AuthUserFile })},
	{name: "AuthGroupFile", syntax: "AuthGroupFile file", min: 1, max: 1, ctx: ctxDirs, set: scopePath(func(sc *Scope) *Opt[string] { return &sc.AuthGroupFile })},
	{name: "Anonymous", syntax: "Anonymous user ...", min: 1, max: -1, ctx: ctxDirs, set: setAnonymous},
	{name: "Anonymous_MustGiveEmail", syntax: "Anonymous_MustGiveEmail on|off", min: 1, max: 1, ctx: ctxDirs, set: scopeFlag(func(sc *Scope) *Opt[bool] { return &sc.AnonymousMustGiveEmail })},
	{name: "Anonymous_NoUserID", syntax: "Anonymous_NoUserID on|off", min: 1, max: 1, ctx: ctxDirs, set: scopeFlag(func(sc *Scope) *Opt[bool] { return &sc.AnonymousNoUserID })},
	{name: "Anonymous_LogEmail", syntax: "Anonymous_LogEmail on|off", min: 1, max: 1, ctx: ctxDirs, set: scopeFlag(func(sc *Scope) *Opt[bool] { return &sc.AnonymousLogEmail })},
	{name: "Anonymous_VerifyEmail", syntax: "Anonymous_VerifyEmail on|off", min: 1, max: 1, ctx: ctxDirs, set: scopeFlag(func(sc *Scope) *Opt[bool] { return &sc.AnonymousVerifyEmail })},
	{name: "Require", syntax: "Require valid-user|user name...|group name...|all granted|all denied", min: 1, max: -1, ctx: ctxDirs | ctxLimit, set: setRequire},
}

// unsupportedHints explain, in the unknown-directive error, why a common Apache directive is not
// there.
var unsupportedHints = map[string]string{
	"order":   "mod_access_compat is not supported; use Require",
	"allow":   "mod_access_compat is not supported; use Require",
	"deny":    "mod_access_compat is not supported; use Require",
	"satisfy": "mod_access_compat is not supported; use Require",
}

// walker applies the expanded tree to a Config.
type walker struct {
	cfg        *Config
	d          *diag
	serverRoot Opt[string]
}

func (w *walker) block(nodes []*node, p place) {
	for _, n := range nodes {
		w.one(n, p)
	}
}

func (w *walker) one(n *node, p place) {
	sp := directives[strings.ToLower(n.name)]
	name := quoteName(n.name)
	switch {
	case sp == nil && n.section:
		w.d.errorf(n.pos, ErrUnknown, nil, "unknown section <%s>", name)
		return
	case sp == nil:
		if hint, ok := unsupportedHints[strings.ToLower(n.name)]; ok {
			w.d.errorf(n.pos, ErrUnknown, nil, "unknown directive %s (%s)", name, hint)
		} else {
			w.d.errorf(n.pos, ErrUnknown, nil, "unknown directive %s", name)
		}
		return
	case n.section && !sp.section:
		w.d.errorf(n.pos, ErrSyntax, nil, "%s is a directive, not a section: write it without < >", sp.name)
		return
	case !n.section && sp.section:
		w.d.errorf(n.pos, ErrSyntax, nil, "%s is a section: write <%s ...> ... </%s>", sp.name, sp.name, sp.name)
		return
	}
	shown := sp.name
	if sp.section {
		shown = "<" + sp.name + ">"
	}
	if sp.ctx&p.ctx == 0 {
		w.d.errorf(n.pos, ErrContext, nil, "%s is not allowed in %s (allowed in %s)", shown, p.ctx, sp.ctx)
		return
	}
	if len(n.args) < sp.min || (sp.max >= 0 && len(n.args) > sp.max) {
		w.d.errorf(n.pos, ErrValue, nil, "%s %s, got %d (%s)", shown, arity(sp.min, sp.max), len(n.args), sp.syntax)
		return
	}
	if err := sp.set(w, &p, n); err != nil {
		var e *Error
		if errors.As(err, &e) {
			w.d.add(n.pos, e)
		} else {
			w.d.errorf(n.pos, ErrValue, nil, "%s: %v", shown, err)
		}
	}
}

func arity(min, max int) string {
	plural := func(n int) string {
		if n == 1 {
			return "1 argument"
		}
		return strconv.Itoa(n) + " arguments"
	}
	switch {
	case max < 0:
		return "takes at least " + plural(min)
	case min == max:
		return "takes " + plural(min)
	case max == min+1:
		return "takes " + strconv.Itoa(min) + " or " + plural(max)
	}
	return "takes " + strconv.Itoa(min) + " to " + plural(max)
}

func (w *walker) notef(pos Pos) func(string, ...any) {
	return func(format string, args ...any) { w.d.note(pos, format, args...) }
}
