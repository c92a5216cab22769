package report

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ftpsd/ftpsd/bench/ceiling"
	"github.com/ftpsd/ftpsd/bench/scenario"
	"github.com/ftpsd/ftpsd/bench/stats"
)

// Report is one benchmark run: how and where it ran, and every result.
type Report struct {
	Date     string             `json:"date"`
	Machine  string             `json:"machine"`
	Go       string             `json:"go"`
	Commit   string             `json:"commit"`
	Command  string             `json:"command"`
	Quick    bool               `json:"quick"`
	Rounds   int                `json:"rounds"`
	Settings map[string]string  `json:"settings"` // volume, durations, session counts
	Notes    []string           `json:"notes,omitempty"`
	Servers  []Server           `json:"servers"`
	Ceilings ceiling.Ceilings   `json:"ceilings"`
	Results  []*scenario.Result `json:"results"`
	Profiles []Profile          `json:"profiles,omitempty"`
}

// Server is one server as it ran.
type Server struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Command string `json:"command"`
	Config  string `json:"config,omitempty"` // path of its configuration file, if any
}

// Profile is the top of a pprof profile of ftpsd under one scenario.
type Profile struct {
	Title   string `json:"title"`
	Command string `json:"command"`
	Top     string `json:"top"`
}

// Peer is the reference name of ftpsd; every other server is a peer.
const Self = "ftpsd"

// Settings keys for what the run measured of its machine: runtime.NumCPU
// and the open-file limit (RLIMIT_NOFILE) ftpbench ran with.
const (
	CPUsSetting      = "cpus"
	FileLimitSetting = "nofile"
)

// PageCacheSetting is the key of Settings that says whether the page cache
// was dropped before every bulk upload case: "yes" or "no"; absent when no
// bulk upload ran, or in a report from before it was recorded.
const PageCacheSetting = "page_cache_dropped"

// PageCacheDropped is the value of Settings[PageCacheSetting] for results:
// "yes" when every bulk upload found the page cache dropped, "no" when one
// did not, "" when none ran.
func PageCacheDropped(results []*scenario.Result) string {
	v := ""
	for _, res := range results {
		switch res.PageCache {
		case "":
		case scenario.PageCacheDropped:
			if v == "" {
				v = "yes"
			}
		default:
			v = "no"
		}
	}
	return v
}

// PrefaultSetting is the key of Settings that gives the memory ftpbench
// touched and freed before every bulk upload case, in bytes; absent when
// no bulk upload ran, when the uploads differed, or in a report from
// before it was done.
const PrefaultSetting = "upload_prefault_bytes"

// Prefaulted is the value of Settings[PrefaultSetting] for results: the
// bytes every bulk upload prefaulted, or "" when none ran, one did not, or
// two differed.
func Prefaulted(results []*scenario.Result) string {
	var n int64
	for _, res := range results {
		if res.PageCache == "" { // not an upload
			continue
		}
		if res.Prefaulted <= 0 || (n != 0 && res.Prefaulted != n) {
			return ""
		}
		n = res.Prefaulted
	}
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// ReadJSON reads a report WriteJSON wrote.
func ReadJSON(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("report: %s: %w", path, err)
	}
	return &r, nil
}

// Case is a scenario case under one certificate kind, e.g. {bulk,
// RETR PROT P x8, ECDSA}. Cert is "" in reports from before issue 20.
type Case struct{ Scenario, Case, Cert string }

// Label is the case's name with its certificate kind, for tables and
// charts: "RETR PROT P x8 (ECDSA P-256)".
func (c Case) Label() string {
	if c.Cert == "" {
		return c.Case
	}
	return c.Case + " (" + KindName(c.Cert) + ")"
}

// likeForLike reports whether c is the churn case whose client offers
// X25519 only: there to compare the servers doing the same key exchange,
// in no target.
func (c Case) likeForLike() bool {
	return c.Scenario == "churn" && strings.HasSuffix(c.Case, scenario.X25519Suffix)
}

// KindName is a certificate kind's long name (as bench/peers spells the
// kinds: RSA, ECDSA).
func KindName(kind string) string {
	switch kind {
	case "RSA":
		return "RSA-2048"
	case "ECDSA":
		return "ECDSA P-256"
	}
	return kind
}

// Kinds lists the certificate kinds the cases of scen ran under, in the
// order they first ran.
func (r *Report) Kinds(scen string) []string {
	var out []string
	for _, c := range r.Cases(scen) {
		if !slices.Contains(out, c.Cert) {
			out = append(out, c.Cert)
		}
	}
	return out
}

// CasesOf lists the cases of scen that ran under kind.
func (r *Report) CasesOf(scen, kind string) []Case {
	var out []Case
	for _, c := range r.Cases(scen) {
		if c.Cert == kind {
			out = append(out, c)
		}
	}
	return out
}

// Cases lists the cases of one scenario in the order they first ran.
func (r *Report) Cases(scen string) []Case {
	var out []Case
	for _, res := range r.Results {
		c := Case{res.Scenario, res.Case, res.Cert}
		if res.Scenario == scen && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// ServerNames lists the servers that have results, ftpsd first.
func (r *Report) ServerNames() []string {
	var out []string
	for _, s := range r.Servers {
		out = append(out, s.Name)
	}
	for _, res := range r.Results {
		if !slices.Contains(out, res.Server) {
			out = append(out, res.Server)
		}
	}
	return out
}

// Cell is a metric of one server in one case over the rounds.
type Cell struct {
	stats.Summary
	Failed int    // failures summed over the rounds
	Err    string // the first error seen
	Runs   int    // rounds that ran
}

// Get summarises metric for server in case c. A round whose run failed
// entirely (no value) counts as missing; failures are summed.
func (r *Report) Get(c Case, server, metric string) Cell {
	var xs []float64
	var cell Cell
	for _, res := range r.Results {
		if res.Server != server || res.Scenario != c.Scenario || res.Case != c.Case || res.Cert != c.Cert {
			continue
		}
		cell.Runs++
		cell.Failed += int(res.Metrics[scenario.Failed])
		if cell.Err == "" {
			cell.Err = res.Err
		}
		if v, ok := res.Metrics[metric]; ok {
			xs = append(xs, v)
		}
	}
	cell.Summary = stats.Summarize(xs)
	return cell
}

// BestPeer returns the peer (not ftpsd) with the best median of metric in
// c, higher or lower being better, among peers whose runs did not fail.
func (r *Report) BestPeer(c Case, metric string, higher bool) (string, Cell, bool) {
	var best string
	var bc Cell
	found := false
	for _, s := range r.ServerNames() {
		if s == Self {
			continue
		}
		cell := r.Get(c, s, metric)
		if !cell.Valid() || cell.Failed > 0 || cell.Median <= 0 {
			continue
		}
		if !found || (higher && cell.Median > bc.Median) || (!higher && cell.Median < bc.Median) {
			best, bc, found = s, cell, true
		}
	}
	return best, bc, found
}
