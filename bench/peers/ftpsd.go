package peers

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// ftpsd runs the built binary. Anonymous users are read-only in ftpsd, so
// uploads log in as uploader, whose entry WriteUsers writes to env.Users.
func ftpsd() *Peer {
	return &Peer{
		Name:    "ftpsd",
		Read:    anonymous,
		Write:   uploader,
		admin:   "-admin",
		version: func(env *Env) string { return GitDescribe(env.Dir) },
		command: func(env *Env, run string, port, lo, hi int) ([]string, error) {
			argv := []string{env.FtpsdBin,
				"-listen", "127.0.0.1:" + strconv.Itoa(port),
				"-root", env.Data, "-anonymous", "-users", env.Users,
				"-pasv-ports", fmt.Sprintf("%d-%d", lo, hi),
				"-cert", env.Cert.CertFile, "-key", env.Cert.KeyFile,
				"-fail-delay", "0", "-log-level", "warn"}
			if env.Profile != "" {
				argv = append(argv, "-profile", env.Profile)
			}
			return argv, nil
		},
	}
}

// uploader is the named user ftpsd's uploads log in as.
var uploader = scenario.Login{User: "bench", Pass: "bench"}

// WriteUsers writes the htpasswd file ftpsd's uploads log in with (Env.Users):
// uploader with a {SHA} entry, so that a login's hashing cost stays out of
// the transfer figures.
func WriteUsers(path string) error {
	sum := sha1.Sum([]byte(uploader.Pass))
	entry := uploader.User + ":{SHA}" + base64.StdEncoding.EncodeToString(sum[:]) + "\n"
	if err := os.WriteFile(path, []byte(entry), 0o600); err != nil {
		return fmt.Errorf("peers: %w", err)
	}
	return nil
}

// GitDescribe is `git describe --always --dirty` of the repository that
// holds dir, or "?" when git cannot say: ftpsd's version, and the commit a
// run measured.
func GitDescribe(dir string) string {
	out, err := exec.Command("git", "-C", dir, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}
