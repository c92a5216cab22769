package setup

import (
	"errors"
	"net"

	"github.com/ftpsd/ftpsd/internal/admin"
	"github.com/ftpsd/ftpsd/internal/config"
)

// AdminFlags are the flags of the admin listener (metrics, health, pprof).
type AdminFlags struct {
	Listen      Opt[string] // -admin host:port (FTPAdminListen); "": no admin listener
	AllowRemote Opt[bool]   // -admin-allow-remote (FTPAdminAllowRemote): a non-loopback address
	Faults      Opt[bool]   // -admin-faults: /faults may switch fault injection at run time
}

// Admin is the admin listener main starts, from AdminFlags and the file's
// FTPAdminListen and FTPAdminAllowRemote.
type Admin struct {
	Listen      string // host:port; "": off
	AllowRemote bool   // the address may be other than loopback
	Faults      bool   // serve /faults, switching fault injection at run time
	// At is where FTPAdminListen was set (zero: by flag), for errors.
	At config.Pos
}

func (f AdminFlags) resolve() Admin {
	return Admin{Listen: f.Listen.Value, AllowRemote: f.AllowRemote.Value, Faults: f.Faults.Value}
}

// layerAdmin lays the file's admin directives under the flags.
func layerAdmin(ps config.ProcessSettings, a *Admin, fl AdminFlags) {
	layer(fl.Listen, ps.AdminListen, &a.Listen)
	layer(fl.AllowRemote, ps.AdminAllowRemote, &a.AllowRemote)
	if ps.AdminListen.Set && !fl.Listen.Set {
		a.At = ps.AdminListen.At
	}
}

// check refuses, when the configuration is loaded (so -t reports it too),
// an admin address that is not loopback without AllowRemote; the error
// names FTPAdminListen's line when the file set it.
func (a Admin) check() error {
	if a.Listen == "" || a.AllowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(a.Listen)
	if err == nil && admin.Loopback(host) {
		return nil
	}
	msg := a.Listen + " is not a loopback address (127.0.0.1, ::1, localhost); FTPAdminAllowRemote on (-admin-allow-remote) allows it"
	if err != nil {
		msg = a.Listen + " is not host:port"
	}
	if a.At.File != "" {
		return &config.Error{Pos: a.At, Msg: "FTPAdminListen: " + msg, Kind: config.ErrValue}
	}
	return errors.New("-admin: " + msg)
}

// checked is Load's answer once the settings are complete: p, or the
// errors of the checks that need the flags and the file together.
func (p *Plan) checked() (*Plan, []error) {
	if err := p.s.admin.check(); err != nil {
		return nil, []error{err}
	}
	return p, nil
}

// Admin returns the admin listener's settings.
func (p *Plan) Admin() Admin { return p.s.admin }

// LogDrops returns the log lines every Writer of these logs dropped so
// far, for the metrics. Any goroutine.
func (l *Logs) LogDrops() uint64 {
	var n uint64
	seen := map[any]bool{}
	add := func(w interface{ Dropped() uint64 }, key any) {
		if !seen[key] {
			seen[key] = true
			n += w.Dropped()
		}
	}
	if l.errorLog != nil {
		add(l.errorLog, l.errorLog)
	}
	if l.stderr != nil {
		add(l.stderr, l.stderr)
	}
	for _, w := range l.writers {
		add(w, w)
	}
	return n
}
