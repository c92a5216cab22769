package main

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ftpsd/ftpsd/bench/peers"
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
	// plain cases move clear data: they run under one certificate kind
	// only (plainKind), every other case under every kind.
	plain bool
	// once cases are in no target of issue 20: they run in the first
	// round only, to keep make bench within its time.
	once bool
	// kind, when set, is the one certificate kind the case runs under.
	kind string
	run  func(ctx context.Context, t *scenario.Target, p *scenario.Progress) *scenario.Result
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
		// The like-for-like count on every server: no target, once.
		c := spec("idle", scenario.IdleConfig{Sessions: o.idlePeers, Settle: o.idleSettle}, scenario.Idle)
		c.fresh, c.once = true, true
		cs = append(cs, c)
		// ftpsd alone: RSS per session at idleFtpsd held, then the most
		// one process can hold (NOOP p99 across them, and the memory
		// given back IdleReturn after they close: the wait only where a
		// target needs it).
		counts := []int{o.idleFtpsd}
		if o.idleMax > 0 && o.idleMax != o.idleFtpsd {
			counts = append(counts, o.idleMax)
		}
		for i, n := range counts {
			if n == o.idlePeers {
				continue
			}
			cfg := scenario.IdleConfig{Sessions: n, Settle: o.idleSettle}
			if i < len(counts)-1 || o.idleReturn <= 0 {
				c := spec("idle", cfg, scenario.Idle)
				c.fresh, c.only = true, "ftpsd"
				cs = append(cs, c)
				continue
			}
			// The largest case waits for the memory to return under
			// returnKind only: the wait is most of its time, and what
			// the heap gives back does not depend on the certificate.
			for _, kind := range o.certs {
				if kind == o.pick(returnKind) {
					cfg.Return = o.idleReturn
				} else {
					cfg.Return = 0
				}
				c := spec("idle", cfg, scenario.Idle)
				c.fresh, c.only, c.kind = true, "ftpsd", kind
				cs = append(cs, c)
			}
		}
	}
	if want["churn"] {
		for _, x := range []bool{false, true} {
			cs = append(cs, spec("churn", scenario.ChurnConfig{Clients: o.churnClients, Duration: o.churn, X25519: x}, scenario.Churn))
		}
	}
	if want["bulk"] {
		for _, store := range []bool{false, true} {
			for _, protP := range []bool{true, false} {
				for _, n := range []int{1, 8, 64} {
					c := spec("bulk", scenario.BulkConfig{Store: store, ProtP: protP, Streams: n, Volume: o.volume}, scenario.Bulk)
					c.store, c.plain = store, !protP
					cs = append(cs, c)
				}
			}
		}
	}
	if want["clients"] {
		for _, tool := range scenario.Tools() {
			for _, store := range []bool{false, true} {
				for _, protP := range []bool{true, false} {
					c := spec("clients", scenario.ToolConfig{Tool: tool, Store: store, ProtP: protP, Volume: o.volume}, scenario.ToolBulk)
					c.store, c.plain = store, !protP
					cs = append(cs, c)
				}
			}
		}
	}
	if want["list"] {
		for _, verb := range []string{"MLSD", "LIST"} {
			lc := scenario.ListConfig{Verb: verb, Clients: o.listClients, Duration: o.list, Entries: scenario.ListSize}
			c := spec("list", lc, scenario.List)
			c.once = true
			cs = append(cs, c)
		}
	}
	if want["small"] {
		for _, store := range []bool{false, true} {
			c := spec("small", scenario.SmallConfig{Store: store, Clients: o.smallClients, Duration: o.small}, scenario.Small)
			c.store, c.once = store, true
			cs = append(cs, c)
		}
	}
	if o.only != "" {
		// A case named exactly -case is the only one ("8 clients" is also
		// in "8 clients, X25519 offered"); otherwise every name containing it.
		match := func(c caseSpec) bool { return strings.Contains(c.name, o.only) }
		if slices.ContainsFunc(cs, func(c caseSpec) bool { return c.name == o.only }) {
			match = func(c caseSpec) bool { return c.name == o.only }
		}
		var keep []caseSpec
		for _, c := range cs {
			if match(c) {
				keep = append(keep, c)
			}
		}
		cs = keep
	}
	return cs
}

// returnKind is the certificate kind under which ftpsd's largest idle case
// waits for its memory to return.
const returnKind = peers.ECDSA

// caseTimeout bounds one case on one server, so that a server that hangs
// costs a failed case, not the run.
func caseTimeout(o *options) time.Duration {
	return 3*time.Minute + o.churn + o.list + o.small
}
