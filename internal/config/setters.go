package config

import (
	"io/fs"
	"net/netip"
	"path"
	"strings"
	"time"
)

// The setters of the directive table (directives.go): each checks a directive's arguments and
// sets the model at the place the walk stands.

func newServer(at Pos) *Server {
	return &Server{At: at, LogFormats: map[string]Opt[string]{}, Dir: &Scope{Kind: ScopeServer, At: at}}
}

// Section setters.

func setVirtualHost(w *walker, p *place, n *node) error {
	srv := newServer(n.pos)
	var bad error
	for _, a := range n.args {
		addr, err := parseHostAddr(a)
		if err != nil {
			bad = err
			break
		}
		srv.Addrs = append(srv.Addrs, addr)
	}
	// Walk the contents even when an address is bad, so that their errors show too.
	w.block(n.body, place{ctx: ctxVHost, srv: srv, scope: srv.Dir})
	if bad != nil {
		return bad
	}
	w.cfg.VirtualHosts = append(w.cfg.VirtualHosts, srv)
	return nil
}

// parseHostAddr reads a <VirtualHost> address: _default_, *, an IPv4 address or a bracketed IPv6
// address, each with an optional :port where * is any port. Names are refused: ftpsd does not
// resolve host names while it reads its configuration.
func parseHostAddr(s string) (HostAddr, error) {
	host, port := s, ""
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return HostAddr{}, errorf("%s: unterminated [IPv6] address", quoteName(s))
		}
		host, port = s[1:end], s[end+1:]
		if port != "" && port[0] != ':' {
			return HostAddr{}, errorf("%s is not addr:port", quoteName(s))
		}
		port = strings.TrimPrefix(port, ":")
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 && strings.Count(s, ":") == 1 {
		host, port = s[:i], s[i+1:]
	}
	var a HostAddr
	switch {
	case host == "*":
		a.Kind = AddrAny
	case strings.EqualFold(host, "_default_"):
		a.Kind = AddrDefault
	default:
		ip, err := netip.ParseAddr(host)
		if err != nil || ip.Zone() != "" {
			return HostAddr{}, errorf("%s is not an IP address, * or _default_ (ftpsd does not resolve host names)", quoteName(host))
		}
		a.Kind, a.IP = AddrIP, ip.Unmap()
	}
	if port != "" && port != "*" {
		v, err := parsePort(port, 0)
		if err != nil {
			return HostAddr{}, err
		}
		a.Port = v
	}
	return a, nil
}

func setScope(kind ScopeKind) func(w *walker, p *place, n *node) error {
	return func(w *walker, p *place, n *node) error {
		raw := n.args[0]
		if raw == "~" || strings.HasPrefix(raw, "~") {
			return errorf("regular-expression sections are not supported; use a path with * ? [...] wildcards")
		}
		if raw == "" || strings.IndexByte(raw, 0) >= 0 {
			return errorf("%s is not a path", quoteName(raw))
		}
		sc := &Scope{Kind: kind, At: n.pos}
		if kind == ScopeLocation {
			if raw[0] != '/' {
				return errorf("%s is not a virtual path (it must start with /)", quoteName(raw))
			}
			sc.Path = path.Clean(raw)
		} else {
			sc.Path = raw // cleaned and made absolute against ServerRoot once that is known
		}
		ctx := ctxDirectory
		if kind == ScopeLocation {
			ctx = ctxLocation
		}
		w.block(n.body, place{ctx: ctx, srv: p.srv, scope: sc})
		if kind == ScopeLocation {
			p.srv.Locations = append(p.srv.Locations, sc)
		} else {
			p.srv.Directories = append(p.srv.Directories, sc)
		}
		return nil
	}
}

func setLimit(except bool) func(w *walker, p *place, n *node) error {
	return func(w *walker, p *place, n *node) error {
		verbs, err := parseVerbs(n.args)
		l := &Limit{At: n.pos, Except: except, Verbs: verbs}
		w.block(n.body, place{ctx: ctxLimit, srv: p.srv, scope: p.scope, limit: l})
		if err != nil {
			return err
		}
		p.scope.Limits = append(p.scope.Limits, l)
		return nil
	}
}

// Generic setters.

