package daemon

import (
	"os"
	"path/filepath"
)

// DefaultStateDir is where ftpsd keeps what it makes for itself (the
// generated certificate): systemd's $STATE_DIRECTORY (StateDirectory=),
// else /var/lib/ftpsd for root, else $XDG_STATE_HOME/ftpsd or
// ~/.local/state/ftpsd. "" when none can be named.
func DefaultStateDir() string {
	if d := os.Getenv("STATE_DIRECTORY"); d != "" {
		// systemd may pass several, colon-separated: the first is ours.
		for i := 0; i < len(d); i++ {
			if d[i] == ':' {
				return d[:i]
			}
		}
		return d
	}
	if os.Geteuid() == 0 {
		return "/var/lib/ftpsd"
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "ftpsd")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "ftpsd")
	}
	return ""
}
