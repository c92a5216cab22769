package setup

// Reloading the whole configuration at SIGHUP (issue 16, item 3).
//
// A reload runs what start-up runs, Load then Build, on the configuration
// file (or, without one, on the files the flags name: -users, the group
// file, -cert/-key, -client-ca), with the same flags. Only when all of it
// succeeds is the result handed to the server (loop.Server.Reload), which
// gives new sessions the new hosts and leaves running sessions on theirs.
// Anything that fails leaves the old configuration serving and logs each
// error as -t prints it ("file:line: message").
//
// What a running process cannot change is kept and reported at warn as
// needing a restart: the listeners, event loops, workers, timeouts and
// server-wide limits (loop reports those), User, Group, PidFile, the state
// directory, the error log and its level, the profile. The command and
// transfer logs are a host's and do change: a CustomLog file that stays is
// shared with the running sessions, a new one is opened, and one no longer
// named stays open (and is reopened at rotation) until the server stops,
// since sessions from before may still write to it.

import (
	"crypto/tls"
	"maps"

	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/loop"
)

// Apply hands a new configuration to the running server: loop's
// Server.Reload. It returns the settings it could not apply.
type Apply func(loop.Config) (needRestart []string, err error)

// Reload reads the configuration again from path ("" for the flags only),
// with the flags fl the server started with, builds it whole and, when
// that succeeds, applies it. It returns the configuration now serving: the
// new one, or s when the reload failed, in which case s's certificate files
// are read again all the same (what SIGHUP did before whole reloads), so a
// renewed certificate is served even while the file has a mistake. It
// logs every error and every setting that needs a restart. logs are the
// server's; they take the new command and transfer logs on success. Runs
// on main's goroutine (it reads the disk), never on the loop; calls must
// not overlap.
func (s *Server) Reload(path string, fl Flags, logs *Logs, apply Apply) *Server {
	log := logs.log
	next, nextLogs, errs := s.rebuild(path, fl, logs)
	if len(errs) == 0 {
		restart, err := apply(next.Config)
		if err == nil {
			logs.adopt(nextLogs)
			for _, name := range append(restart, s.plan.restartNeeded(next.plan)...) {
				log.Warn("SIGHUP: setting changed, needs a restart", "setting", name)
			}
			if msg := next.plan.NobodyCanLogIn(); msg != "" {
				logs.Warn(msg)
			}
			log.Info("SIGHUP: configuration reloaded", "hosts", 1+len(next.Config.VirtualHosts))
			return next
		}
		nextLogs.discard(logs)
		errs = []error{err}
	}
	for _, err := range errs {
		log.Error("SIGHUP: configuration not reloaded, the old one serves", "err", err.Error())
	}
	s.ReloadCerts(log)
	return s
}

// rebuild loads and builds the configuration again, with its own command
// and transfer logs (errors and all, nothing of logs changes).
func (s *Server) rebuild(path string, fl Flags, logs *Logs) (*Server, *Logs, []error) {
	p, errs := load(path, fl, true, s.generated())
	if len(errs) > 0 {
		return nil, nil, errs
	}
	nextLogs, err := logs.again(p.file, p.logs)
	if err != nil {
		return nil, nil, []error{err}
	}
	p.file.logNotes(nextLogs.log, nextLogs.Warn)
	next, err := p.Build(nextLogs)
	if err != nil {
		nextLogs.discard(logs)
		return nil, nil, []error{err}
	}
	return next, nextLogs, nil
}

// generated returns the certificate the server generated for a server
// without a certificate file, nil when it generated none. Every generated
// certificate of one process names the same hosts (the listeners'), so
// the first stands for all.
func (s *Server) generated() *tls.Certificate {
	for _, r := range s.reloads {
		if r.files == nil && r.store != nil {
			if all := r.store.All(); len(all) > 0 {
				return all[0]
			}
		}
	}
	return nil
}

// restartNeeded names what of next's process-wide settings differ from
// p's and were not applied: loop.Server.Reload reports loop.Config's; these
// are the ones around it.
func (p *Plan) restartNeeded(next *Plan) []string {
	var out []string
	a, b := p.s.daemon, next.s.daemon
	for _, c := range []struct {
		name    string
		changed bool
	}{
		{"User", a.User != b.User},
		{"Group", a.Group != b.Group},
		{"PidFile", a.PidFile != b.PidFile},
		{"StateDir", a.StateDir != b.StateDir},
		{"AllowRoot", a.AllowRoot != b.AllowRoot},
		{"ErrorLog", p.logs.errorPath(p.file) != next.logs.errorPath(next.file)},
		{"LogLevel", p.s.logLevel != next.s.logLevel},
		{"Profile", p.s.profile != next.s.profile},
	} {
		if c.changed {
			out = append(out, c.name)
		}
	}
	return out
}

// again returns logs for a reloaded configuration: l's error log, and the
// command and transfer logs of file (nil without one) with the flags' over
// them, reusing l's open files by path and opening the others. Nothing of
// l changes until adopt. Runs on main's goroutine.
func (l *Logs) again(file *fileSettings, fl flagLogs) (*Logs, error) {
	n := &Logs{log: l.log, console: l.console, errorLog: l.errorLog, errorPath: l.errorPath,
		stderr: l.stderr, stderrOut: l.stderrOut}
	var first []logTarget
	if file != nil {
		first = file.logs
	}
	first = fl.over(first)
	n.writers = maps.Clone(l.writers)
	if n.writers == nil {
		n.writers = map[string]*ftplog.Writer{}
	}
	var err error
	if n.access, err = n.loggerFor(first); err == nil && file != nil {
		for _, v := range file.vhosts {
			var vl *ftplog.Logger
			if vl, err = n.loggerFor(v.f.logs); err != nil {
				break
			}
			n.vhosts = append(n.vhosts, vl)
		}
	}
	if err != nil {
		n.discard(l)
		return nil, err
	}
	return n, nil
}

// adopt takes the files n opened (again) as l's, so that rotation reopens
// them and Close closes them; the files of l stay open, as sessions from
// before may still write to them.
func (l *Logs) adopt(n *Logs) {
	l.writers, l.stderr = n.writers, n.stderr
}

// discard closes the files n opened that l does not have: a reload that
// failed leaves nothing open behind it.
func (n *Logs) discard(l *Logs) {
	for path, w := range n.writers {
		if l.writers[path] != w {
			if err := w.Close(); err != nil {
				n.log.Warn("SIGHUP: closing an unused log", "file", path, "err", err)
			}
		}
	}
	if n.stderr != nil && n.stderr != l.stderr {
		_ = n.stderr.Close() // standard error's own: flushed, nothing to report
	}
}