func flag(get func(*Server) *Opt[bool]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseOnOff(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

func scopeFlag(get func(*Scope) *Opt[bool]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseOnOff(n.args[0])
		if err == nil {
			*get(p.scope) = setOpt(v, n.pos)
		}
		return err
	}
}

func pathOpt(get func(*Server) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parsePath(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

func scopePath(get func(*Scope) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parsePath(n.args[0])
		if err == nil {
			*get(p.scope) = setOpt(v, n.pos)
		}
		return err
	}
}

func intOpt(get func(*Server) *Opt[int], lo, hi uint64, what string) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseUint(n.args[0], lo, hi, what)
		if err == nil {
			*get(p.srv) = setOpt(int(v), n.pos)
		}
		return err
	}
}

func seconds(get func(*Server) *Opt[time.Duration]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseSeconds(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

// duration reads whole seconds, as Apache's timeouts are written, or a Go duration ("500ms").
func duration(get func(*Server) *Opt[time.Duration]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		s := n.args[0]
		if v, err := parseUint(s, 0, 86400, "a number of seconds"); err == nil {
			*get(p.srv) = setOpt(time.Duration(v)*time.Second, n.pos)
			return nil
		}
		v, err := time.ParseDuration(s)
		if err != nil || v < 0 || v > 24*time.Hour {
			return errorf("%s is not a number of seconds or a duration such as 500ms (at most 24h)", quoteName(s))
		}
		*get(p.srv) = setOpt(v, n.pos)
		return nil
	}
}

// keyword reads one of a fixed set of words, without regard to case.
func keyword(get func(*Server) *Opt[string], words ...string) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		for _, w := range words {
			if strings.EqualFold(n.args[0], w) {
				*get(p.srv) = setOpt(w, n.pos)
				return nil
			}
		}
		return errorf("%s is not one of %s", quoteName(n.args[0]), strings.Join(words, ", "))
	}
}

func portRange(get func(*Server) *Opt[PortRange]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseRange(n.args)
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

func umask(get func(*Scope) *Opt[fs.FileMode]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseUmask(n.args[0])
		if err == nil {
			*get(p.scope) = setOpt(v, n.pos)
		}
		return err
	}
}

func message(get func(*Server) *Opt[Message]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parseMessage(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

func noteOnly(msg string) func(*walker, *place, *node) error {
	return func(w *walker, _ *place, n *node) error {
		w.d.note(n.pos, "%s", msg)
		return nil
	}
}

// Specific setters.

func setListen(w *walker, _ *place, n *node) error {
	l := Listen{At: n.pos}
	a := n.args[0]
	host, port := "", a
	if strings.HasPrefix(a, "[") {
		end := strings.Index(a, "]:")
		if end < 0 {
			return errorf("%s is not [IPv6]:port", quoteName(a))
		}
		host, port = a[1:end], a[end+2:]
		if _, err := parseIP(host); err != nil {
			return err
		}
	} else if i := strings.LastIndexByte(a, ':'); i >= 0 {
		host, port = a[:i], a[i+1:]
		if strings.IndexByte(host, ':') >= 0 {
			return errorf("%s: write an IPv6 address in brackets, [addr]:port", quoteName(a))
		}
		if host == "*" {
			host = ""
		} else if err := parseHostName(host, false); err != nil {
			return err
		}
	}
	p, err := parsePort(port, 0)
	if err != nil {
		return err
	}
	l.Host, l.Port = host, p
	if len(n.args) == 2 {
		proto := strings.ToLower(n.args[1])
		for i := 0; i < len(proto); i++ {
			if c := proto[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return errorf("%s is not a protocol name", quoteName(n.args[1]))
			}
		}
		l.Protocol = proto
	}
	w.cfg.Listen = append(w.cfg.Listen, l)
	return nil
}

func setServerRoot(w *walker, _ *place, n *node) error {
	v, err := parsePath(n.args[0])
	if err == nil {
		w.serverRoot = setOpt(v, n.pos)
	}
	return err
}

func setServerName(_ *walker, p *place, n *node) error {
	s := n.args[0]
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	host := s
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return errorf("%s: unterminated [IPv6] address", quoteName(n.args[0]))
		}
		host = s[1:end]
		if rest := s[end+1:]; rest != "" {
			if _, err := parsePort(strings.TrimPrefix(rest, ":"), 1); err != nil || rest[0] != ':' {
				return errorf("%s is not host[:port]", quoteName(n.args[0]))
			}
		}
	} else if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host = s[:i]
		if _, err := parsePort(s[i+1:], 1); err != nil {
			return errorf("%s is not host[:port]", quoteName(n.args[0]))
		}
	}
	if err := parseHostName(host, false); err != nil {
		return err
	}
	p.srv.ServerName = setOpt(host, n.pos)
	return nil
}

