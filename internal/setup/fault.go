package setup

import (
	"fmt"
	"log/slog"

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
