package setup

// The configuration file (-config): what of a loaded config.Config the
// server acts on today, and how it meets the command line (Flags).
//
// Every effective server with FTP On that a Listen reaches is served: the
// first (the main server, when it has FTP On) is loop.Config's default
// host, the others its VirtualHosts, routed by config.Match on the address
// a connection reached and chosen by name with HOST or user@host. The
// first server's settings fill the settings the user did not give as flags
// (a flag given always wins, see layer); a virtual host takes the
// flags that are not about one server (timeouts, workers, limits) and its
// own settings for the rest, except the error log and its level: those are
// the first server's for the whole process, and processWide warns when a
// virtual host sets others, as it does for limits. What loop.Config has but
// no flag sets (ServerName, FTPExitMessage, the mod_ssl details, the logs,
// authorization) goes into fileSettings.
//
// Three rules decide what happens to a directive ftpsd cannot honour yet:
//
//   - if ignoring it would grant more than the file says (AllowProxy*,
//     authentication settings for part of the tree, a stricter per-directory
//     umask, client certificates without SSLUserName), the server refuses to
//     start, naming the directive's file:line;
//   - if it would only serve less, or differently, it is logged once at warn
//     ("not acted on yet");
//   - Load's notes (LoadModule, AcceptFilter, FTPLimitDBFile, FTPLowPortSock:
//     directives that mean nothing to an event-loop server) are logged at
//     info.
//
// Files: this one selects the server and maps the FTP* and log directives;
// auth.go the per-directory settings (authentication, Require,
// umasks), tls.go the mod_ssl ones; certfiles.go reads the
// certificate and logs.go opens the logs.
//
// `ftpsd -t` runs all of this, including opening the certificate, key,
// chain, CA, htpasswd and message files and checking that the log
// directories exist, and stops before creating any file or binding any
// port. The document root is checked at start-up only, as Apache's -t only
// warns about it: an example configuration can be checked on a machine that
// does not serve it.

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/loop"
)

// directiveError is a problem with the directive at "at" found after the
// configuration loaded, such as a file it names that cannot be used. It
// prints as every configuration error does: "file:line: what: err".
func directiveError(at config.Pos, what string, err error) *config.Error {
	return &config.Error{Pos: at, Msg: what + ": " + err.Error(), Kind: config.ErrValue, Err: err}
}

// fileSettings are the settings of the served server that no flag carries.
type fileSettings struct {
	file string
	srv  *config.Server

	notes    []config.Note // Load's, logged once each at info
	warnings []config.Note // settings not acted on yet, logged at warn

	serverName   string
	exitMessage  string
	versions     config.Versions
	cipherSuites []uint16      // nil: tlsstate's policy
	groups       []tls.CurveID // nil: every group crypto/tls negotiates
	verifyDepth  int           // SSLVerifyDepth, for client certificates

	errorLog string      // "" : standard error
	logs     []logTarget // CustomLog

	names      []string // ServerName and ServerAlias, for HOST
	hostOpts   loop.HostOptions
	authorize  loop.Authorizer // nil: no Require anywhere
	anonPolicy auth.AnonPolicy
	homeDir    string
	jail       bool

	readme           func(fsPath, virtualPath string) (text, file string)
	pasvBind         netip.Addr
	activeRange      config.PortRange
	epsvIgnoreFamily bool

	// vhosts are the other FTP servers, and route maps a connection to
	// them; both are set on the first server's settings only.
	vhosts []*vhostSettings
	route  func(listener int, local netip.AddrPort) []*config.Server
}

// vhostSettings are one more FTP server's settings, the flags that apply
// to it, and its file settings (f.srv is the server).
type vhostSettings struct {
	s  *settings
	fl Flags
	f  *fileSettings
}

// logTarget is one checked CustomLog.
type logTarget struct {
	at     config.Pos
	path   string
	format *ftplog.Format
	kind   ftplog.Kind
}

// loadFile loads path and lays it under the flags' settings s. The errors
// are the ErrorList of config.Load or, once it loaded, those of applyFile;
// each prints as "file:line: message".
func loadFile(path string, s *settings, fl Flags) (*fileSettings, []error) {
	c, notes, err := config.Load(path)
	if err != nil {
		var list config.ErrorList
		if !errors.As(err, &list) {
			return nil, []error{err}
		}
		return nil, list.Unwrap()
	}
	return applyFile(c, notes, s, fl)
}

