package peers

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
)

// Debian packages unpacked with dpkg -x, one folder each.
var unpacked = []string{"vsftpd", "proftpd-core", "proftpd-mod-crypto", "pure-ftpd", "pure-ftpd-common"}

// Debian packages installed with apt-get: the runtime libraries of the
// unpacked daemons (PEERS.md) and pyftpdlib, which conflicts with nothing.
var installed = []string{
	"libwrap0",                                                                 // vsftpd
	"libhiredis0.14", "libmemcached11", "libmemcachedutil2", "libpcre2-posix3", // proftpd
	"python3-pyftpdlib", "python3-openssl", // pyftpdlib with TLS
	"curl", "lftp", // the bulk clients users run (issue 20)
}

// Install makes the peers runnable from dir: downloads and unpacks the
// daemons, installs their libraries, and creates the ftp account whose
// home is the anonymous root (Pure-FTPd takes it from there). It skips
// what is already done. log receives what it runs.
func Install(dir, anonRoot string, log io.Writer) error {
	debs := filepath.Join(dir, "debs")
	if err := os.MkdirAll(debs, 0o755); err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	var missing []string
	for _, p := range unpacked {
		if m, _ := filepath.Glob(filepath.Join(debs, p+"_*.deb")); len(m) == 0 {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		if err := run(log, debs, "apt-get", append([]string{"download"}, missing...)...); err != nil {
			// The package lists may be missing on a fresh machine.
			if err := run(log, debs, "apt-get", "update", "-qq"); err != nil {
				return err
			}
			if err := run(log, debs, "apt-get", append([]string{"download"}, missing...)...); err != nil {
				return err
			}
		}
	}
	for _, p := range unpacked {
		dest := filepath.Join(dir, "peers", p)
		if _, err := os.Stat(filepath.Join(dest, ".unpacked")); err == nil {
			continue
		}
		m, _ := filepath.Glob(filepath.Join(debs, p+"_*.deb"))
		if len(m) == 0 {
			return fmt.Errorf("peers: %s.deb was not downloaded", p)
		}
		if err := os.MkdirAll(dest, 0o755); err != nil {
			return fmt.Errorf("peers: %w", err)
		}
		if err := run(log, dir, "dpkg", "-x", m[0], dest); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dest, ".unpacked"), nil, 0o644); err != nil {
			return fmt.Errorf("peers: %w", err)
		}
	}
	var need []string
	for _, p := range installed {
		out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", p).Output()
		if err != nil || !bytes.Contains(out, []byte("install ok installed")) {
			need = append(need, p)
		}
	}
	if len(need) > 0 {
		args := append([]string{"install", "-y", "-qq", "--no-install-recommends"}, need...)
		if err := run(log, dir, "apt-get", args...); err != nil {
			if err := run(log, dir, "apt-get", "update", "-qq"); err != nil {
				return err
			}
			if err := run(log, dir, "apt-get", args...); err != nil {
				return err
			}
		}
	}
	return ftpAccount(anonRoot, log)
}

// ftpAccount makes sure the system account ftp exists with anonRoot as its
// home: Pure-FTPd serves anonymous users from ~ftp, and every peer runs
// anonymous sessions as that user.
func ftpAccount(anonRoot string, log io.Writer) error {
	u, err := user.Lookup("ftp")
	if err != nil {
		return run(log, "/", "useradd", "--system", "--user-group", "--no-create-home",
			"--home-dir", anonRoot, "--shell", "/usr/sbin/nologin", "ftp")
	}
	if filepath.Clean(u.HomeDir) != filepath.Clean(anonRoot) {
		return run(log, "/", "usermod", "--home", anonRoot, "ftp")
	}
	return nil
}

// DebVersion is the version of an unpacked package, from its .deb.
func DebVersion(dir, pkg string) string {
	m, _ := filepath.Glob(filepath.Join(dir, "debs", pkg+"_*.deb"))
	if len(m) == 0 {
		return "?"
	}
	out, err := exec.Command("dpkg-deb", "-f", m[0], "Version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// InstalledVersion is the version of a package apt-get installed.
func InstalledVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

func run(log io.Writer, dir, name string, args ...string) error {
	fmt.Fprintf(log, "+ %s %s\n", name, strings.Join(args, " "))
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("peers: %s %s: %w\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return nil
}