func setServerAlias(_ *walker, p *place, n *node) error {
	for _, a := range n.args {
		if err := parseHostName(a, true); err != nil {
			return err
		}
	}
	p.srv.ServerAlias = append(p.srv.ServerAlias, n.args...)
	return nil
}

func setLogLevel(w *walker, p *place, n *node) error {
	lvl, ok, err := parseLogLevel(n.args, w.notef(n.pos))
	if err == nil && ok {
		p.srv.LogLevel = setOpt(lvl, n.pos)
	}
	return err
}

func setLogFormat(w *walker, p *place, n *node) error {
	f := n.args[0]
	if len(n.args) == 2 {
		if err := checkLogFormat(f); err != nil {
			return err
		}
		if n.args[1] == "" {
			return errorf("empty nickname")
		}
		p.srv.LogFormats[n.args[1]] = setOpt(f, n.pos)
		return nil
	}
	// One argument: a nickname defined before sets the default format to its format, anything
	// else is the default format itself.
	if v, ok := p.srv.LogFormats[f]; ok && f != "" {
		p.srv.LogFormats[""] = setOpt(v.Value, n.pos)
		return nil
	}
	if v, ok := w.cfg.Main.LogFormats[f]; ok && f != "" {
		p.srv.LogFormats[""] = setOpt(v.Value, n.pos)
		return nil
	}
	if err := checkLogFormat(f); err != nil {
		return err
	}
	p.srv.LogFormats[""] = setOpt(f, n.pos)
	return nil
}

func setCustomLog(_ *walker, p *place, n *node) error {
	file, err := parsePath(n.args[0])
	if err != nil {
		return err
	}
	cl := CustomLog{At: n.pos, Path: file}
	f := n.args[1]
	// As mod_log_config: an argument with a % or a space is a format, anything else names one
	// (resolved once every LogFormat has been read).
	if strings.ContainsAny(f, "% \t") {
		if err := checkLogFormat(f); err != nil {
			return err
		}
		cl.Format = f
	} else {
		if f == "" {
			return errorf("empty format")
		}
		cl.Nickname = f
	}
	if len(n.args) == 3 {
		c := n.args[2]
		switch {
		case strings.HasPrefix(c, "env="):
			v := c[len("env="):]
			if strings.HasPrefix(v, "!") {
				cl.EnvNot, v = true, v[1:]
			}
			if !isVarName(v) {
				return errorf("%s is not env=VARIABLE or env=!VARIABLE", quoteName(c))
			}
			cl.Env = v
		case strings.HasPrefix(c, "expr="):
			return errorf("expr= conditions are not supported; use env=VARIABLE")
		default:
			return errorf("%s is not env=VARIABLE or env=!VARIABLE", quoteName(c))
		}
	}
	p.srv.CustomLogs = append(p.srv.CustomLogs, cl)
	return nil
}

func isVarName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func setCertFile(key bool) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := parsePath(n.args[0])
		if err != nil {
			return err
		}
		if key {
			p.srv.SSL.CertificateKeyFile = append(p.srv.SSL.CertificateKeyFile, setOpt(v, n.pos))
		} else {
			p.srv.SSL.CertificateFile = append(p.srv.SSL.CertificateFile, setOpt(v, n.pos))
		}
		return nil
	}
}

func setVerifyClient(_ *walker, p *place, n *node) error {
	var v VerifyClient
	switch strings.ToLower(n.args[0]) {
	case "none":
		v = VerifyNone
	case "optional":
		v = VerifyOptional
	case "require":
		v = VerifyRequire
	case "optional_no_ca":
		v = VerifyOptionalNoCA
	default:
		return errorf("%s is not none, optional, require or optional_no_ca", quoteName(n.args[0]))
	}
	p.srv.SSL.VerifyClient = setOpt(v, n.pos)
	return nil
}

func setSSLProtocol(w *walker, p *place, n *node) error {
	v, err := parseSSLProtocol(n.args, w.notef(n.pos))
	if err == nil {
		p.srv.SSL.Protocol = setOpt(v, n.pos)
	}
	return err
}