// problems collects what applyFile finds, so that every error is reported
// at once. Each error is a *config.Error of kind config.ErrValue: a value
// ftpsd cannot use or refuses.
type problems struct {
	errs     config.ErrorList
	warnings []config.Note
}

func (p *problems) errorf(at config.Pos, format string, args ...any) {
	p.errs = append(p.errs, &config.Error{Pos: at, Msg: fmt.Sprintf(format, args...), Kind: config.ErrValue})
}

func (p *problems) wrap(at config.Pos, err error, format string, args ...any) {
	p.errs = append(p.errs, directiveError(at, fmt.Sprintf(format, args...), err))
}

func (p *problems) warnf(at config.Pos, format string, args ...any) {
	p.warnings = append(p.warnings, config.Note{Pos: at, Msg: fmt.Sprintf(format, args...)})
}

// applyFile fills the settings the user did not give as flags from the
// served server of c and returns the rest of its settings, or every reason
// it cannot be served, sorted by file and line.
func applyFile(c *config.Config, notes []config.Note, s *settings, fl Flags) (*fileSettings, []error) {
	p := &problems{}
	f := &fileSettings{file: c.File, notes: notes}
	servers := p.servedServers(c)
	if len(servers) == 0 {
		return f, p.list()
	}
	if !fl.Listeners.Set && len(c.Listen) > 0 {
		s.listeners = nil
		for _, l := range c.Listen {
			reached := c.Reachable(l)
			if !slices.ContainsFunc(reached, (*config.Server).FTPEnabled) {
				p.errorf(l.At, "Listen %s: the connections it accepts go to %s, which has FTP Off; remove the Listen or let a server with FTP On match it",
					l.Addr(), describe(reached[0]))
				continue
			}
			s.listeners = append(s.listeners, loop.Listener{Addr: l.Addr(), Implicit: l.Implicit})
		}
	}
	standIn := p.flagListeners(c, s.listeners, fl)
	processSettings(c.Main.Process, s, fl)
	p.proxySettings(c, s, fl)
	p.applyServer(servers[0], s, fl, f)
	for _, srv := range servers[1:] {
		// A virtual host gets the process defaults and the process-wide
		// settings resolved so far, never the flags about one server.
		vs, vfl := s.forVirtualHost(), fl.forVirtualHost()
		vf := &fileSettings{file: c.File}
		p.applyServer(srv, vs, vfl, vf)
		p.processWide(servers[0], srv, s, vs, fl, f)
		f.vhosts = append(f.vhosts, &vhostSettings{s: vs, fl: vfl, f: vf})
	}
	f.route = routeFor(c, s.listeners, standIn)

	f.warnings = p.warnings
	return f, p.list()
}

// list returns the errors sorted by file and line, as config.Load sorts
// its own.
func (p *problems) list() []error {
	if len(p.errs) == 0 {
		return nil
	}
	p.errs.Sort()
	return p.errs.Unwrap()
}

// processWide warns about what a virtual host srv sets that ftpsd applies
// once for the whole process, from the first FTP server: the limits, the
// error log and its level. vs holds srv's settings; s and f the first
// server's settings, fl the flags.
func (p *problems) processWide(first, srv *config.Server, s, vs *settings, fl Flags, f *fileSettings) {
	if vs.limits != s.limits {
		// The warning is logged at srv.At: the message names srv without it.
		p.warnf(srv.At, "%s sets other session, login or bandwidth limits than %s: ftpsd applies one set to the whole process, the first FTP server's", section(srv), describe(first))
	}
	if e := srv.ErrorLog; e.Set && e.Value != f.errorLog {
		p.warnf(e.At, "ErrorLog %s: not used for %s; ftpsd writes one error log for the whole process, the first FTP server's (%s)",
			e.Value, section(srv), cmp.Or(f.errorLog, "standard error"))
	}
	if l := srv.LogLevel; l.Set && !fl.LogLevel.Set && l.Value != s.logLevel {
		p.warnf(l.At, "LogLevel %s: not used for %s; ftpsd logs at one level for the whole process, the first FTP server's (%s)",
			strings.ToLower(l.Value.String()), section(srv), strings.ToLower(s.logLevel.String()))
	}
}

