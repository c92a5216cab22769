package config

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Bounds a Loader applies when its fields are zero.
const (
	DefaultMaxLineBytes = 64 << 10 // one logical line, continuations included
	DefaultMaxDepth     = 32       // sections nested in one file; Include nesting
	DefaultMaxFiles     = 1000     // files read, the main one included
	DefaultMaxBytes     = 16 << 20 // all files together
	DefaultMaxErrors    = 50       // errors reported; the rest are counted in the last one
)

// Loader reads a configuration. The zero value works: every bound has a default (the Default*
// constants), returned by the accessor of the same name. A Loader is not modified by loading and
// may be used by several goroutines at once.
type Loader struct {
	// Defines are the names <IfDefine> holds, as Apache's -D. Nothing else is defined.
	Defines []string
	// ServerRoot is the initial ServerRoot, as Apache's -d; a ServerRoot directive overrides it.
	// Default: the directory of the main configuration file.
	ServerRoot string

	MaxLineBytes int
	MaxDepth     int
	MaxFiles     int
	MaxBytes     int64
	MaxErrors    int

	fs fileSystem // nil: the operating system's; tests substitute a map
}

func (l *Loader) maxLineBytes() int { return orDefault(l.MaxLineBytes, DefaultMaxLineBytes) }
func (l *Loader) maxDepth() int     { return orDefault(l.MaxDepth, DefaultMaxDepth) }
func (l *Loader) maxFiles() int     { return orDefault(l.MaxFiles, DefaultMaxFiles) }
func (l *Loader) maxErrors() int    { return orDefault(l.MaxErrors, DefaultMaxErrors) }
func (l *Loader) maxBytes() int64   { return orDefault(l.MaxBytes, DefaultMaxBytes) }

