package main

import (
	"context"
	"fmt"
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

// buildCases lists the cases of the chosen scenarios, in the order they run.
func buildCases(o *options) []caseSpec {
	var cs []caseSpec
	want := map[string]bool{}
	for _, s := range o.scenarios {
		want[s] = true
	}
	if want["idle"] {
		idle := func(n int) func(context.Context, *scenario.Target, *scenario.Progress) *scenario.Result {
			return func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
				return scenario.Idle(ctx, t, scenario.IdleConfig{Sessions: n, Settle: o.idleSettle}, p)
			}
		}
		cs = append(cs, caseSpec{scenario: "idle", name: fmt.Sprintf("%d sessions", o.idlePeers), fresh: true, run: idle(o.idlePeers)})
		if o.idleFtpsd != o.idlePeers {
			cs = append(cs, caseSpec{scenario: "idle", name: fmt.Sprintf("%d sessions", o.idleFtpsd), only: "ftpsd", fresh: true, run: idle(o.idleFtpsd)})
		}
	}
	if want["churn"] {
		cs = append(cs, caseSpec{scenario: "churn", name: fmt.Sprintf("%d clients", o.churnClients),
			run: func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
				return scenario.Churn(ctx, t, scenario.ChurnConfig{Clients: o.churnClients, Duration: o.churn}, p)
			}})
	}
	if want["bulk"] {
		for _, store := range []bool{false, true} {
			for _, protP := range []bool{true, false} {
				for _, n := range []int{1, 8, 64} {
					bc := scenario.BulkConfig{Store: store, ProtP: protP, Streams: n, Volume: o.volume}
					cs = append(cs, caseSpec{scenario: "bulk", name: bc.Name(), store: store,
						run: func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
							return scenario.Bulk(ctx, t, bc, p)
						}})
				}
			}
		}
	}
	if want["list"] {
		for _, verb := range []string{"MLSD", "LIST"} {
			lc := scenario.ListConfig{Verb: verb, Clients: o.listClients, Duration: o.list, Entries: scenario.ListSize}
			cs = append(cs, caseSpec{scenario: "list", name: fmt.Sprintf("%s x%d", verb, o.listClients),
				run: func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
					return scenario.List(ctx, t, lc, p)
				}})
		}
	}
	if want["small"] {
		for _, store := range []bool{false, true} {
			sc := scenario.SmallConfig{Store: store, Clients: o.smallClients, Duration: o.small}
			op := "RETR"
			if store {
				op = "STOR"
			}
			cs = append(cs, caseSpec{scenario: "small", name: fmt.Sprintf("%s 4 KiB x%d", op, o.smallClients), store: store,
				run: func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result {
					return scenario.Small(ctx, t, sc, p)
				}})
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