// processSettings maps ftpsd's directives for the process-wide flags.
func processSettings(ps config.ProcessSettings, s *settings, fl Flags) {
	layerDaemon(ps, &s.daemon, fl.Daemon)
	layerAdmin(ps, &s.admin, fl.Admin)
	layer(fl.Workers, ps.Workers, &s.workers)
	layer(fl.Loops, ps.EventLoops, &s.loops)
	layer(fl.Grace, ps.Grace, &s.grace)
	layer(fl.DataTimeout, ps.DataConnectTimeout, &s.dataTimeout)
	layer(fl.FailDelay, noneIfZero(ps.FailDelay), &s.failDelay)
	layer(fl.TLSReuse, ps.TLSSessionReuse, &s.tlsReuse)
	layer(fl.HandshakeTimeout, ps.HandshakeTimeout, &s.handshakeTimeout)
	layer(fl.MaxHandshakes, ps.MaxHandshakes, &s.maxHandshakes)
	layer(fl.MaxHandshakesPerIP, noneIfZero(ps.MaxHandshakesPerIP), &s.maxHandshakesPerIP)
	layer(fl.FirstFlightTimeout, ps.FirstFlightTimeout, &s.firstFlightTimeout)
	layer(fl.Profile, ps.Profile, &s.profile)
	layer(fl.MaxPendingInput, ps.MaxPendingInput, &s.maxPendingInput)
	layer(fl.GlobMaxScan, ps.GlobMaxScan, &s.globMaxScan)
	layerSynth(ps.Synth, &s.synth, fl.Synth)
	layerFault(ps.Fault, &s.fault, fl.Fault)
	if q := ps.MaxQueuedOutput; q.Set && !fl.MaxQueuedOutput.Set {
		s.limits.MaxQueuedOutput = int(q.Value)
	}
}

// noneIfZero turns a directive's 0, which means none (FTPFailDelay 0,
// FTPMaxLoginAttempts 0), into loop.NoLimit: in loop.Config zero is the
// default.
func noneIfZero[T int | time.Duration](o config.Opt[T]) config.Opt[T] {
	if o.Set && o.Value == 0 {
		o.Value = loop.NoLimit
	}
	return o
}

// applyServer fills s and f from one server, below the flags fl.
func (p *problems) applyServer(srv *config.Server, s *settings, fl Flags, f *fileSettings) {
	f.srv = srv
	f.serverName = srv.ServerName.Or("")
	f.names = srv.Names()
	if !fl.Root.Set && srv.DocumentRoot.Set {
		s.root = srv.DocumentRoot.Value
		s.rootFrom = srv.DocumentRoot.At.String() + ": DocumentRoot"
	}
	root, err := filepath.Abs(s.root)
	if err != nil {
		root = s.root
	}
	scope := srv.Access(root, "/")

	p.authentication(srv, root, scope, s, fl, f)
	p.tlsSettings(srv, s, fl, f)
	p.ftpOptions(srv, s, fl, f)
	p.ftpSettings(srv, root, scope, s, fl, f)
	p.logSettings(srv, s, fl, f)
}

// servedServers returns the effective servers with FTP On that a
// connection can reach, in file order: the main server counts only when
// some Listen reaches it (or the file has none), as Load itself decides.
func (p *problems) servedServers(c *config.Config) []*config.Server {
	all := c.Servers()
	mainReached := c.MainReachable()
	var ftp []*config.Server
	for i, s := range all {
		if s.FTPEnabled() && (i > 0 || mainReached) {
			ftp = append(ftp, s)
		}
	}
	if len(ftp) == 0 {
		p.errorf(config.Pos{File: c.File}, "no server has FTP On")
	}
	return ftp
}

