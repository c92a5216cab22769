package peers

import (
	_ "embed"
	"path/filepath"
	"strconv"
)

//go:embed pyftpd.py
var pyftpdScript string

// pyftpdlib runs Debian's python3-pyftpdlib under /usr/bin/python3 (PyPI is
// not reachable here), TLS through python3-openssl.
func pyftpdlib() *Peer {
	return &Peer{
		Name: "pyftpdlib", Read: anonymous, Write: anonymous,
		version: func(*Env) string { return InstalledVersion("python3-pyftpdlib") },
		command: func(env *Env, run string, port, lo, hi int) ([]string, error) {
			script := filepath.Join(run, "pyftpd.py")
			if err := writeFile(script, pyftpdScript); err != nil {
				return nil, err
			}
			return []string{"/usr/bin/python3", script, env.Data, strconv.Itoa(port),
				strconv.Itoa(lo), strconv.Itoa(hi), env.Cert.CertFile, env.Cert.KeyFile}, nil
		},
	}
}
