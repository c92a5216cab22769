package setup

import (
	"testing"

	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// TestSynthAndFaultMapping: FTPSynthetic, FTPSink and FTPFault* reach
// loop.Config, flags given override them, and nothing is mounted or
// injected by default.
func TestSynthAndFaultMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	conf := "FTPSynthetic /synthetic\nFTPSink /sink\nFTPSyntheticMax 1G\nFTPSyntheticSeed s\nFTPSyntheticTree 7\n" +
		"FTPFaultReply RETR=550\nFTPFaultSeed 9\n" + fcVHost("")
	m := fcMap(t, dir, conf)
	if len(m.errs) > 0 {
		t.Fatal(m.errs)
	}
	if m.cfg.Synth == nil {
		t.Fatal("no synthetic tree")
	}
	if o := m.cfg.Synth.Options(); o != (synth.Options{Mount: "/synthetic", Sink: "/sink", Max: 1 << 30, Seed: "s", Tree: 7}) {
		t.Errorf("synthetic options %+v", o)
	}
	if n := m.cfg.Synth.Lookup("/synthetic/2G.bin"); n.Kind != synth.Missing {
		t.Errorf("2G.bin above FTPSyntheticMax 1G: %+v", n)
	}
	if m.cfg.Faults == nil || m.cfg.Faults.Seed() != 9 || m.cfg.Faults.Session(1).Reply("RETR") != 550 {
		t.Errorf("faults %+v", m.cfg.Faults)
	}

	fl := Flags{Synth: SynthFlags{Mount: Given("/load"), Max: Given(int64(1 << 20))}, Fault: FaultFlags{Reply: Given("RETR=421"), Seed: Given(5)}}
	m = fcMap(t, dir, conf, fl)
	if len(m.errs) > 0 {
		t.Fatal(m.errs)
	}
	if o := m.cfg.Synth.Options(); o.Mount != "/load" || o.Sink != "/sink" || o.Max != 1<<20 || o.Tree != 7 {
		t.Errorf("flags over directives: %+v", o)
	}
	if m.cfg.Faults.Seed() != 5 || m.cfg.Faults.Session(1).Reply("RETR") != 421 {
		t.Error("-fault-reply and -fault-seed did not override the file")
	}

	m = fcMap(t, dir, fcVHost(""))
	if m.cfg.Synth != nil || m.cfg.Faults != nil {
		t.Errorf("by default: synth %v, faults %v; want neither", m.cfg.Synth, m.cfg.Faults)
	}
	if p := fault.New(fault.Options{}); p != nil {
		t.Error("empty fault options make a plan")
	}

	m = fcMap(t, dir, "FTPSynthetic /a\nFTPSink /a/b\n"+fcVHost(""))
	if len(m.errs) != 1 {
		t.Errorf("overlapping mounts: errors %q, want one", m.errs)
	}
}