// flagListeners checks the listeners the command line gave in place of the
// file's Listen lines, and returns the port they stand in for. With one
// Listen in the file, -listen and -implicit move it: their connections
// reach the servers its port reaches, so "-listen 127.0.0.1:2121" serves
// what "Listen 21" and <VirtualHost _default_:21> describe. With several,
// each flag listener keeps its own port (0: none to stand in for). A
// listener whose connections would reach only servers with FTP Off is
// refused, as such a Listen line is.
func (p *problems) flagListeners(c *config.Config, listeners []loop.Listener, fl Flags) uint16 {
	if !fl.Listeners.Set {
		return 0
	}
	var standIn uint16
	if len(c.Listen) == 1 {
		standIn = c.Listen[0].Port
	}
	for _, l := range listeners {
		host, portText, err := net.SplitHostPort(l.Addr)
		port, perr := strconv.ParseUint(portText, 10, 16)
		if err != nil || perr != nil {
			continue // the listener itself will fail to start, with its own error
		}
		if port != 0 && standIn != 0 {
			port = uint64(standIn)
		}
		reached := c.Reachable(config.Listen{Host: host, Port: uint16(port)})
		if len(reached) > 0 && !slices.ContainsFunc(reached, (*config.Server).FTPEnabled) {
			flag := "-listen"
			if l.Implicit {
				flag = "-implicit"
			}
			p.errorf(config.Pos{File: flag}, "%s: the connections it accepts go to %s, which has FTP Off; give the port a <VirtualHost> with FTP On, or keep one Listen in %s for the flag to move",
				l.Addr, describe(reached[0]), c.File)
		}
	}
	return standIn
}

// routeFor maps a connection to the servers config.Match gives for the
// address it reached. A listener the file gave with port 0 (tests) matches
// as port 0 does in the file, whatever port the kernel picked.
func routeFor(c *config.Config, listeners []loop.Listener, standIn uint16) func(int, netip.AddrPort) []*config.Server {
	zero := make([]bool, len(listeners))
	for i, l := range listeners {
		_, port, err := net.SplitHostPort(l.Addr)
		zero[i] = err == nil && strings.Trim(port, "0") == ""
	}
	return func(listener int, local netip.AddrPort) []*config.Server {
		switch {
		case listener >= 0 && listener < len(zero) && zero[listener]:
			local = netip.AddrPortFrom(local.Addr(), 0)
		case standIn != 0:
			local = netip.AddrPortFrom(local.Addr(), standIn)
		}
		return c.Match(local)
	}
}

// describe names a server in messages, with its position.
func describe(s *config.Server) string {
	if s.Addrs == nil {
		return "the main server"
	}
	return section(s) + " at " + s.At.String()
}

// section names a server without its position, for a message logged at it.
func section(s *config.Server) string {
	if s.Addrs == nil {
		return "the main server"
	}
	addrs := make([]string, len(s.Addrs))
	for i, a := range s.Addrs {
		addrs[i] = a.String()
	}
	return "<VirtualHost " + strings.Join(addrs, " ") + ">"
}

// ftpOptions maps FTPOptions.
func (p *problems) ftpOptions(srv *config.Server, s *settings, fl Flags, f *fileSettings) {
	opts := srv.FTPOptions
	if opts.Has(config.RequireSSL) && !fl.RequireTLS.Set {
		s.requireTLS = true
	}
	for _, x := range []config.FTPOption{config.AllowProxyPASV, config.AllowProxyPORT} {
		if opts.Has(x) {
			p.errorf(opts.At, "FTPOptions %s: not supported, ftpsd never lets a data connection use an address other than the client's; refusing to start rather than differ silently", x)
		}
	}
	f.hostOpts = loop.HostOptions{
		NLSTHideDirs:     !opts.Has(config.NLSTShowDirs),
		NLSTIsLIST:       opts.Has(config.NLSTIsLIST),
		LISTIsNLST:       opts.Has(config.LISTIsNLST),
		NoUTF8Feature:    opts.Has(config.NoUTF8Feature),
		RemoveUserGroup:  opts.Has(config.RemoveUserGroup),
		StripHostname:    opts.Has(config.StripHostname),
		VirtualHostLogin: opts.Has(config.VirtualHostLogin),
	}
}

