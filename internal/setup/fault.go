package setup

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/fault"
)

// FaultFlags are the flags of fault injection (internal/fault),
// process-wide as their directives. The specifications are kept as
// written; cmd/ftpsd checks them with config.CheckFault*.
type FaultFlags struct {
	Delay Opt[string] // -fault-delay (FTPFaultDelay)
	Reply Opt[string] // -fault-reply (FTPFaultReply)
	Reset Opt[string] // -fault-reset (FTPFaultReset)
	Stall Opt[string] // -fault-stall (FTPFaultStall)
	// NoAccept is -fault-noaccept (FTPFaultNoAccept), a rate.
	NoAccept Opt[string]
	Seed     Opt[int] // -fault-seed (FTPFaultSeed)
	// TLSDelay is -fault-tls-delay (FTPFaultTLSDelay).
	TLSDelay Opt[string]
}

// faultSpecs are the resolved fault settings: flags over directives.
type faultSpecs struct {
	delay, reply, reset, stall, noAccept, tlsDelay string
	seed                                           int
}

func (f FaultFlags) resolve() faultSpecs {
	return faultSpecs{delay: f.Delay.Value, reply: f.Reply.Value, reset: f.Reset.Value, stall: f.Stall.Value,
		noAccept: f.NoAccept.Value, tlsDelay: f.TLSDelay.Value, seed: f.Seed.Value}
}

// layerFault lays the file's fault directives under the flags.
func layerFault(ps config.FaultSettings, s *faultSpecs, fl FaultFlags) {
	layer(fl.Delay, ps.Delay, &s.delay)
	layer(fl.Reply, ps.Reply, &s.reply)
	layer(fl.Reset, ps.Reset, &s.reset)
	layer(fl.Stall, ps.Stall, &s.stall)
	layer(fl.NoAccept, ps.NoAccept, &s.noAccept)
	layer(fl.TLSDelay, ps.TLSDelay, &s.tlsDelay)
	layer(fl.Seed, ps.Seed, &s.seed)
}

// buildFaults makes the fault plan, nil when no fault is configured, and
// logs it with its seed, so that a run can be replayed. Runs at start-up
// only.
func buildFaults(s faultSpecs, log *slog.Logger) (*fault.Plan, error) {
	o := fault.Options{Seed: uint64(s.seed)}
	var err error
	if s.delay != "" {
		if o.Delays, err = fault.ParseDelays(s.delay); err != nil {
			return nil, fmt.Errorf("-fault-delay: %w", err)
		}
	}
	if s.reply != "" {
		if o.Replies, err = fault.ParseReplies(s.reply); err != nil {
			return nil, fmt.Errorf("-fault-reply: %w", err)
		}
	}
	if s.reset != "" {
		if o.Reset, err = fault.ParseReset(s.reset); err != nil {
			return nil, fmt.Errorf("-fault-reset: %w", err)
		}
	}
	if s.stall != "" {
		if o.Stall, err = fault.ParseReset(s.stall); err != nil {
			return nil, fmt.Errorf("-fault-stall: %w", err)
		}
	}
	if s.noAccept != "" {
		if o.NoAccept, err = fault.ParseRate(s.noAccept); err != nil {
			return nil, fmt.Errorf("-fault-noaccept: %w", err)
		}
	}
	if s.tlsDelay != "" {
		if o.TLSDelay, err = fault.ParseDelay(s.tlsDelay); err != nil {
			return nil, fmt.Errorf("-fault-tls-delay: %w", err)
		}
	}
	p := fault.New(o)
	if p != nil && log != nil {
		log.Warn("fault injection on", "delay", s.delay, "reply", s.reply, "reset", s.reset, "stall", s.stall,
			"noaccept", s.noAccept, "tls-delay", s.tlsDelay, "seed", p.Seed())
	}
	return p, nil
}

// faultFields are the -fault-* flags by the names /faults takes.
var faultFields = []string{"delay", "reply", "reset", "stall", "noaccept", "tls-delay", "seed"}

// FaultPlan builds a fault injection plan from the -fault-* flags' texts
// by name without the prefix (delay, reply, reset, stall, noaccept,
// tls-delay, seed), as the admin listener's /faults takes them, and
// returns it with the spec as it reads back. An unknown name or a text
// that does not parse is an error naming it. A spec with no fault gives a
// nil plan: injection off. Runs on the admin request's goroutine.
func FaultPlan(spec map[string][]string, log *slog.Logger) (*fault.Plan, string, error) {
	var s faultSpecs
	for name, vs := range spec {
		if len(vs) != 1 {
			return nil, "", fmt.Errorf("%s: give it once", name)
		}
		v := vs[0]
		switch name {
		case "delay":
			s.delay = v
		case "reply":
			s.reply = v
		case "reset":
			s.reset = v
		case "stall":
			s.stall = v
		case "noaccept":
			s.noAccept = v
		case "tls-delay":
			s.tlsDelay = v
		case "seed":
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return nil, "", fmt.Errorf("seed: %q is not a number", v)
			}
			s.seed = n
		default:
			return nil, "", fmt.Errorf("%s: not a fault; give %s", name, strings.Join(faultFields, ", "))
		}
	}
	p, err := buildFaults(s, log)
	if err != nil {
		return nil, "", err
	}
	return p, describeFaults(p, s), nil
}

// FaultsShown reads the plan the server started with (fp, built from
// this Plan) back as /faults shows it.
func (p *Plan) FaultsShown(fp *fault.Plan) string { return describeFaults(fp, p.s.fault) }

// describeFaults reads a plan back as /faults shows it.
func describeFaults(p *fault.Plan, s faultSpecs) string {
	if p == nil {
		return "off"
	}
	var parts []string
	for _, f := range []struct{ name, v string }{{"delay", s.delay}, {"reply", s.reply}, {"reset", s.reset},
		{"stall", s.stall}, {"noaccept", s.noAccept}, {"tls-delay", s.tlsDelay}} {
		if f.v != "" {
			parts = append(parts, f.name+"="+f.v)
		}
	}
	parts = append(parts, "seed="+strconv.FormatUint(p.Seed(), 10))
	return strings.Join(parts, " ")
}
