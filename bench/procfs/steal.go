package procfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// CPUTimes are the whole machine's CPU times from /proc/stat's "cpu" line,
// in clock ticks: all of them (user, nice, system, idle, iowait, irq,
// softirq and steal; guest time is already inside user), and steal, the
// time the hypervisor ran something else while this VM had work to run.
type CPUTimes struct {
	Total, Steal uint64
}

// ReadCPUTimes reads the machine's CPU times now.
func ReadCPUTimes() (CPUTimes, error) {
	b, err := os.ReadFile(filepath.Join(Root, "stat"))
	if err != nil {
		return CPUTimes{}, err
	}
	return parseCPUTimes(b)
}

// parseCPUTimes parses the first line of /proc/stat.
func parseCPUTimes(b []byte) (CPUTimes, error) {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return CPUTimes{}, fmt.Errorf("procfs: /proc/stat: no cpu line with 8 times: %q", line)
	}
	var t CPUTimes
	for i, v := range f[1:9] {
		n, err := strconv.ParseUint(string(v), 10, 64)
		if err != nil {
			return CPUTimes{}, fmt.Errorf("procfs: /proc/stat: %w", err)
		}
		t.Total += n
		if i == 7 {
			t.Steal = n
		}
	}
	return t, nil
}

// StealPct is the share, in per cent, of the machine's CPU time from a to b
// that the hypervisor took; 0 when no time passed.
func StealPct(a, b CPUTimes) float64 {
	if b.Total <= a.Total {
		return 0
	}
	return 100 * float64(b.Steal-a.Steal) / float64(b.Total-a.Total)
}
