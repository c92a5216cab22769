package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// toolVersions names the curl and lftp that ran, as the run recorded them.
func (r *Report) toolVersions() string {
	var v []string
	for _, k := range []string{"curl", "lftp"} {
		if s := r.Settings[k]; s != "" {
			v = append(v, s)
		}
	}
	if len(v) == 0 {
		return "versions not recorded"
	}
	return strings.Join(v, ", ")
}

// tools writes the curl and lftp section: MB/s, server and client CPU per
// GB per certificate kind, then every round's MB/s beside the best peer's
// of the same round (the target is per round, not on medians).
func (r *Report) tools(b *strings.Builder) {
	if len(r.Cases("clients")) == 0 {
		return
	}
	r.matrix(b, "curl and lftp: MB/s (10^6 bytes/s, login included)", "clients", scenario.MBPerSec, higherBetter)
	r.matrix(b, "curl and lftp: server CPU seconds per GB (lower is better)", "clients", scenario.CPUSecPerGB, 0)
	r.kernelCPU(b, "clients", "curl and lftp")
	r.matrix(b, "curl and lftp: the client's CPU seconds per GB", "clients", scenario.ClientCPUSecPerGB, noRatio)
	b.WriteString("### curl and lftp: ftpsd's MB/s in every round beside the best peer's of that round\n\n")
	var rows [][]string
	for _, c := range r.Cases("clients") {
		for _, rr := range r.RoundsVersusBest(c, scenario.MBPerSec) {
			rows = append(rows, []string{c.Label(), fmt.Sprint(rr.Round), num(rr.Self), rr.Best + " " + num(rr.BestValue), ratio(rr.Self, rr.BestValue)})
		}
	}
	mdTable(b, []string{"case", "round", "ftpsd MB/s", "best peer that round", "ftpsd ÷ best peer"}, rows)
}

// RoundVersus is ftpsd's value in one round beside the best peer's of that
// round. Self is NaN when ftpsd's run of the round failed.
type RoundVersus struct {
	Round           int
	Self, BestValue float64
	Best            string
	SelfFailed      bool
}

// RoundsVersusBest compares ftpsd with the best peer round by round in
// case c (higher being better): rounds where no peer completed the case
// are left out.
func (r *Report) RoundsVersusBest(c Case, metric string) []RoundVersus {
	byRound := map[int]*RoundVersus{}
	var order []int
	for _, res := range r.Results {
		if res.Scenario != c.Scenario || res.Case != c.Case || res.Cert != c.Cert {
			continue
		}
		rv := byRound[res.Round]
		if rv == nil {
			rv = &RoundVersus{Round: res.Round, Self: nan(), BestValue: nan()}
			byRound[res.Round] = rv
			order = append(order, res.Round)
		}
		v, ok := res.Metrics[metric]
		ok = ok && res.Metrics[scenario.Failed] == 0
		if res.Server == Self {
			if ok {
				rv.Self = v
			} else {
				rv.SelfFailed = true
			}
			continue
		}
		if ok && (rv.Best == "" || v > rv.BestValue) {
			rv.Best, rv.BestValue = res.Server, v
		}
	}
	slices.Sort(order)
	var out []RoundVersus
	for _, n := range order {
		if rv := byRound[n]; rv.Best != "" {
			out = append(out, *rv)
		}
	}
	return out
}

func nan() float64 { return math.NaN() }
