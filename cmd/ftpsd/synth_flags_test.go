package main

import (
	"io"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/setup"
)

func TestSynthAndFaultFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-synthetic", "synthetic"}, "-synthetic: synthetic is not an absolute, clean virtual path"},
		{[]string{"-sink", "/"}, "-sink: / is not an absolute, clean virtual path"},
		{[]string{"-synthetic-max", "1X"}, "-synthetic-max: 1X is not a size such as 1T"},
		{[]string{"-synthetic-tree", "0"}, "-synthetic-tree: 0 is not 1 to 1000000"},
		{[]string{"-fault-delay", "RETR=soon"}, `-fault-delay: fault: bad specification: "RETR=soon"`},
		{[]string{"-fault-reply", "RETR=200"}, `-fault-reply: fault: bad specification: "RETR=200"`},
		{[]string{"-fault-reset", "1M:0"}, `-fault-reset: fault: bad specification: "1M:0"`},
		{[]string{"-fault-seed", "-3"}, "-fault-seed: -3 is not a positive number"},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
	o, err := parseFlags([]string{"-synthetic", "/synthetic", "-sink", "/sink", "-synthetic-max", "2T", "-synthetic-seed", "x",
		"-fault-reply", "RETR=421:0.5", "-fault-seed", "7"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s, f := o.flags.Synth, o.flags.Fault
	if s.Mount != setup.Given("/synthetic") || s.Sink != setup.Given("/sink") || s.Max != setup.Given(int64(2<<40)) || s.Seed != setup.Given("x") || s.Tree.Set {
		t.Errorf("synthetic flags %+v", s)
	}
	if f.Reply != setup.Given("RETR=421:0.5") || f.Seed != setup.Given(7) || f.Delay.Set || f.Reset.Set {
		t.Errorf("fault flags %+v", f)
	}
}
