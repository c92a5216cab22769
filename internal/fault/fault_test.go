package fault

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestParseDelays(t *testing.T) {
	got, err := ParseDelays("RETR=200ms, list=10ms-50ms,*=1s")
	want := map[string]Delay{"RETR": {200 * time.Millisecond, 200 * time.Millisecond},
		"LIST": {10 * time.Millisecond, 50 * time.Millisecond}, "*": {time.Second, time.Second}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseDelays = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"RETR", "RETR=", "RETR=fast", "RETR=50ms-10ms", "RETR=-1s", "R=1s", "RETR1=1s", "RETR=2h"} {
		if _, err := ParseDelays(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseDelays(%q): %v, want ErrSyntax", bad, err)
		}
	}
}

func TestParseReplies(t *testing.T) {
	got, err := ParseReplies("RETR=421:0.1,STOR=452")
	want := map[string]Reply{"RETR": {421, 0.1}, "STOR": {452, 1}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseReplies = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{"RETR=200", "RETR=999", "RETR=421:0", "RETR=421:1.5", "RETR=421:x", "=421"} {
		if _, err := ParseReplies(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseReplies(%q): %v, want ErrSyntax", bad, err)
		}
	}
}

func TestParseReset(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Reset
	}{{"1M", Reset{1 << 20, 1}}, {"64K:0.5", Reset{64 << 10, 0.5}}, {"1000", Reset{1000, 1}}} {
		if got, err := ParseReset(c.in); err != nil || got != c.want {
			t.Errorf("ParseReset(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "0", "1X", "1M:2", "-5"} {
		if _, err := ParseReset(bad); !errors.Is(err, ErrSyntax) {
			t.Errorf("ParseReset(%q): %v, want ErrSyntax", bad, err)
		}
	}
}

// draws records what an injector decides for a sequence of commands.
func draws(in *Injector, n int) (out []any) {
	for i := 0; i < n; i++ {
		out = append(out, in.Reply("RETR"), in.Delay("LIST"), in.ResetAfter())
	}
	return out
}

func TestInjectorDeterministic(t *testing.T) {
	o := Options{Seed: 42, Delays: map[string]Delay{"LIST": {time.Millisecond, 9 * time.Millisecond}},
		Replies: map[string]Reply{"RETR": {421, 0.3}}, Reset: Reset{After: 100, Rate: 0.5}}
	a, b := New(o), New(o)
	if x, y := draws(a.Session(7), 200), draws(b.Session(7), 200); !reflect.DeepEqual(x, y) {
		t.Error("the same seed and session drew different faults")
	}
	if x, y := draws(a.Session(7), 200), draws(a.Session(8), 200); reflect.DeepEqual(x, y) {
		t.Error("two sessions drew the same faults")
	}
	o.Seed = 43
	if x, y := draws(New(o).Session(7), 200), draws(b.Session(7), 200); reflect.DeepEqual(x, y) {
		t.Error("two seeds drew the same faults")
	}
}

func TestInjectorRates(t *testing.T) {
	p := New(Options{Seed: 1, Replies: map[string]Reply{"RETR": {450, 0.25}, "*": {550, 1}},
		Delays: map[string]Delay{"NOOP": {5 * time.Millisecond, 5 * time.Millisecond}}})
	in := p.Session(1)
	hits := 0
	for i := 0; i < 4000; i++ {
		switch in.Reply("RETR") {
		case 450:
			hits++
		case 0:
		default:
			t.Fatal("RETR got another rule's code")
		}
	}
	if hits < 800 || hits > 1200 {
		t.Errorf("rate 0.25 injected %d of 4000", hits)
	}
	if c := in.Reply("DELE"); c != 550 {
		t.Errorf("the * rule gave DELE %d, want 550", c)
	}
	if d := in.Delay("NOOP"); d != 5*time.Millisecond {
		t.Errorf("NOOP delay %v", d)
	}
	if d := in.Delay("RETR"); d != 0 {
		t.Errorf("RETR has no delay rule, got %v", d)
	}
	if in.ResetAfter() != 0 {
		t.Error("no reset configured, one drawn")
	}
	if p.Count(KindReply) != int64(hits)+1 || p.Count(KindDelay) != 1 || p.Count(KindReset) != 0 {
		t.Errorf("counts reply %d delay %d reset %d", p.Count(KindReply), p.Count(KindDelay), p.Count(KindReset))
	}
}

func TestNilInjectsNothing(t *testing.T) {
	if p := New(Options{Seed: 5}); p != nil {
		t.Fatal("empty options made a plan")
	}
	var p *Plan
	in := p.Session(1)
	if in.Reply("RETR") != 0 || in.Delay("RETR") != 0 || in.ResetAfter() != 0 {
		t.Error("a nil injector injected")
	}
	if q := New(Options{Reset: Reset{After: 1, Rate: 1}}); q == nil || q.Seed() == 0 {
		t.Error("no seed given: New must pick a non-zero one")
	}
}

func TestStallAndNoAcceptDraws(t *testing.T) {
	p := New(Options{Seed: 2, Stall: Reset{After: 64, Rate: 1}, NoAccept: 0.5})
	in := p.Session(1)
	if in.StallAfter() != 64 || in.ResetAfter() != 0 {
		t.Error("stall at rate 1 not drawn, or a reset drawn without one configured")
	}
	hits := 0
	for i := 0; i < 1000; i++ {
		if in.NoAccept() {
			hits++
		}
	}
	if hits < 400 || hits > 600 {
		t.Errorf("no-accept at rate 0.5: %d of 1000", hits)
	}
	if p.Count(KindStall) != 1 || p.Count(KindNoAccept) != int64(hits) {
		t.Errorf("counts stall %d noaccept %d", p.Count(KindStall), p.Count(KindNoAccept))
	}
	if r, err := ParseRate("0.25"); err != nil || r != 0.25 {
		t.Errorf("ParseRate(0.25) = %v, %v", r, err)
	}
	if _, err := ParseRate("0"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ParseRate(0): %v", err)
	}
}

func TestTLSDelay(t *testing.T) {
	d, err := ParseDelay("100ms-200ms")
	if err != nil || d != (Delay{100 * time.Millisecond, 200 * time.Millisecond}) {
		t.Fatalf("ParseDelay = %v, %v", d, err)
	}
	if _, err := ParseDelay("soon"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ParseDelay(soon): %v", err)
	}
	p := New(Options{Seed: 3, TLSDelay: d})
	in := p.Session(1)
	for i := 0; i < 50; i++ {
		if v := in.TLSDelay(); v < d.Min || v > d.Max {
			t.Fatalf("TLS delay %v outside %v", v, d)
		}
	}
	if p.Count(KindTLSDelay) != 50 {
		t.Errorf("%d TLS delays counted", p.Count(KindTLSDelay))
	}
}
