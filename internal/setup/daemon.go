package setup

import (
	"github.com/ftpsd/ftpsd/internal/config"
)

// DaemonFlags are the flags about the process around the server: whom it
// runs as, its pid file, where it keeps its state.
type DaemonFlags struct {
	User      Opt[string] // -user (User)
	Group     Opt[string] // -group (Group)
	PidFile   Opt[string] // -pidfile (PidFile)
	StateDir  Opt[string] // -state-dir: where the generated certificate is kept; "" keeps none
	AllowRoot Opt[bool]   // -allow-root: serve a public address as root
}

// Daemon is what main does around the server, from DaemonFlags and the
// file's User, Group and PidFile.
type Daemon struct {
	User, Group string // "" keeps the user the server was started as
	PidFile     string // "": none
	StateDir    string // "": the generated certificate is kept in memory only
	AllowRoot   bool
	// UserAt is where User or Group was set in the file (zero: by flag),
	// for errors that name the line.
	UserAt config.Pos
}

func (f DaemonFlags) resolve() Daemon {
	return Daemon{User: f.User.Value, Group: f.Group.Value, PidFile: f.PidFile.Value,
		StateDir: f.StateDir.Value, AllowRoot: f.AllowRoot.Value}
}

// layerDaemon lays the file's User, Group and PidFile under the flags.
func layerDaemon(ps config.ProcessSettings, d *Daemon, fl DaemonFlags) {
	layer(fl.User, ps.User, &d.User)
	layer(fl.Group, ps.Group, &d.Group)
	layer(fl.PidFile, ps.PidFile, &d.PidFile)
	for _, o := range []config.Opt[string]{ps.User, ps.Group} {
		if o.Set && d.UserAt.File == "" && !(fl.User.Set && fl.Group.Set) {
			d.UserAt = o.At
		}
	}
}

// Daemon returns what main does around the server (privileges, pid file,
// state directory).
func (p *Plan) Daemon() Daemon { return p.s.daemon }
