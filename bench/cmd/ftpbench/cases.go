package main

import (
	"context"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// caseSpec is one scenario case as the rounds run it.
type caseSpec struct {
	scenario string
	name     string
	only     string // run on this server only; "" for all
	store    bool   // leaves uploads to remove
	// fresh runs the case on a newly started server: memory measured as
	// growth over a baseline means nothing in a process that earlier
	// cases have already grown (Go and Python keep freed memory).
	fresh bool
	run   func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result
}

// spec is the case that runs a scenario with cfg, named as the scenario
// names its result: by cfg.Name().
func spec[C interface{ Name() string }](scen string, cfg C, run func(context.Context, *scenario.Target, C, *scenario.Progress) *scenario.Result) caseSpec {
	return caseSpec{scenario: scen, name: cfg.Name(),
		run: func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
			return run(ctx, t, cfg, p)
		}}
}

// buildCases lists the cases of the chosen scenarios, in the order they run.
func buildCases(o *options) []caseSpec {
	var cs []caseSpec
	want := map[string]bool{}
	for _, s := range o.scenarios {
		want[s] = true
	}
	if want["idle"] {
		c := spec("idle", scenario.IdleConfig{Sessions: o.idlePeers, Settle: o.idleSettle, Return: o.idleReturn}, scenario.Idle)
		c.fresh = true
		cs = append(cs, c)
		if o.idleFtpsd != o.idlePeers {
			c := spec("idle", scenario.IdleConfig{Sessions: o.idleFtpsd, Settle: o.idleSettle, Return: o.idleReturn}, scenario.Idle)
			c.fresh, c.only = true, "ftpsd"
			cs = append(cs, c)
		}
	}
	if want["churn"] {
		cs = append(cs, spec("churn", scenario.ChurnConfig{Clients: o.churnClients, Duration: o.churn}, scenario.Churn))
	}
	if want["bulk"] {
		for _, store := range []bool{false, true} {
			for _, protP := range []bool{true, false} {
				for _, n := range []int{1, 8, 64} {
					c := spec("bulk", scenario.BulkConfig{Store: store, ProtP: protP, Streams: n, Volume: o.volume}, scenario.Bulk)
					c.store = store
					cs = append(cs, c)
				}
			}
		}
	}
	if want["list"] {
		for _, verb := range []string{"MLSD", "LIST"} {
			lc := scenario.ListConfig{Verb: verb, Clients: o.listClients, Duration: o.list, Entries: scenario.ListSize}
			cs = append(cs, spec("list", lc, scenario.List))
		}
	}
	if want["small"] {
		for _, store := range []bool{false, true} {
			c := spec("small", scenario.SmallConfig{Store: store, Clients: o.smallClients, Duration: o.small}, scenario.Small)
			c.store = store
			cs = append(cs, c)
		}
	}
	if o.only != "" {
		var keep []caseSpec
		for _, c := range cs {
			if strings.Contains(c.name, o.only) {
				keep = append(keep, c)
			}
		}
		cs = keep
	}
	return cs
}

// caseTimeout bounds one case on one server, so that a server that hangs
// costs a failed case, not the run.
func caseTimeout(o *options) time.Duration {
	return 3*time.Minute + o.churn + o.list + o.small
}
