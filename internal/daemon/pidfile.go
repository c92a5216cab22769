package daemon

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// WritePidFile writes the process id to path, through a temporary file
// renamed into place so a reader never sees it half written.
func WritePidFile(path string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ftpsd-pid-*")
	if err != nil {
		return fmt.Errorf("daemon: PidFile %s: %w", path, err)
	}
	_, werr := tmp.WriteString(strconv.Itoa(os.Getpid()) + "\n")
	cerr := tmp.Close()
	if err := os.Chmod(tmp.Name(), 0o644); err == nil && werr == nil && cerr == nil {
		if err = os.Rename(tmp.Name(), path); err == nil {
			return nil
		}
		werr = err
	}
	os.Remove(tmp.Name())
	if werr == nil {
		werr = cerr
	}
	return fmt.Errorf("daemon: PidFile %s: %w", path, werr)
}

// RemovePidFile removes path if it still holds this process's id.
func RemovePidFile(path string) {
	b, err := os.ReadFile(path)
	if err == nil && string(b) == strconv.Itoa(os.Getpid())+"\n" {
		os.Remove(path)
	}
}
