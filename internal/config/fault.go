package config

import (
	"strings"

	"github.com/ftpsd/ftpsd/internal/fault"
)

// FaultSettings are ftpsd's directives for fault injection
// (internal/fault), process-wide like their flags. The specifications are
// checked when read and kept as written.
type FaultSettings struct {
	Delay Opt[string] // FTPFaultDelay: -fault-delay
	Reply Opt[string] // FTPFaultReply: -fault-reply
	Reset Opt[string] // FTPFaultReset: -fault-reset
	Stall Opt[string] // FTPFaultStall: -fault-stall
	// NoAccept is FTPFaultNoAccept: -fault-noaccept.
	NoAccept Opt[string]
	Seed     Opt[int] // FTPFaultSeed: -fault-seed
	// TLSDelay is FTPFaultTLSDelay: -fault-tls-delay.
	TLSDelay Opt[string]
}

// faultSpec reads a fault specification that check accepts.
func faultSpec(get func(*Server) *Opt[string], check func(string) error) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		if err := check(n.args[0]); err != nil {
			return errorf("%s", strings.TrimPrefix(err.Error(), "fault: bad specification: "))
		}
		*get(p.srv) = setOpt(n.args[0], n.pos)
		return nil
	}
}

// CheckFaultDelay, CheckFaultReply and CheckFaultReset check the
// specifications of FTPFaultDelay, FTPFaultReply and FTPFaultReset (and of
// their flags): fault.ParseDelays, ParseReplies and ParseReset.
func CheckFaultDelay(s string) error { _, err := fault.ParseDelays(s); return emptySpec(s, err) }
func CheckFaultReply(s string) error { _, err := fault.ParseReplies(s); return emptySpec(s, err) }
func CheckFaultReset(s string) error { _, err := fault.ParseReset(s); return err }

// CheckFaultTLSDelay checks FTPFaultTLSDelay's latency (and its flag's).
func CheckFaultTLSDelay(s string) error { _, err := fault.ParseDelay(s); return err }

// CheckFaultNoAccept checks FTPFaultNoAccept's rate (and its flag's).
func CheckFaultNoAccept(s string) error { _, err := fault.ParseRate(s); return err }

func emptySpec(s string, err error) error {
	if err == nil && strings.TrimSpace(strings.ReplaceAll(s, ",", "")) == "" {
		return errorf("empty specification")
	}
	return err
}
