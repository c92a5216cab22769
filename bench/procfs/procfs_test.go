package procfs

import (
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// fakeProc writes a /proc with the given processes: pid -> (ppid, stat
// times, Rss, Pss and Anonymous kB).
type fakeProcess struct {
	ppid           int
	times          [4]int // utime stime cutime cstime, in ticks
	rss, pss, anon int
}

func fakeProc(t *testing.T, procs map[int]fakeProcess) {
	t.Helper()
	dir := t.TempDir()
	for pid, p := range procs {
		d := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		// A command name with a space and a ')' checks the parser counts
		// from the last parenthesis.
		stat := strconv.Itoa(pid) + " (x) y) S " + strconv.Itoa(p.ppid) + " 1 1 0 -1 0 0 0 0 0 " +
			strconv.Itoa(p.times[0]) + " " + strconv.Itoa(p.times[1]) + " " +
			strconv.Itoa(p.times[2]) + " " + strconv.Itoa(p.times[3]) + " 20 0 1 0\n"
		roll := "00400000-7fff [rollup]\nRss:   " + strconv.Itoa(p.rss) + " kB\nPss:   " +
			strconv.Itoa(p.pss) + " kB\nPss_Anon:  1 kB\nAnonymous:  " + strconv.Itoa(p.anon) + " kB\n"
		if err := os.WriteFile(filepath.Join(d, "stat"), []byte(stat), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "smaps_rollup"), []byte(roll), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "self"), 0o755); err != nil { // not a PID: skipped
		t.Fatal(err)
	}
	old := Root
	Root = dir
	t.Cleanup(func() { Root = old })
}

func TestTreeSums(t *testing.T) {
	fakeProc(t, map[int]fakeProcess{
		1:  {ppid: 0, times: [4]int{1000, 0, 0, 0}, rss: 1, pss: 1}, // not in the tree
		10: {ppid: 1, times: [4]int{100, 50, 30, 20}, rss: 1000, pss: 800, anon: 600},
		11: {ppid: 10, times: [4]int{10, 10, 0, 0}, rss: 500, pss: 200, anon: 100},
		12: {ppid: 11, times: [4]int{5, 5, 0, 0}, rss: 300, pss: 100, anon: 50},
		13: {ppid: 1, times: [4]int{7, 7, 0, 0}, rss: 9, pss: 9}, // sibling, not counted
	})
	pids, err := Tree(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(pids) != 3 {
		t.Errorf("Tree(10) = %v, want 10, 11, 12", pids)
	}
	cpu, err := CPUSeconds(10)
	if err != nil {
		t.Fatal(err)
	}
	if want := (100 + 50 + 30 + 20 + 20 + 10) / 100.0; cpu != want {
		t.Errorf("CPUSeconds = %v, want %v", cpu, want)
	}
	m, err := TreeMemory(10)
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS != 1800<<10 || m.PSS != 1100<<10 || m.Anon != 750<<10 || m.File() != 1050<<10 || m.Procs != 3 {
		t.Errorf("TreeMemory = %+v", m)
	}
	if _, err := Tree(99); err == nil {
		t.Error("Tree of a missing process: no error")
	}
}

func TestOwnProcess(t *testing.T) {
	m, err := TreeMemory(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if m.RSS <= 0 || m.PSS <= 0 || m.PSS > m.RSS || m.Anon <= 0 || m.Anon > m.RSS {
		t.Errorf("own memory %+v: want 0 < PSS <= RSS and 0 < Anon <= RSS", m)
	}
	if _, err := CPUSeconds(os.Getpid()); err != nil {
		t.Error(err)
	}
}

func TestCPUGroup(t *testing.T) {
	// A fake hierarchy: the kernel's files are plain files here.
	root := t.TempDir()
	old := CPUGroupRoot
	CPUGroupRoot = root
	t.Cleanup(func() { CPUGroupRoot = old })
	if _, err := NewCPUGroup("x"); err == nil {
		t.Fatal("a directory without cpuacct.usage taken for a cpu group")
	}
	dir := filepath.Join(root, "ftpbench", "y")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cpuacct.usage"), []byte("2500000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := NewCPUGroup("y")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := g.Seconds(); err != nil || s != 2.5 {
		t.Errorf("Seconds = %v, %v; want 2.5", s, err)
	}
	if _, _, err := g.Split(); err == nil {
		t.Error("Split without cpuacct.usage_user and _sys: no error")
	}
	for f, v := range map[string]string{"cpuacct.usage_user": "1500000000\n", "cpuacct.usage_sys": "500000000\n"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if u, k, err := g.Split(); err != nil || u != 1.5 || k != 0.5 {
		t.Errorf("Split = %v, %v, %v; want 1.5, 0.5", u, k, err)
	}
	if err := g.Add(42); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs")); string(b) != "42" {
		t.Errorf("cgroup.procs = %q, want 42", b)
	}
}

func TestCPUTimesAndSteal(t *testing.T) {
	a, err := parseCPUTimes([]byte("cpu  1147420 672 869058 8406100 17587 0 75636 143386 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if a.Steal != 143386 || a.Total != 1147420+672+869058+8406100+17587+0+75636+143386 {
		t.Errorf("parsed %+v", a)
	}
	b := CPUTimes{Total: a.Total + 2000, Steal: a.Steal + 957}
	if got := StealPct(a, b); got < 47.8 || got > 47.9 {
		t.Errorf("steal %.2f %%, want 47.85", got)
	}
	if got := StealPct(b, b); got != 0 {
		t.Errorf("steal over no time %v, want 0", got)
	}
	for _, bad := range []string{"", "intr 1 2 3\n", "cpu 1 2 3\n", "cpu 1 2 3 4 5 6 7 x\n"} {
		if _, err := parseCPUTimes([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := ReadCPUTimes(); err != nil && Root == "/proc" {
		t.Errorf("this machine's /proc/stat: %v", err)
	}
}

func TestKernelShare(t *testing.T) {
	for _, c := range []struct {
		u0, k0, u1, k1 float64
		want           float64
		ok             bool
	}{
		{1, 1, 2, 4, 0.75, true}, // 1 s user, 3 s kernel between the readings
		{1, 1, 1, 1, 0, false},   // nothing accounted
		{2, 1, 1, 2, 0, false},   // a counter that went back (a new group)
		{0, 0, 0, 0.2, 1, true},  // all in the kernel
	} {
		got, ok := KernelShare(c.u0, c.k0, c.u1, c.k1)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("KernelShare(%v, %v, %v, %v) = %v, %v; want %v, %v", c.u0, c.k0, c.u1, c.k1, got, ok, c.want, c.ok)
		}
	}
}