// ftpSettings maps the other mod_ftp directives.
func (p *problems) ftpSettings(srv *config.Server, root string, scope *config.Scope, s *settings, fl Flags, f *fileSettings) {
	if r := srv.FTPPASVRange; r.Set && !fl.PasvRange.Set {
		s.pasvMin, s.pasvMax = r.Value.Lo, r.Value.Hi
	}
	layer(fl.PasvAddr, srv.FTPPASVAddr, &s.pasvAddr)
	pasvForSettings(srv, s, fl)
	if !fl.Umask.Set {
		s.umask, s.dirUmask = scope.Umask(), scope.DirUmask()
	}
	for _, sc := range scopes(srv) {
		if sc.Kind == config.ScopeServer || appliesAtRoot(sc, root) {
			continue
		}
		p.dirUmask(sc, "FTPUmask", sc.FTPUmask, s.umask)
		p.dirUmask(sc, "FTPDirUmask", sc.FTPDirUmask, s.dirUmask)
	}
	if slices.ContainsFunc(scopes(srv), func(sc *config.Scope) bool { return sc.FTPReadmeMessage.Set }) {
		f.readme = readmeOf(srv)
	}
	layer(fl.LoginTimeout, srv.FTPTimeoutLogin, &s.loginTimeout)
	layer(fl.IdleTimeout, srv.FTPTimeoutIdle, &s.idleTimeout)
	layer(fl.DataIdleTimeout, srv.FTPTimeoutData, &s.dataIdleTimeout)
	if m := srv.FTPBannerMessage; m.Set && !fl.Banner.Set {
		s.banner = p.message(m, "FTPBannerMessage")
	}
	if m := srv.FTPExitMessage; m.Set {
		f.exitMessage = p.message(m, "FTPExitMessage")
	}
	f.pasvBind = srv.FTPPASVBindAddr.Value
	f.activeRange = srv.FTPActiveRange.Value
	f.epsvIgnoreFamily = srv.EPSVIgnoreFamily()
	if h := srv.FTPHomeDir; h.Set {
		f.homeDir = h.Value
	}
	p.limitSettings(srv, s, fl)
	if j := srv.FTPJailUser; j.Set && j.Value {
		if !srv.FTPHomeDir.Set {
			p.errorf(j.At, "FTPJailUser On needs FTPHomeDir: a user is jailed in its home directory, and there is none; refusing to start rather than leave users unjailed")
		}
		f.jail = true
	}
	if e := srv.FTPDocRootEnv; e.Set {
		p.warnf(e.At, "FTPDocRootEnv %s: no part of ftpsd sets per-user variables, so every user is served from DocumentRoot (and FTPHomeDir)", e.Value)
	}
	if b := srv.FTPDataBlockSize; b.Set {
		p.warnf(b.At, "FTPDataBlockSize: not used; ftpsd sends clear data with sendfile, receives it through its own 512 KiB buffers, and moves TLS data in crypto/tls's 16 KiB records")
	}
}

// limitSettings maps FTPLimitLogin*, FTPMaxLoginAttempts and ftpsd's
// FTPRateLimit* and FTPLoginBan onto the limits the user gave no flag for.
// FTPMaxLoginAttempts unset leaves loop's default, which is mod_ftp's (3).
func (p *problems) limitSettings(srv *config.Server, s *settings, fl Flags) {
	l := &s.limits
	layer(fl.MaxSessions, srv.FTPLimitLoginServer, &l.MaxSessions)
	layer(fl.MaxPerIP, srv.FTPLimitLoginIP, &l.MaxSessionsPerIP)
	layer(fl.MaxPerUser, srv.FTPLimitLoginUser, &l.MaxSessionsPerUser)
	layer(fl.MaxLoginAttempts, noneIfZero(srv.FTPMaxLoginAttempts), &l.MaxLoginAttempts)
	layer(fl.RateSession, srv.FTPRateLimitSession, &l.SessionRate)
	layer(fl.RateServer, srv.FTPRateLimitServer, &l.ServerRate)
	layer(fl.HashMaxSize, srv.FTPHashMaxSize, &l.HashMaxBytes)
	layer(fl.HashCache, noneIfZero(srv.FTPHashCache), &l.HashCacheEntries)
	// FTPLoginBan sets three flags' values at once.
	if b := srv.FTPLoginBan; b.Set {
		layer(fl.BanAfter, config.Opt[int]{Value: b.Value.Failures, Set: true}, &l.BanAfter)
		layer(fl.BanWindow, config.Opt[time.Duration]{Value: b.Value.Window, Set: true}, &l.BanWindow)
		layer(fl.BanTime, config.Opt[time.Duration]{Value: b.Value.Duration, Set: true}, &l.BanDuration)
	}
}

