package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"
)

// result is one run as --json prints it (field names are part of the
// command's interface: README documents them).
type result struct {
	Scenario   string      `json:"scenario"`
	Addr       string      `json:"addr"`
	TLS        string      `json:"tls"` // none, explicit or implicit
	Prot       string      `json:"prot,omitempty"`
	Clients    int         `json:"clients"`
	Seconds    float64     `json:"seconds"` // wall time, first login to last operation
	Ops        []opSummary `json:"ops"`
	Errors     int64       `json:"errors"` // failed operations of every kind
	FirstError string      `json:"first_error,omitempty"`
	// Verified is the transfers --verify checked and found exact.
	Verified int64 `json:"verified,omitempty"`
}

func newResult(o *options, r *runner, elapsed time.Duration) *result {
	res := &result{Scenario: o.scenario, Addr: o.addr, TLS: o.tlsMode, Clients: o.clients,
		Seconds: elapsed.Seconds(), Ops: r.rec.summary(elapsed), FirstError: r.rec.firstError(),
		Verified: r.verified.Load()}
	if o.tlsMode != tlsNone {
		res.Prot = o.prot()
	}
	_, res.Errors, _ = r.rec.totals()
	return res
}

func (res *result) writeJSON(w io.Writer) error {
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(res)
}

// writeTable prints the run as an aligned table, one operation a row.
func (res *result) writeTable(w io.Writer, o *options) error {
	fmt.Fprintf(w, "ftpsd-load %s against %s (%s), %d clients, %.1f s\n\n",
		res.Scenario, res.Addr, o.tlsLabel(), res.Clients, res.Seconds)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "op\tcount\terrors\tper s\tMB/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\t")
	for _, op := range res.Ops {
		mb := "-"
		if op.Bytes > 0 {
			mb = strconv.FormatFloat(op.MBPerSec, 'f', 1, 64)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%s\t%.2f\t%.2f\t%.2f\t%.2f\t\n", op.Op, op.Count, op.Errors,
			op.PerSec, mb, op.P50ms, op.P90ms, op.P99ms, op.MaxMs)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if o.verify {
		fmt.Fprintf(w, "\nverified: %d transfers exact\n", res.Verified)
	}
	if res.Errors > 0 {
		fmt.Fprintf(w, "\n%d operations failed; the first: %s\n", res.Errors, res.FirstError)
	}
	return nil
}
