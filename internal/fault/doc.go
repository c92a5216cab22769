// Package fault is ftpsd's fault injection for testing clients: added
// latency per command, error replies injected at a rate per command, and
// data connections reset after a number of bytes. It is off unless
// configured (FTPFault* directives, -fault-* flags), and deterministic
// when a seed is given: each session draws from its own generator, seeded
// with the seed and the session's number, so replaying the same client run
// against a fresh server meets the same faults.
//
// What runs where: a [Plan] is built at start-up and read-only after; an
// [Injector] belongs to one session and is used on that session's event
// loop only (no lock: the loop never waits). Nothing here blocks, sleeps
// or touches the disk: latency is a duration the loop waits out with a
// timer (loop/fault.go), a reset is a byte count the data job applies
// (xfer/fault.go). Every fault injected is counted in [Plan.Counts] and
// logged by the loop.
package fault