func setCipherSuite(w *walker, p *place, n *node) error {
	spec := n.args[0]
	if len(n.args) == 2 {
		switch strings.ToUpper(n.args[0]) {
		case "SSL":
		case "TLSV1.3":
			w.d.note(n.pos, "SSLCipherSuite TLSv1.3: ignored, crypto/tls does not let TLS 1.3 suites be configured")
			return nil
		default:
			return errorf("%s is not SSL or TLSv1.3", quoteName(n.args[0]))
		}
		spec = n.args[1]
	}
	ids, err := parseCipherSuite(spec, w.notef(n.pos))
	if err == nil {
		p.srv.SSL.CipherSuite = setOpt(ids, n.pos)
	}
	return err
}

// setOpenSSLConfCmd reads SSLOpenSSLConfCmd for the one OpenSSL command crypto/tls has a
// counterpart for: Curves (or its synonym Groups), the key-exchange groups. Any other command is
// an error naming the directive that covers it, rather than a setting silently not applied.
func setOpenSSLConfCmd(w *walker, p *place, n *node) error {
	switch cmd := n.args[0]; strings.ToLower(cmd) {
	case "curves", "groups":
		ids, err := parseGroups(n.args[1], w.notef(n.pos))
		if err == nil {
			p.srv.SSL.Groups = setOpt(ids, n.pos)
		}
		return err
	case "minprotocol", "maxprotocol", "protocol":
		return errorf("%s is not supported; set the protocols with SSLProtocol", quoteName(cmd))
	case "ciphersuites", "cipherstring":
		return errorf("%s is not supported; set the TLS 1.2 suites with SSLCipherSuite (crypto/tls does not let TLS 1.3 suites be configured)", quoteName(cmd))
	default:
		return errorf("%s is not supported; ftpsd takes Curves (or Groups) only", quoteName(cmd))
	}
}

func setSSLUserName(_ *walker, p *place, n *node) error {
	v := strings.ToUpper(n.args[0])
	if !sslUserNames[v] {
		return errorf("%s is not supported (SSL_CLIENT_S_DN_CN, SSL_CLIENT_S_DN_UID, SSL_CLIENT_S_DN_Email, SSL_CLIENT_SAN_Email_0, SSL_CLIENT_S_DN)", quoteName(n.args[0]))
	}
	if v == "SSL_CLIENT_S_DN_E" {
		v = "SSL_CLIENT_S_DN_EMAIL"
	}
	p.srv.SSL.UserName = setOpt(v, n.pos)
	return nil
}

func setFTPOptions(_ *walker, p *place, n *node) error {
	type change struct {
		op  byte // 0, '+' or '-'
		opt FTPOption
	}
	changes := make([]change, 0, len(n.args))
	bare, signed := false, false
	for _, a := range n.args {
		c := change{}
		name := a
		if a != "" && (a[0] == '+' || a[0] == '-') {
			c.op, name = a[0], a[1:]
			signed = true
		} else {
			bare = true
		}
		for _, x := range ftpOptionNames {
			if strings.EqualFold(x.name, name) {
				c.opt = x.opt
			}
		}
		if c.opt == 0 {
			return errorf("unknown option %s", quoteName(a))
		}
		changes = append(changes, c)
	}
	if bare && signed {
		return errorf("either every option starts with + or -, or none does")
	}
	o := &p.srv.FTPOptions
	if bare {
		*o = Options{Replace: true}
	}
	for _, c := range changes {
		switch c.op {
		case '+':
			o.Add |= c.opt
			o.Remove &^= c.opt
		case '-':
			o.Remove |= c.opt
			o.Add &^= c.opt
		default:
			o.Base |= c.opt
		}
	}
	o.At = n.pos
	return nil
}

func setPASVAddr(_ *walker, p *place, n *node) error {
	a, err := parseIP(n.args[0])
	if err != nil {
		return err
	}
	if !a.Is4() {
		return errorf("%s is not an IPv4 address (a 227 reply carries IPv4 only)", quoteName(n.args[0]))
	}
	p.srv.FTPPASVAddr = setOpt(a, n.pos)
	return nil
}

func setPASVBindAddr(_ *walker, p *place, n *node) error {
	a, err := parseIP(n.args[0])
	if err == nil {
		p.srv.FTPPASVBindAddr = setOpt(a, n.pos)
	}
	return err
}

func setReadme(_ *walker, p *place, n *node) error {
	v, err := parseMessage(n.args[0])
	if err == nil {
		p.scope.FTPReadmeMessage = setOpt(v, n.pos)
	}
	return err
}

