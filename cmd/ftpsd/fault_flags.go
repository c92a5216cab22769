package main

import (
	"fmt"

	"github.com/ftpsd/ftpsd/internal/config"
)

// defineFaultFlags defines the flags of fault injection
// (setup.FaultFlags).
func defineFaultFlags(fs flagSet, o *options) {
	f := &o.flags.Fault
	opt(fs, &f.Delay, fs.StringVar, "fault-delay", "", "add latency to replies: `VERB=DUR[-DUR],...` (RETR=200ms,LIST=10ms-50ms; * for any command)")
	opt(fs, &f.Reply, fs.StringVar, "fault-reply", "", "answer commands with an error at a rate: `VERB=CODE[:RATE],...` (RETR=421:0.1; codes 421 425 426 450 451 452 550)")
	opt(fs, &f.Reset, fs.StringVar, "fault-reset", "", "reset data connections after `BYTES[:RATE]` crossed them (1M:0.5)")
	opt(fs, &f.Stall, fs.StringVar, "fault-stall", "", "stall data connections after `BYTES[:RATE]` crossed them, until the data-idle timeout or ABOR (256K:0.1)")
	opt(fs, &f.NoAccept, fs.StringVar, "fault-noaccept", "", "never accept this `RATE` of passive data connections (0.05)")
	opt(fs, &f.TLSDelay, fs.StringVar, "fault-tls-delay", "", "hold back PROT P data handshakes for `DUR[-DUR]` (500ms-2s)")
	opt(fs, &f.Seed, fs.IntVar, "fault-seed", 0, "`N` seeds fault injection, so that a run can be replayed (default: random, logged)")
}

// finishFaultFlags checks the fault specifications given.
func finishFaultFlags(o *options) error {
	f := &o.flags.Fault
	for _, c := range []struct {
		name  string
		v     string
		set   bool
		check func(string) error
	}{
		{"fault-delay", f.Delay.Value, f.Delay.Set, config.CheckFaultDelay},
		{"fault-reply", f.Reply.Value, f.Reply.Set, config.CheckFaultReply},
		{"fault-reset", f.Reset.Value, f.Reset.Set, config.CheckFaultReset},
		{"fault-stall", f.Stall.Value, f.Stall.Set, config.CheckFaultReset},
		{"fault-noaccept", f.NoAccept.Value, f.NoAccept.Set, config.CheckFaultNoAccept},
		{"fault-tls-delay", f.TLSDelay.Value, f.TLSDelay.Set, config.CheckFaultTLSDelay},
	} {
		if c.set && c.v != "" {
			if err := c.check(c.v); err != nil {
				return fmt.Errorf("-%s: %w", c.name, err)
			}
		}
	}
	if f.Seed.Set && f.Seed.Value < 1 {
		return fmt.Errorf("-fault-seed: %d is not a positive number", f.Seed.Value)
	}
	return nil
}
