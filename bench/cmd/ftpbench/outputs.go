package main

import (
	"os"
	"path/filepath"

	"github.com/ftpsd/ftpsd/bench/chart"
	"github.com/ftpsd/ftpsd/bench/report"
	"github.com/ftpsd/ftpsd/bench/scenario"
)

// writeOutputs writes results.json, the charts and the Markdown section,
// and prints the table.
func writeOutputs(o *options, rep *report.Report, d *display) error {
	if err := os.MkdirAll(o.results, 0o755); err != nil {
		return err
	}
	if err := rep.WriteJSON(filepath.Join(o.results, "results.json")); err != nil {
		return err
	}
	files := map[string]*chart.Bars{
		"throughput.svg":  barsOf(rep, "bulk", scenario.MBPerSec, "Bulk transfers, median MB/s", "MB/s", false),
		"idle-memory.svg": barsOf(rep, "idle", scenario.PSSPerSessionKiB, "Server memory (PSS) per idle TLS session, KiB", "KiB", true),
		"churn.svg":       barsOf(rep, "churn", scenario.SessionsPerSec, "Churn: TLS sessions per second", "/s", false),
	}
	for name, c := range files {
		if err := os.WriteFile(filepath.Join(o.results, name), []byte(c.SVG()), 0o644); err != nil {
			return err
		}
	}
	if o.markdown != "" {
		rel := func(name string) string {
			p, err := filepath.Rel(filepath.Dir(o.markdown), filepath.Join(o.results, name))
			if err != nil {
				return filepath.Join(o.results, name)
			}
			return filepath.ToSlash(p)
		}
		section := rep.Markdown(report.Charts{Throughput: rel("throughput.svg"), IdleMemory: rel("idle-memory.svg"), Churn: rel("churn.svg")})
		if err := report.UpdateFile(o.markdown, section); err != nil {
			return err
		}
		d.logf("wrote %s, %s", o.markdown, o.results)
	}
	return rep.WriteTable(os.Stdout)
}

// barsOf charts the medians of metric in every case of a scenario.
func barsOf(rep *report.Report, scen, metric, title, unit string, log bool) *chart.Bars {
	servers := rep.ServerNames()
	b := &chart.Bars{Title: title, Unit: unit, Series: servers, Log: log}
	for _, c := range rep.Cases(scen) {
		g := chart.Group{Label: c.Label()}
		for _, s := range servers {
			// The median of no runs is NaN, which draws no bar.
			g.Values = append(g.Values, rep.Get(c, s, metric).Median)
		}
		b.Groups = append(b.Groups, g)
	}
	return b
}
