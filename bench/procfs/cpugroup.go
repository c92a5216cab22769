package procfs

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// CPUGroupRoot is the cgroup v1 cpuacct hierarchy CPU groups live under.
var CPUGroupRoot = "/sys/fs/cgroup/cpuacct"

// CPUGroup is a cgroup v1 cpuacct group holding a server and everything
// it forks. Its cpuacct.usage counts nanoseconds of every process that was
// ever in it, exited or not. /proc's per-process times are whole clock
// ticks (10 ms) truncated per process, so a fork-per-session server whose
// sessions each use a few milliseconds would add up to almost nothing
// there; the group counts them exactly.
type CPUGroup struct{ dir string }

// NewCPUGroup creates the group ftpbench/name, or fails where cgroup v1
// cpuacct is not mounted or not writable (then use CPUSeconds).
func NewCPUGroup(name string) (*CPUGroup, error) {
	dir := filepath.Join(CPUGroupRoot, "ftpbench", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("procfs: cpu group: %w", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "cpuacct.usage")); err != nil {
		return nil, fmt.Errorf("procfs: cpu group: %w", err)
	}
	return &CPUGroup{dir: dir}, nil
}

// Add moves pid into the group; its later children are born there.
func (g *CPUGroup) Add(pid int) error {
	if err := os.WriteFile(filepath.Join(g.dir, "cgroup.procs"), []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return fmt.Errorf("procfs: cpu group: %w", err)
	}
	return nil
}

// Seconds is the CPU time used by the group's processes so far.
func (g *CPUGroup) Seconds() (float64, error) {
	b, err := os.ReadFile(filepath.Join(g.dir, "cpuacct.usage"))
	if err != nil {
		return 0, fmt.Errorf("procfs: cpu group: %w", err)
	}
	ns, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("procfs: cpu group: %w", err)
	}
	return float64(ns) / 1e9, nil
}

// Remove deletes the group, and ftpbench's parent group once empty; it
// fails while a process is still in the group.
func (g *CPUGroup) Remove() error {
	if err := os.Remove(g.dir); err != nil {
		return err
	}
	_ = os.Remove(filepath.Dir(g.dir)) // fails while another server's group is there
	return nil
}
