package peers

import (
	"fmt"
	"path/filepath"
	"strconv"
)

// pureftpd runs in the foreground, anonymous only (-e), from ~ftp (which
// Install points at the fixture tree).
func pureftpd() *Peer {
	return &Peer{
		Name: "pure-ftpd", Read: anonymous, Write: anonymous,
		version: func(env *Env) string { return DebVersion(env.Dir, "pure-ftpd") },
		command: func(env *Env, run string, port, lo, hi int) ([]string, error) {
			return []string{filepath.Join(env.Dir, "peers/pure-ftpd/usr/sbin/pure-ftpd"),
				"-S", "127.0.0.1," + strconv.Itoa(port),
				"-Y", "1", // TLS allowed, not required
				"-2", env.Cert.PEMFile,
				"-e",                       // anonymous only
				"-A",                       // chroot everyone
				"-H",                       // no reverse DNS
				"-c", "5000", "-C", "5000", // sessions, sessions per IP
				"-p", fmt.Sprintf("%d:%d", lo, hi),
			}, nil
		},
	}
}