func orDefault[T int | int64](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

func (l *Loader) fileSystem() fileSystem {
	if l.fs != nil {
		return l.fs
	}
	return osFS{}
}

// Load reads the configuration file at path with a zero Loader and the given -D defines. It
// returns the configuration and the notes to log once each, or, when anything is wrong, a nil
// Config and an ErrorList of every error found (file:line each, sorted, at most
// DefaultMaxErrors). Notes are returned in both cases.
func Load(path string, defines ...string) (*Config, []Note, error) {
	l := Loader{Defines: defines}
	return l.Load(path)
}

// Load reads the configuration file at path; see the package function Load.
func (l *Loader) Load(path string) (*Config, []Note, error) {
	return l.load(path, nil, false)
}

// LoadSource is Load with the main file's contents given: src is parsed as if read from name
// (which names it in errors and anchors its relative Includes); included files are read from
// the file system.
func (l *Loader) LoadSource(name string, src []byte) (*Config, []Note, error) {
	return l.load(name, src, true)
}

func (l *Loader) load(name string, src []byte, haveSrc bool) (*Config, []Note, error) {
	d := &diag{}
	fsys := l.fileSystem()
	x := &expander{
		fs: fsys, defines: map[string]bool{}, d: d,
		maxLine: l.maxLineBytes(), maxDepth: l.maxDepth(), maxFiles: l.maxFiles(), maxBytes: l.maxBytes(),
	}
	for _, def := range l.Defines {
		x.defines[def] = true
	}
	var nodes []*node
	if haveSrc {
		if int64(len(src)) > x.maxBytes {
			d.errorf(Pos{File: name}, ErrLimit, nil, "configuration larger than %d bytes in total", x.maxBytes)
		} else {
			x.files, x.bytes = 1, int64(len(src))
			x.stack = []string{fsys.abs(name)}
			nodes = x.expand(parseFile(name, src, x.maxLine, x.maxDepth, d), filepath.Dir(name))
		}
	} else {
		nodes = x.readFile(name, Pos{File: name})
	}

	cfg := &Config{File: name, Main: newServer(Pos{})}
	w := &walker{cfg: cfg, d: d}
	w.block(nodes, place{ctx: ctxServer, srv: cfg.Main, scope: cfg.Main.Dir})

	base := filepath.Dir(fsys.abs(name))
	root := base
	if l.ServerRoot != "" {
		root = resolve(base, l.ServerRoot)
	}
	if w.serverRoot.Set {
		root = resolve(base, w.serverRoot.Value)
	}
	cfg.ServerRoot = filepath.Clean(root)
	finish(cfg, d)

	if errs := d.list(l.maxErrors()); errs != nil {
		return nil, d.notes, errs
	}
	return cfg, d.notes, nil
}

// finish completes a configuration whose directives have all been read: it makes paths absolute
// against ServerRoot, resolves CustomLog nicknames, builds the effective servers and checks what
// only the whole configuration can tell.
func finish(cfg *Config, d *diag) {
	all := append([]*Server{cfg.Main}, cfg.VirtualHosts...)
	for _, s := range all {
		resolvePaths(s, cfg.ServerRoot)
		resolveLogFormats(s, cfg.Main, d)
	}
	cfg.servers = make([]*Server, 0, len(all))
	cfg.servers = append(cfg.servers, effectiveMain(cfg.Main))
	for _, v := range cfg.VirtualHosts {
		cfg.servers = append(cfg.servers, merge(cfg.Main, v))
	}
	checkListen(cfg, d)
	reachable := cfg.MainReachable()
	anyFTP := false
	for i, s := range cfg.servers {
		if i == 0 && !reachable {
			continue
		}
		checkServer(s, d)
		anyFTP = anyFTP || s.FTPEnabled()
	}
	if !anyFTP {
		d.note(Pos{File: cfg.File}, "no server has FTP On: every connection will be refused")
	}
}

func resolvePaths(s *Server, root string) {
	abs := func(o *Opt[string]) {
		if o.Set {
			o.Value = resolve(root, o.Value)
		}
	}
	abs(&s.DocumentRoot)
	abs(&s.ErrorLog)
	abs(&s.FTPLimitDBFile)
	abs(&s.Process.PidFile)
	abs(&s.SSL.CertificateChainFile)
	abs(&s.SSL.CACertificateFile)
	abs(&s.Process.SessionTicketKeyFile)
	for i := range s.SSL.CertificateFile {
		abs(&s.SSL.CertificateFile[i])
	}
	for i := range s.SSL.CertificateKeyFile {
		abs(&s.SSL.CertificateKeyFile[i])
	}
	for _, m := range []*Opt[Message]{&s.FTPBannerMessage, &s.FTPExitMessage} {
		if m.Set && m.Value.File != "" {
			m.Value.File = resolve(root, m.Value.File)
		}
	}
	for i := range s.CustomLogs {
		s.CustomLogs[i].Path = resolve(root, s.CustomLogs[i].Path)
	}
	scopes := append([]*Scope{s.Dir}, s.Directories...)
	scopes = append(scopes, s.Locations...)
	for _, sc := range scopes {
		abs(&sc.AuthUserFile)
		abs(&sc.AuthGroupFile)
		if sc.Kind == ScopeDirectory {
			sc.Path = filepath.Clean(resolve(root, sc.Path))
		}
	}
}

// resolveLogFormats fills each CustomLog's Format from its nickname, looked up in the server's
// LogFormats and then the main server's, as mod_log_config does when it opens the logs (so a
// LogFormat may come after the CustomLog that uses it).
func resolveLogFormats(s, main *Server, d *diag) {
	for i := range s.CustomLogs {
		cl := &s.CustomLogs[i]
		if cl.Nickname == "" {
			continue
		}
		if f, ok := s.LogFormats[cl.Nickname]; ok {
			cl.Format = f.Value
		} else if f, ok := main.LogFormats[cl.Nickname]; ok {
			cl.Format = f.Value
		} else {
			d.errorf(cl.At, ErrValue, nil, "CustomLog: unknown log format nickname %s (define it with LogFormat \"format\" %s)",
				quoteName(cl.Nickname), quoteName(cl.Nickname))
		}
	}
}

// checkServer checks an effective server.
func checkServer(s *Server, d *diag) {
	if s.ImplicitSSL() && !s.TLSEnabled() {
		d.errorf(s.FTPImplicitSSL.At, ErrValue, nil, "FTPImplicitSSL On needs SSLEngine on in the same server")
	}
	if s.FTPOptions.Has(RequireSSL) && !s.TLSEnabled() {
		d.errorf(s.FTPOptions.At, ErrValue, nil, "FTPOptions RequireSSL needs SSLEngine on in the same server")
	}
	if n := len(s.SSL.CertificateFile); len(s.SSL.CertificateKeyFile) > n {
		k := s.SSL.CertificateKeyFile[n]
		d.errorf(k.At, ErrValue, nil, "SSLCertificateKeyFile without a matching SSLCertificateFile before it")
	}
}

// checkListen rejects duplicate listeners and computes each listener's Implicit.
func checkListen(cfg *Config, d *diag) {
	for i := range cfg.Listen {
		l := &cfg.Listen[i]
		for _, prev := range cfg.Listen[:i] {
			if l.Port == 0 || prev.Port != l.Port {
				continue
			}
			if strings.EqualFold(prev.Host, l.Host) {
				d.errorf(l.At, ErrValue, nil, "Listen %s: already listening there (line %d)", l.Addr(), prev.At.Line)
			} else if prev.Host == "" || l.Host == "" {
				d.errorf(l.At, ErrValue, nil, "Listen %s overlaps Listen %s (line %d) on every address", l.Addr(), prev.Addr(), prev.At.Line)
			}
		}
		servers := cfg.Reachable(*l)
		l.Implicit = servers[0].ImplicitSSL()
		for _, s := range servers[1:] {
			if s.ImplicitSSL() != l.Implicit {
				d.errorf(l.At, ErrValue, nil, "Listen %s reaches servers with and without FTPImplicitSSL On (%s and %s); give implicit TLS its own port",
					l.Addr(), servers[0].describe(), s.describe())
				break
			}
		}
	}
	for _, v := range cfg.VirtualHosts {
		for _, a := range v.Addrs {
			if a.Port == 0 || len(cfg.Listen) == 0 {
				continue
			}
			found := false
			for _, l := range cfg.Listen {
				found = found || l.Port == a.Port || l.Port == 0
			}
			if !found {
				d.note(v.At, "<VirtualHost %s>: no Listen directive opens port %d", a, a.Port)
			}
		}
	}
}

// describe names a server in messages.
func (s *Server) describe() string {
	if s.Addrs == nil {
		return "the main server"
	}
	return "the <VirtualHost> at line " + strconv.Itoa(s.At.Line)
}

// MainReachable reports whether some connection can end up on the main server: when there is
// no Listen (the caller supplies listeners) or a Listen address no virtual host claims. Load
// checks the main server's settings only then.
func (c *Config) MainReachable() bool {
	if len(c.Listen) == 0 {
		return true
	}
	for _, l := range c.Listen {
		if slices.Contains(c.Reachable(l), c.servers[0]) {
			return true
		}
	}
	return false
}
