package main

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"

	"github.com/ftpsd/ftpsd/internal/daemon"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
)

// beforeServe returns loop's BeforeServe hook: once every listener is
// bound (as root, for port 21) and before a byte is served, it writes the
// pid file, then drops to User and Group, or refuses to serve a public
// address as root. The user is looked up here, at start-up, so a name
// that does not exist stops the server before it binds anything.
func beforeServe(d setup.Daemon, log *slog.Logger) (func([]loop.BoundListener) error, error) {
	var id *daemon.Identity
	if d.User != "" || d.Group != "" {
		got, err := daemon.Lookup(d.User, d.Group)
		if err != nil {
			if d.UserAt.File != "" {
				return nil, fmt.Errorf("%s: %w", d.UserAt, err)
			}
			return nil, fmt.Errorf("-user/-group: %w", err)
		}
		id = &got
	}
	return func(bound []loop.BoundListener) error {
		if d.PidFile != "" {
			if err := daemon.WritePidFile(d.PidFile); err != nil {
				return err
			}
		}
		if id != nil && (os.Geteuid() != id.UID || os.Getegid() != id.GID) {
			if err := daemon.Drop(*id); err != nil {
				return err
			}
			log.Info("privileges dropped", "user", id.User, "uid", id.UID, "gid", id.GID, "groups", id.Groups)
			return nil
		}
		addrs := make([]netip.AddrPort, len(bound))
		for i, b := range bound {
			addrs[i] = b.Addr
		}
		return daemon.CheckRoot(os.Geteuid(), addrs, d.AllowRoot)
	}, nil
}
