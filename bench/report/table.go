package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/ftpsd/ftpsd/bench/scenario"
)

// headline is the metric a scenario's terminal table shows.
var headline = []struct{ scenario, metric, unit string }{
	{"idle", scenario.RSSPerSessionKiB, "RSS KiB/session"},
	{"idle", scenario.NoopP99ms, "NOOP p99 ms"},
	{"idle", scenario.RSSAfterClosePct, "RSS after close, % of before"},
	{"churn", scenario.SessionsPerSec, "sessions/s"},
	{"bulk", scenario.MBPerSec, "MB/s"},
	{"bulk", scenario.CPUSecPerGB, "server CPU s/GB"},
	{"bulk", scenario.ClientCPUSecPerGB, "client CPU s/GB"},
	{"clients", scenario.MBPerSec, "MB/s"},
	{"clients", scenario.CPUSecPerGB, "server CPU s/GB"},
	{"clients", scenario.ClientCPUSecPerGB, "client CPU s/GB"},
	{"list", scenario.ListingsPerSec, "listings/s"},
	{"small", scenario.FilesPerSec, "files/s"},
}

// WriteTable prints the medians as a plain-text table: a row per case and
// metric, a column per server.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	servers := r.ServerNames()
	fmt.Fprint(tw, "case\tmetric")
	for _, s := range servers {
		fmt.Fprint(tw, "\t"+s)
	}
	fmt.Fprintln(tw)
	for _, h := range headline {
		for _, c := range r.Cases(h.scenario) {
			fmt.Fprintf(tw, "%s %s\t%s", c.Scenario, c.Label(), h.unit)
			for _, s := range servers {
				cell := r.Get(c, s, h.metric)
				v := "—"
				switch {
				case cell.Valid() && cell.Failed > 0:
					v = num(cell.Median) + fmt.Sprintf(" (%d failed)", cell.Failed)
				case cell.Valid():
					v = num(cell.Median)
				case cell.failedOutright():
					v = "fails"
				}
				fmt.Fprint(tw, "\t"+v)
			}
			fmt.Fprintln(tw)
		}
	}
	return tw.Flush()
}
