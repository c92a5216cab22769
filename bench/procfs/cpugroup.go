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
func (g *CPUGroup) Seconds() (float64, error) { return g.readSeconds("cpuacct.usage") }

// Remove deletes the group, and ftpbench's parent group once empty; it
// fails while a process is still in the group.
func (g *CPUGroup) Remove() error {
	if err := os.Remove(g.dir); err != nil {
		return err
	}
	_ = os.Remove(filepath.Dir(g.dir)) // fails while another server's group is there
	return nil
}

// Split is the group's CPU time so far in user mode and in the kernel
// (system time, interrupts handled in its processes' context included),
// from cpuacct.usage_user and cpuacct.usage_sys. Unlike cpuacct.usage
// these come from the kernel's tick-based time accounting, so over a run
// their ratio, not their sum, is what to use: KernelShare.
func (g *CPUGroup) Split() (user, kernel float64, err error) {
	if user, err = g.readSeconds("cpuacct.usage_user"); err != nil {
		return 0, 0, err
	}
	if kernel, err = g.readSeconds("cpuacct.usage_sys"); err != nil {
		return 0, 0, err
	}
	return user, kernel, nil
}

func (g *CPUGroup) readSeconds(file string) (float64, error) {
	b, err := os.ReadFile(filepath.Join(g.dir, file))
	if err != nil {
		return 0, fmt.Errorf("procfs: cpu group: %w", err)
	}
	ns, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("procfs: cpu group: %s: %w", file, err)
	}
	return float64(ns) / 1e9, nil
}

// KernelShare is the part of the CPU time between two Split readings
// spent in the kernel, and false when no time was accounted between them.
func KernelShare(user0, kernel0, user1, kernel1 float64) (float64, bool) {
	du, dk := user1-user0, kernel1-kernel0
	if du < 0 || dk < 0 || du+dk <= 0 {
		return 0, false
	}
	return dk / (du + dk), true
}