func setHomeDir(_ *walker, p *place, n *node) error {
	v := n.args[0]
	if v == "" || strings.IndexByte(v, 0) >= 0 {
		return errorf("%s is not a path", quoteName(v))
	}
	p.srv.FTPHomeDir = setOpt(path.Clean("/"+v), n.pos)
	return nil
}

func setDocRootEnv(_ *walker, p *place, n *node) error {
	if !isVarName(n.args[0]) {
		return errorf("%s is not an environment variable name", quoteName(n.args[0]))
	}
	p.srv.FTPDocRootEnv = setOpt(n.args[0], n.pos)
	return nil
}

func setLimitDBFile(w *walker, p *place, n *node) error {
	v, err := parsePath(n.args[0])
	if err != nil {
		return err
	}
	p.srv.FTPLimitDBFile = setOpt(v, n.pos)
	w.d.note(n.pos, "FTPLimitDBFile: not used, ftpsd counts sessions for FTPLimitLogin* in its own memory: one process serves every session, so there is nothing to share through a file")
	return nil
}

func setLowPortSock(w *walker, p *place, n *node) error {
	v, err := parseOnOff(n.args[0])
	if err != nil {
		return err
	}
	p.srv.FTPLowPortSock = setOpt(v, n.pos)
	w.d.note(n.pos, "FTPLowPortSock: ignored, ftpsd never binds port 20 for active connections")
	return nil
}

func setAuthType(_ *walker, p *place, n *node) error {
	switch strings.ToLower(n.args[0]) {
	case "basic":
		p.scope.AuthType = setOpt(AuthBasic, n.pos)
	case "none":
		p.scope.AuthType = setOpt(AuthNone, n.pos)
	default:
		return errorf("%s is not supported; FTP sends a user and a password, so use Basic", quoteName(n.args[0]))
	}
	return nil
}

func setAuthName(_ *walker, p *place, n *node) error {
	p.scope.AuthName = setOpt(n.args[0], n.pos)
	return nil
}

func setProviders(_ *walker, p *place, n *node) error {
	var out []Provider
	for _, a := range n.args {
		switch v := Provider(strings.ToLower(a)); v {
		case ProviderFile, ProviderAnon:
			out = append(out, v)
		default:
			return errorf("provider %s is not supported (file, anon)", quoteName(a))
		}
	}
	p.scope.AuthBasicProvider = setOpt(out, n.pos)
	return nil
}

func setAnonymous(_ *walker, p *place, n *node) error {
	for _, a := range n.args {
		if a == "" {
			return errorf("empty user name")
		}
	}
	// mod_authn_anon adds to the list with each line.
	names := append(append([]string(nil), p.scope.Anonymous.Value...), n.args...)
	p.scope.Anonymous = setOpt(names, n.pos)
	return nil
}

func setRequire(_ *walker, p *place, n *node) error {
	r := Require{At: n.pos}
	rest := n.args[1:]
	switch strings.ToLower(n.args[0]) {
	case "valid-user":
		if len(rest) != 0 {
			return errorf("valid-user takes no names")
		}
		r.Kind = RequireValidUser
	case "user", "group":
		if len(rest) == 0 {
			return errorf("%s needs at least one name", strings.ToLower(n.args[0]))
		}
		r.Kind, r.Names = RequireUser, rest
		if strings.EqualFold(n.args[0], "group") {
			r.Kind = RequireGroup
		}
	case "all":
		if len(rest) != 1 {
			return errorf("all takes granted or denied")
		}
		switch strings.ToLower(rest[0]) {
		case "granted":
			r.Kind = RequireAllGranted
		case "denied":
			r.Kind = RequireAllDenied
		default:
			return errorf("all takes granted or denied, not %s", quoteName(rest[0]))
		}
	case "not":
		return errorf("Require not needs <RequireAll>, which ftpsd does not support")
	case "ip", "host", "env", "method", "expr", "local", "forward-dns", "file-owner", "file-group":
		return errorf("Require %s is not supported (valid-user, user, group, all granted, all denied)", strings.ToLower(n.args[0]))
	default:
		return errorf("unknown requirement %s (valid-user, user, group, all granted, all denied)", quoteName(n.args[0]))
	}
	if p.limit != nil {
		p.limit.Require = append(p.limit.Require, r)
	} else {
		p.scope.Require = append(p.scope.Require, r)
	}
	return nil
}
