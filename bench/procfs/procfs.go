package procfs

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times. It is 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// Root is where proc is mounted; tests point it at a fake tree.
var Root = "/proc"

// stat holds the fields of /proc/PID/stat the benchmarks use.
type stat struct {
	ppid                         int
	utime, stime, cutime, cstime uint64
}

// parseStat parses /proc/PID/stat. The command name (field 2) is in
// parentheses and may hold spaces and parentheses, so fields are counted
// from the last ')'.
func parseStat(b []byte) (stat, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return stat{}, fmt.Errorf("procfs: malformed stat")
	}
	f := strings.Fields(string(b[i+1:]))
	// f[0] is field 3 (state); utime is field 14, so f[11].
	if len(f) < 15 {
		return stat{}, fmt.Errorf("procfs: short stat")
	}
	var s stat
	var err error
	num := func(k int) uint64 {
		v, e := strconv.ParseUint(f[k], 10, 64)
		if e != nil && err == nil {
			err = fmt.Errorf("procfs: stat field %d: %w", k+3, e)
		}
		return v
	}
	s.ppid = int(num(1))
	s.utime, s.stime, s.cutime, s.cstime = num(11), num(12), num(13), num(14)
	return s, err
}

func readStat(pid int) (stat, error) {
	b, err := os.ReadFile(filepath.Join(Root, strconv.Itoa(pid), "stat"))
	if err != nil {
		return stat{}, err
	}
	return parseStat(b)
}

// Tree returns root and every live descendant of it.
func Tree(root int) ([]int, error) {
	ents, err := os.ReadDir(Root)
	if err != nil {
		return nil, err
	}
	children := map[int][]int{}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		s, err := readStat(pid)
		if err != nil {
			continue // exited while we looked
		}
		children[s.ppid] = append(children[s.ppid], pid)
	}
	if _, err := os.Stat(filepath.Join(Root, strconv.Itoa(root))); err != nil {
		return nil, fmt.Errorf("procfs: process %d: %w", root, err)
	}
	out := []int{root}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out, nil
}

// CPUSeconds is the user+system time of the tree under root, reaped
// children included.
func CPUSeconds(root int) (float64, error) {
	pids, err := Tree(root)
	if err != nil {
		return 0, err
	}
	var ticks uint64
	for _, pid := range pids {
		s, err := readStat(pid)
		if err != nil {
			continue
		}
		ticks += s.utime + s.stime + s.cutime + s.cstime
	}
	return float64(ticks) / clockTicks, nil
}

// Memory is a tree's resident memory in bytes.
type Memory struct {
	RSS   int64 `json:"rss"`
	PSS   int64 `json:"pss"`  // proportional: shared pages divided among their users
	Anon  int64 `json:"anon"` // the anonymous part of RSS; the rest is file pages (the executable's, mostly)
	Procs int   `json:"procs"`
}

// File is the file-backed part of the RSS: pages of the executable and
// the libraries the processes touched.
func (m Memory) File() int64 { return m.RSS - m.Anon }

// parseRollup reads Rss, Pss and Anonymous (in kB) from smaps_rollup.
func parseRollup(b []byte) (Memory, error) {
	var m Memory
	fields := map[string]*int64{"Rss": &m.RSS, "Pss": &m.PSS, "Anonymous": &m.Anon}
	sc := bufio.NewScanner(bytes.NewReader(b))
	found := 0
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		dst := fields[name]
		if !ok || dst == nil {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 1 {
			continue
		}
		v, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return Memory{}, fmt.Errorf("procfs: smaps_rollup %s: %w", name, err)
		}
		*dst = v << 10
		found++
	}
	if found < len(fields) {
		return Memory{}, fmt.Errorf("procfs: smaps_rollup without Rss, Pss and Anonymous")
	}
	return m, nil
}

// TreeMemory sums RSS and PSS over the tree under root.
func TreeMemory(root int) (Memory, error) {
	pids, err := Tree(root)
	if err != nil {
		return Memory{}, err
	}
	var m Memory
	for _, pid := range pids {
		b, err := os.ReadFile(filepath.Join(Root, strconv.Itoa(pid), "smaps_rollup"))
		if err != nil {
			continue
		}
		one, err := parseRollup(b)
		if err != nil {
			return Memory{}, err
		}
		m.RSS += one.RSS
		m.PSS += one.PSS
		m.Anon += one.Anon
		m.Procs++
	}
	return m, nil
}
