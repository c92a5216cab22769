package setup

import (
	"crypto/tls"
	"io"
	"log/slog"

	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// Plan is a configuration checked and layered: the configuration file (or
// none) with the command line's Flags over it. It is what -t checks, and
// what Build turns into the server's loop.Config.
type Plan struct {
	s    *settings
	file *fileSettings // nil without a configuration file
	logs flagLogs      // -error-log, -command-log, -transfer-log
}

// Load lays fl over the configuration file at path ("": no file, only the
// flags and the defaults count). It opens what the server would use
// (certificates, keys, CA, htpasswd, group and message files) and checks
// the log directories, but creates no file and binds no port. The errors,
// each printed "file:line: message" for a file's, are every reason the
// configuration cannot be served. Runs at start-up only.
func Load(path string, fl Flags) (*Plan, []error) {
	return load(path, fl, false, nil)
}

// load is Load, or at a reload (reload.go) the same with the certificate
// the server generated, which every server without a certificate file
// keeps.
func load(path string, fl Flags, reloading bool, generated *tls.Certificate) (*Plan, []error) {
	p := &Plan{s: resolve(fl)}
	p.s.reloading, p.s.generated = reloading, generated
	var errs []error
	if p.logs, errs = checkFlagLogs(fl); len(errs) > 0 {
		return nil, errs
	}
	if path == "" {
		return p.checked()
	}
	p.file, errs = loadFile(path, p.s, fl)
	if len(errs) > 0 {
		return nil, errs
	}
	return p.checked()
}

// Profile is the profile to run (-profile, FTPProfile): "" for none.
func (p *Plan) Profile() string { return p.s.profile }

// NobodyCanLogIn returns the warning to log when no login is possible (no
// user file and no anonymous login for the first server), else "".
func (p *Plan) NobodyCanLogIn() string {
	switch {
	case p.s.anonymous || p.s.users != "":
		return ""
	case p.file != nil:
		return "no AuthUserFile or Anonymous for the document root, nor -users or -anonymous: nobody can log in"
	}
	return "neither -anonymous nor -users given: nobody can log in"
}

// OpenLogs opens the error log and the command and transfer logs, creating
// the files that do not exist, and logs the configuration's notes (at info)
// and warnings (at warn) to the error log. Runs at start-up only.
func (p *Plan) OpenLogs(stderr io.Writer) (*Logs, error) {
	logs, err := openAllLogs(p.s.logLevel, p.file, p.logs, stderr)
	if err != nil {
		return nil, err
	}
	p.file.logNotes(logs.log, logs.Warn)
	return logs, nil
}

// Server is what Build makes: the server's configuration, every virtual
// host and the route included, and the certificates SIGHUP reloads.
type Server struct {
	plan *Plan // what was built, for a reload to compare (reload.go)

	Config  loop.Config
	reloads []certReload
	file    bool
	tickets ticketReload // the shared session-ticket keys SIGHUP reloads (fleet.go)
}

// Build makes the server's configuration: certificates loaded (or
// generated, logged with their fingerprint), the document root checked,
// the logins, the virtual hosts and their route, and logs' targets. Runs
// at start-up only.
func (p *Plan) Build(logs *Logs) (*Server, error) {
	log := logs.log
	certs, cfg, err := p.s.build(p.file, log)
	if err != nil {
		return nil, err
	}
	cfg.Log = logs.access
	srv := &Server{reloads: []certReload{{p.s.cert, certs}}, file: p.file != nil, plan: p}
	if p.file != nil {
		more, err := p.file.addHosts(&cfg, logs, log)
		if err != nil {
			return nil, err
		}
		srv.reloads = append(srv.reloads, more...)
	}
	srv.Config = cfg
	srv.tickets = ticketReloadFor(p.s.ticketKeys, &cfg)
	return srv, nil
}

// ReloadCerts reads every certificate file again (SIGHUP): new handshakes
// use the new certificates, sessions carry on. It logs what it did. Runs on
// the signal-handling goroutine, never on the loop: it reads the disk.
func (s *Server) ReloadCerts(log *slog.Logger) {
	reloaded := false
	for _, r := range s.reloads {
		reloaded = r.reload(log) || reloaded
	}
	s.tickets.reload(log)
	switch {
	case reloaded:
	case s.file:
		log.Info("SIGHUP: no certificate file to reload")
	default:
		log.Info("SIGHUP: no -cert to reload")
	}
}

// build makes the certificate store (nil without TLS) and the server's
// configuration from the settings and, with a file, its other settings.
func (s *settings) build(file *fileSettings, log *slog.Logger) (*tlsstate.CertStore, loop.Config, error) {
	certs, err := s.loadCerts(log)
	if err != nil {
		return nil, loop.Config{}, err
	}
	cfg, err := s.config(log, certs)
	if err != nil {
		return nil, loop.Config{}, err
	}
	if file != nil {
		file.apply(&cfg)
	}
	return certs, cfg, nil
}
