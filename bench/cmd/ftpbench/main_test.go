package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/bench/procfs"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1GiB": 1 << 30, "256MiB": 256 << 20, "64KiB": 64 << 10, "4096": 4096} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "GiB", "-1MiB", "1TB", "x"} {
		if _, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q): no error", bad)
		}
	}
}

func TestQuickDefaultsYieldToFlags(t *testing.T) {
	o, err := parseFlags([]string{"-quick", "-rounds", "2"})
	if err != nil {
		t.Fatal(err)
	}
	if o.rounds != 2 || o.volume != 256<<20 || o.idleFtpsd != 1000 || o.churn != 2*time.Second || o.profiles {
		t.Errorf("quick options %+v", o)
	}
	if !strings.HasPrefix(o.markdown, ".bench") {
		t.Errorf("quick run writes %s; it must stay under the work directory", o.markdown)
	}
	full, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	if full.rounds != 3 || full.volume != 1<<30 || full.idleFtpsd != 10000 || full.markdown != "BENCHMARKS.md" {
		t.Errorf("full options %+v", full)
	}
	for _, bad := range [][]string{{"-servers", "ftpsd,iis"}, {"-scenarios", "bulk,fast"}, {"-profile", "heap"}, {"-rounds", "0"}, {"-volume", "1KiB"}, {"-certs", "DSA"}} {
		if _, err := parseFlags(bad); err == nil {
			t.Errorf("parseFlags(%v): no error", bad)
		}
	}
}

func TestBuildCases(t *testing.T) {
	o, err := parseFlags(nil)
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, c := range buildCases(o) {
		count[c.scenario]++
		if c.scenario == "idle" && !c.fresh {
			t.Errorf("idle case %q not on a fresh server", c.name)
		}
		if strings.HasPrefix(c.name, "STOR") && !c.store {
			t.Errorf("%s leaves uploads but is not marked", c.name)
		}
	}
	want := map[string]int{"idle": 4, "churn": 2, "bulk": 12, "clients": 8, "list": 2, "small": 2}
	for s, n := range want {
		if count[s] != n {
			t.Errorf("%d %s cases, want %d", count[s], s, n)
		}
	}
	// Issue 20: clear-data cases run under one kind; the idle-return wait
	// only on ftpsd's largest idle case; cases in no target run once (churn's
	// X25519 case, the like-for-like beside a target case, runs every round).
	var maxKinds []string
	for _, c := range buildCases(o) {
		if c.name == "19000 sessions" {
			maxKinds = append(maxKinds, c.kind)
		}
		if c.plain != (strings.Contains(c.name, "PROT C")) {
			t.Errorf("%s %q: plain %v", c.scenario, c.name, c.plain)
		}
		if c.once != (c.scenario == "list" || c.scenario == "small" || (c.scenario == "idle" && c.only == "")) {
			t.Errorf("%s %q: once %v", c.scenario, c.name, c.once)
		}
		if c.scenario == "idle" && c.name == "19000 sessions" && c.only != "ftpsd" {
			t.Errorf("the 19,000-session case runs on %q, want ftpsd only", c.only)
		}
	}
	// The 19,000-session case runs under each kind, as one spec per kind
	// (only returnKind's waits for the memory to return).
	if len(maxKinds) != 2 || maxKinds[0] == maxKinds[1] || !slices.Contains(maxKinds, returnKind) {
		t.Errorf("19,000-session case kinds %v, want one spec per kind", maxKinds)
	}
	if o.idleMax != 19000 {
		t.Errorf("-idle-max %d, want 19000", o.idleMax)
	}
	o.only = "RETR PROT P x1"
	o.scenarios = []string{"bulk"}
	if cs := buildCases(o); len(cs) != 1 || cs[0].name != "RETR PROT P x1" {
		t.Errorf("-case RETR PROT P x1 selects %d cases", len(cs))
	}
	o.scenarios = []string{"churn"}
	for only, want := range map[string][]string{
		"8 clients": {"8 clients"},
		"clients":   {"8 clients", "8 clients, X25519 offered"},
		"X25519":    {"8 clients, X25519 offered"},
	} {
		o.only = only
		var got []string
		for _, c := range buildCases(o) {
			got = append(got, c.name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("-case %q selects %q, want %q", only, got, want)
		}
	}
}

func TestDescribeCPU(t *testing.T) {
	all := describeCPU([]string{"ftpsd", "vsftpd"}, nil)
	none := describeCPU(nil, []string{"ftpsd", "vsftpd"})
	mixed := describeCPU([]string{"ftpsd"}, []string{"vsftpd"})
	if !strings.HasPrefix(all, "from a cgroup") || strings.Contains(all, "/proc") {
		t.Errorf("every server in a cgroup: %q", all)
	}
	if !strings.HasPrefix(none, "as utime+stime") || strings.Contains(none, "cgroup v1") {
		t.Errorf("no server in a cgroup: %q", none)
	}
	// Mixed: each method names its servers, and neither claims them all.
	if !strings.Contains(mixed, "in it) for ftpsd;") || !strings.HasSuffix(mixed, "for vsftpd, for which no cpuacct cgroup could be made") {
		t.Errorf("mixed: %q", mixed)
	}
}

// TestOneKind: -certs RSA runs every case under that kind, the clear
// ones and the memory-return wait included.
func TestOneKind(t *testing.T) {
	o, err := parseFlags([]string{"-certs", "RSA"})
	if err != nil {
		t.Fatal(err)
	}
	if o.pick(plainKind) != "RSA" || o.pick(returnKind) != "RSA" {
		t.Errorf("pick: %q %q, want RSA for both", o.pick(plainKind), o.pick(returnKind))
	}
	var kinds []string
	for _, c := range buildCases(o) {
		if c.name == "19000 sessions" {
			kinds = append(kinds, c.kind)
		}
	}
	if len(kinds) != 1 || kinds[0] != "RSA" {
		t.Errorf("19,000-session specs under -certs RSA: %v", kinds)
	}
}

// The steal note gives the whole rounds' share and each round's, from
// /proc/stat's steal column; nothing when /proc/stat cannot be read.
func TestStealNote(t *testing.T) {
	dir := t.TempDir()
	old := procfs.Root
	procfs.Root = dir
	t.Cleanup(func() { procfs.Root = old })
	stat := func(total, steal uint64) {
		line := fmt.Sprintf("cpu  %d 0 0 0 0 0 0 %d 0 0\n", total-steal, steal)
		if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var m stealMeter
	stat(1000, 0)
	m.beginRound()
	stat(2000, 500) // round 1: 50 %
	m.endRound()
	m.beginRound()
	stat(3000, 600) // round 2: 10 %
	m.endRound()
	want := "The hypervisor took 30 % of this machine's CPU time during the rounds (steal time, /proc/stat; by round: 50 %, 10 %)"
	if got := m.note(); !strings.HasPrefix(got, want) {
		t.Errorf("note %q, want it to start %q", got, want)
	}
	os.Remove(filepath.Join(dir, "stat"))
	var none stealMeter
	none.beginRound()
	none.endRound()
	if got := none.note(); got != "" {
		t.Errorf("without /proc/stat: %q", got)
	}
}