// message returns an FTPBannerMessage or FTPExitMessage: its text, or the
// contents of its file, read once at start-up.
func (p *problems) message(m config.Opt[config.Message], name string) string {
	if m.Value.File == "" {
		return m.Value.Text
	}
	b, err := os.ReadFile(m.Value.File)
	if err != nil {
		p.wrap(m.At, err, "%s", name)
		return ""
	}
	return string(b)
}

// logSettings maps ErrorLog, LogLevel and CustomLog. The files are opened
// at start-up (openLogs); here the formats compile and the directories
// must exist.
func (p *problems) logSettings(srv *config.Server, s *settings, fl Flags, f *fileSettings) {
	layer(fl.LogLevel, srv.LogLevel, &s.logLevel)
	if e := srv.ErrorLog; e.Set {
		f.errorLog = e.Value
		p.logDir(e.At, "ErrorLog", e.Value)
	}
	for _, cl := range srv.CustomLogs {
		t := logTarget{at: cl.At, path: cl.Path, kind: ftplog.Commands}
		switch {
		case cl.Env == "":
		case cl.Env == "do_transfer_log" && !cl.EnvNot:
			t.kind = ftplog.Transfers
		default:
			not := ""
			if cl.EnvNot {
				not = "!"
			}
			p.errorf(cl.At, "CustomLog env=%s%s: not supported; ftpsd sets only do_transfer_log (env=do_transfer_log logs transfers, no env= logs every command)", not, cl.Env)
			continue
		}
		fm, err := ftplog.Compile(cl.Format)
		if err != nil {
			p.wrap(cl.At, err, "CustomLog %s", cl.Path)
			continue
		}
		t.format = fm
		p.logDir(cl.At, "CustomLog", cl.Path)
		f.logs = append(f.logs, t)
	}
}

func (p *problems) logDir(at config.Pos, name, file string) {
	dir := filepath.Dir(file)
	fi, err := os.Stat(dir)
	if err != nil {
		p.wrap(at, err, "%s %s", name, file)
		return
	}
	if !fi.IsDir() {
		p.errorf(at, "%s %s: %s is not a directory", name, file, dir)
	}
}

// apply sets what fileSettings carries on a loop.Config built from the
// settings.
func (f *fileSettings) apply(cfg *loop.Config) {
	cfg.ServerName = f.serverName
	cfg.ExitMessage = f.exitMessage
	cfg.Names = f.names
	cfg.Options = f.hostOpts
	cfg.Authorize = f.authorize
	cfg.HomeDir, cfg.Jail = f.homeDir, f.jail
	cfg.PasvBindAddr, cfg.EPSVIgnoreFamily = f.pasvBind, f.epsvIgnoreFamily
	cfg.Readme = f.readme
	cfg.ActiveMin, cfg.ActiveMax = f.activeRange.Lo, f.activeRange.Hi
	if u, ok := cfg.Auth.(*auth.Users); ok {
		u.SetAnonPolicy(f.anonPolicy)
	}
	if cfg.TLS == nil {
		return
	}
	cfg.TLS.MinVersion, cfg.TLS.MaxVersion = f.versions.Min, f.versions.Max
	if f.cipherSuites != nil {
		cfg.TLS.CipherSuites = slices.Clone(f.cipherSuites)
	}
	if f.groups != nil {
		cfg.TLS.CurvePreferences = slices.Clone(f.groups)
	}
	if cfg.TLS.ClientAuth != tls.NoClientCert {
		cfg.TLS.VerifyPeerCertificate = verifyDepth(f.verifyDepth)
	}
}

// logNotes logs Load's notes at info and the settings not acted on at warn
// (through warn, which shows them on standard error too), once each, with
// their file:line.
func (f *fileSettings) logNotes(log *slog.Logger, warn func(string, ...any)) {
	if f == nil {
		return
	}
	for _, n := range f.notes {
		log.Info(n.Msg, "at", n.Pos.String())
	}
	for _, n := range f.warnings {
		warn(n.Msg, "at", n.Pos.String())
	}
}
