package report

import (
	"fmt"
	"strings"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// Target is one of issue 5's targets, checked against a run.
type Target struct {
	What   string
	Figure string
	Met    bool
	Known  bool // false: the run lacks what the check needs
}

// Targets checks issue 5's targets.
func (r *Report) Targets() []Target {
	var out []Target
	// Idle: the largest ftpsd idle case.
	var idle *Case
	most := 0.0
	for _, c := range r.Cases("idle") {
		if cell := r.Get(c, Self, scenario.Sessions); cell.Valid() && cell.Median > most {
			idle, most = &c, cell.Median
		}
	}
	if idle != nil {
		rss := r.Get(*idle, Self, scenario.RSSPerSessionKiB)
		p99 := r.Get(*idle, Self, scenario.NoopP99ms)
		out = append(out, Target{
			What:   fmt.Sprintf("idle TLS session ≤ 12 KiB RSS with 10,000 held (%s)", idle.Case),
			Figure: fmt.Sprintf("%s KiB, %s sessions held", num(rss.Median), num(most)),
			Met:    rss.Valid() && rss.Median <= 12 && most >= 10000, Known: rss.Valid(),
		}, Target{
			What:   "NOOP p99 ≤ 5 ms across the held sessions",
			Figure: num(p99.Median) + " ms",
			Met:    p99.Valid() && p99.Median <= 5 && p99.Failed == 0, Known: p99.Valid(),
		})
	}
	for _, c := range r.Cases("bulk") {
		if strings.Contains(c.Case, "PROT P") {
			out = append(out, r.versusBest(c, scenario.MBPerSec, 1.3, "≥ 1.3× the best peer's MB/s"))
		}
	}
	for _, c := range r.Cases("churn") {
		t := r.versusBest(c, scenario.SessionsPerSec, 2, "≥ 2× the best peer's sessions/s")
		if l, ok := r.churnLimit(c); ok && t.Known {
			t.Figure += "; at most " + num(l.perSec) + " possible here (see Churn)"
		}
		out = append(out, t)
	}
	for _, c := range r.Cases("bulk") {
		if !strings.HasPrefix(c.Case, "RETR PROT C") {
			continue
		}
		t := r.versusBest(c, scenario.MBPerSec, 1, "≥ the best peer's MB/s")
		self := r.Get(c, Self, scenario.CPUSecPerGB)
		leastName, least, ok := r.BestPeer(c, scenario.CPUSecPerGB, false)
		cpu := Target{What: c.Case + ": less server CPU per GB than any peer"}
		if ok && self.Valid() {
			cpu.Known = true
			cpu.Met = self.Median < least.Median
			cpu.Figure = fmt.Sprintf("%s s/GB vs %s %s s/GB", num(self.Median), leastName, num(least.Median))
		}
		out = append(out, t, cpu)
	}
	failed, runs := 0, 0
	for _, c := range r.Cases("bulk") {
		if strings.HasSuffix(c.Case, " x64") {
			cell := r.Get(c, Self, scenario.MBPerSec)
			failed += cell.Failed
			runs += cell.Runs
		}
	}
	if runs > 0 {
		out = append(out, Target{What: "64 concurrent streams with no failed transfer",
			Figure: fmt.Sprintf("%d failed in %d runs", failed, runs), Met: failed == 0, Known: true})
	}
	return out
}

// versusBest checks ftpsd's median of metric against factor × the best peer's.
func (r *Report) versusBest(c Case, metric string, factor float64, want string) Target {
	t := Target{What: c.Case + ": " + want}
	self := r.Get(c, Self, metric)
	name, best, ok := r.BestPeer(c, metric, true)
	if !ok || !self.Valid() {
		if self.Valid() {
			t.Figure = "ftpsd " + num(self.Median) + "; no peer completed it"
		}
		return t
	}
	t.Known = true
	t.Met = self.Failed == 0 && self.Median >= factor*best.Median
	t.Figure = fmt.Sprintf("%s vs %s %s = %s", num(self.Median), name, num(best.Median), ratio(self.Median, best.Median))
	return t
}
