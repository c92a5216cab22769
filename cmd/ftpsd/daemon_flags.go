package main

import "github.com/ftpsd/ftpsd/internal/daemon"

// defineDaemonFlags defines the flags about the process around the server
// (setup.DaemonFlags) and the ones that print something and exit.
func defineDaemonFlags(fs flagSet, o *options) {
	d := &o.flags.Daemon
	opt(fs, &d.User, fs.StringVar, "user", "", "`USER` (name or #uid) to drop to once the listeners are bound (User)")
	opt(fs, &d.Group, fs.StringVar, "group", "", "`GROUP` (name or #gid) to drop to with -user (Group); default: the user's primary group")
	opt(fs, &d.PidFile, fs.StringVar, "pidfile", "", "write the process id to `FILE` (PidFile)")
	opt(fs, &d.StateDir, fs.StringVar, "state-dir", "", "`DIR` where the generated certificate is kept between starts; empty keeps none (default: $STATE_DIRECTORY, else /var/lib/ftpsd for root, else ~/.local/state/ftpsd)")
	opt(fs, &d.AllowRoot, fs.BoolVar, "allow-root", false, "serve addresses that are not loopback as root, without -user")
	fs.BoolVar(&o.version, "version", false, "print the version, commit and Go version, and exit")
	fs.BoolVar(&o.manpage, "manpage", false, "print the ftpsd(8) manual page (roff) and exit")
}

// finishDaemonFlags fills what defaults to something only known at run
// time, after parsing: the state directory (daemon.DefaultStateDir).
func finishDaemonFlags(o *options) {
	if d := &o.flags.Daemon; !d.StateDir.Set {
		d.StateDir.Value = daemon.DefaultStateDir()
	}
}
