package report

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/bench/ceiling"
	"github.com/ftpsd/ftpsd/bench/scenario"
)

func res(server, scen, cas string, round int, m map[string]float64, err string) *scenario.Result {
	return &scenario.Result{Server: server, Scenario: scen, Case: cas, Round: round, Metrics: m, Err: err}
}

// sample is a small run: three rounds of bulk and churn, one idle, with a
// peer that fails.
func sample() *Report {
	r := &Report{Rounds: 3, Commit: "abc", Date: "today", Machine: "2 vCPU", Go: "go1.26",
		Command: "make bench", Settings: map[string]string{"volume": "1 GiB"},
		Ceilings: ceiling.Ceilings{GoTLSLoopback: 2000, PlainLoopback: 3000, OpenSSLAESGCM: 5000},
		Servers:  []Server{{Name: "ftpsd"}, {Name: "vsftpd"}, {Name: "proftpd"}}}
	for round, v := range []float64{1300, 1500, 1400} {
		r.Results = append(r.Results,
			res("ftpsd", "bulk", "RETR PROT P x1", round+1, map[string]float64{scenario.MBPerSec: v, scenario.CPUSecPerGB: 0.5}, ""),
			res("vsftpd", "bulk", "RETR PROT P x1", round+1, map[string]float64{scenario.MBPerSec: v / 2, scenario.CPUSecPerGB: 1.5}, ""),
			res("proftpd", "bulk", "RETR PROT P x1", round+1, map[string]float64{scenario.MBPerSec: 1000, scenario.CPUSecPerGB: 0.4}, ""),
			res("ftpsd", "churn", "8 clients", round+1, map[string]float64{scenario.SessionsPerSec: 500}, ""),
			res("vsftpd", "churn", "8 clients", round+1, map[string]float64{scenario.SessionsPerSec: 200}, ""),
			// proftpd's churn fails outright every round: it must not be the best peer.
			res("proftpd", "churn", "8 clients", round+1, map[string]float64{scenario.SessionsPerSec: 900, scenario.Failed: 3}, "ftpclient: boom | bad"),
		)
	}
	r.Results = append(r.Results,
		res("ftpsd", "idle", "10000 sessions", 1, map[string]float64{scenario.Sessions: 10000, scenario.RSSPerSessionKiB: 16, scenario.NoopP99ms: 0.7}, ""),
		res("ftpsd", "bulk", "RETR PROT P x64", 1, map[string]float64{scenario.MBPerSec: 900, scenario.Failed: 1}, "x"),
	)
	return r
}

func TestGetAndBestPeer(t *testing.T) {
	r := sample()
	c := Case{"bulk", "RETR PROT P x1", ""}
	cell := r.Get(c, "ftpsd", scenario.MBPerSec)
	if cell.Median != 1400 || cell.Min != 1300 || cell.Max != 1500 || cell.Runs != 3 {
		t.Errorf("ftpsd cell = %+v", cell)
	}
	name, best, ok := r.BestPeer(c, scenario.MBPerSec, true)
	if !ok || name != "proftpd" || best.Median != 1000 {
		t.Errorf("best MB/s peer = %s %v %v, want proftpd 1000", name, best.Median, ok)
	}
	if name, _, _ := r.BestPeer(c, scenario.CPUSecPerGB, false); name != "proftpd" {
		t.Errorf("least CPU peer = %s, want proftpd", name)
	}
	if name, best, _ := r.BestPeer(Case{"churn", "8 clients", ""}, scenario.SessionsPerSec, true); name != "vsftpd" || best.Median != 200 {
		t.Errorf("best churn peer = %s %v, want vsftpd 200 (proftpd failed)", name, best.Median)
	}
	if got := r.Get(Case{"churn", "8 clients", ""}, "proftpd", scenario.SessionsPerSec); got.Failed != 9 {
		t.Errorf("proftpd failures summed = %d, want 9", got.Failed)
	}
}

func TestTargets(t *testing.T) {
	got := map[string]Target{}
	for _, tg := range sample().Targets() {
		got[tg.What] = tg
	}
	want := map[string]bool{
		"RETR PROT P x1: ≥ 1.3× the best peer's MB/s":                      true,  // 1400 vs 1000
		"RETR PROT P x64: ≥ 1.3× the best peer's MB/s":                     false, // no peer: not known
		"idle TLS session ≤ 8 KiB RSS with 10,000 held (10000 sessions)":   false, // 16 KiB
		"NOOP p99 ≤ 5 ms across them (10000 sessions)":                     true,
		"one process holds 19,000 logged-in TLS sessions (10000 sessions)": false,
	}
	for what, met := range want {
		tg, ok := got[what]
		if !ok {
			t.Errorf("no target %q among %v", what, got)
			continue
		}
		if tg.Met != met || (met && !tg.Known) {
			t.Errorf("%q: known %v met %v (%s), want met %v", what, tg.Known, tg.Met, tg.Figure, met)
		}
	}
	if got["RETR PROT P x64: ≥ 1.3× the best peer's MB/s"].Known {
		t.Error("x64 target known without a peer's figure")
	}
	// Issue 5's list is gone.
	if _, ok := got["64 concurrent streams with no failed transfer"]; ok {
		t.Error("issue 5's target list is still reported")
	}
}

func TestMarkdown(t *testing.T) {
	md := sample().Markdown(Charts{Throughput: "t.svg", IdleMemory: "m.svg", Churn: "c.svg"})
	for _, want := range []string{
		BeginMarker, EndMarker,
		"| RETR PROT P x1 | 1,400 (1,300–1,500) | 700 (650–750) | 1,000 (1,000–1,000) | 1.40× | 0.70× |",
		// No peer ran x64: no ratio to a best peer, but one to the ceiling.
		"| RETR PROT P x64 | 900 ✗ 1 failed: x | — | — | — | 0.45× |",
		"✗ 9 failed: boom / bad", // a '|' in an error must not break the table
		"![Bulk throughput by server](t.svg)",
		"| idle TLS session ≤ 8 KiB RSS with 10,000 held (10000 sessions) | 16.0 KiB, 10,000 sessions held | **missed** |",
		"### Issue 20's targets in this run",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q\n%s", want, md)
		}
	}
}

func TestMarkdownClientCPU(t *testing.T) {
	const title = "### Bulk transfers: the client's CPU seconds per GB"
	// A results.json from before the client's CPU was recorded has no table.
	if md := sample().Markdown(Charts{}); strings.Contains(md, title) {
		t.Errorf("Markdown has a client CPU table without client CPU figures")
	}
	r := sample()
	r.Settings[CPUsSetting] = "2"
	for _, res := range r.Results {
		if res.Scenario == "bulk" {
			res.Metrics[scenario.ClientCPUSecPerGB] = map[string]float64{"proftpd": 0.8}[res.Server] + 0.6
		}
	}
	md := r.Markdown(Charts{})
	i := strings.Index(md, title)
	if i < 0 {
		t.Fatalf("Markdown lacks %q\n%s", title, md)
	}
	table, _, _ := strings.Cut(md[i+len(title)+2:], "\n\n")
	for _, want := range []string{
		"| case | ftpsd | vsftpd | proftpd |\n", // no ratio column: the client is the same program
		"| RETR PROT P x1 | 0.600 (0.600–0.600) | 0.600 (0.600–0.600) | 1.40 (1.40–1.40) |\n",
	} {
		if !strings.Contains(table, want) {
			t.Errorf("client CPU table lacks %q:\n%s", want, table)
		}
	}
	if !strings.Contains(md, "stays under 2 ÷ (server + client CPU seconds per GB)") {
		t.Errorf("Markdown lacks the bound the client's CPU puts on MB/s")
	}
	// A results.json without the CPU count states the bound in words.
	delete(r.Settings, CPUsSetting)
	if md := r.Markdown(Charts{}); !strings.Contains(md, "shares the machine with the server, so a case's MB/s stays under the CPU count ÷ (server") {
		t.Errorf("Markdown without the CPU count misstates the bound:\n%s", md)
	}
}

func TestMarkdownMachineSettings(t *testing.T) {
	r := sample()
	r.Settings[CPUsSetting] = "8"
	r.Settings[FileLimitSetting] = "1048576"
	md := r.Markdown(Charts{})
	for _, want := range []string{"It runs on the same 8 CPUs as the servers", "(RLIMIT_NOFILE) was 1,048,576)"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	// A results.json from before these were recorded makes no claim.
	md = sample().Markdown(Charts{})
	if !strings.Contains(md, "It runs on the same machine as the servers") || strings.Contains(md, "RLIMIT_NOFILE") {
		t.Errorf("Markdown without the settings claims a machine:\n%s", md)
	}
	if strings.Contains(md, "PEERS.md") {
		t.Error("Markdown cites PEERS.md, which the repository does not have")
	}
}

func TestMarkdownPageCache(t *testing.T) {
	const claim = "Before every bulk upload case, of every server, the page cache is written back and dropped"
	const failed = "could not be dropped before every one"
	for _, tt := range []struct {
		name, setting string
		want, lacks   []string
	}{
		{"dropped", "yes", []string{claim}, []string{failed}},
		{"not dropped", "no", []string{failed}, []string{claim}},
		// A results.json from before the setting was recorded claims nothing.
		{"not recorded", "", nil, []string{claim, failed, "page cache is written back"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := sample()
			if tt.setting != "" {
				r.Settings[PageCacheSetting] = tt.setting
			}
			md := r.Markdown(Charts{})
			for _, w := range tt.want {
				if !strings.Contains(md, w) {
					t.Errorf("Markdown lacks %q", w)
				}
			}
			for _, l := range tt.lacks {
				if strings.Contains(md, l) {
					t.Errorf("Markdown says %q", l)
				}
			}
		})
	}
}

func TestMarkdownPrefault(t *testing.T) {
	const claim = "writes to every page of 2 GiB of fresh memory and frees it"
	for _, tt := range []struct {
		name, setting string
		want          bool
	}{
		{"prefaulted", "2147483648", true},
		{"not recorded", "", false},
		{"garbled", "two", false},
	} {
		r := sample()
		if tt.setting != "" {
			r.Settings[PrefaultSetting] = tt.setting
		}
		if got := strings.Contains(r.Markdown(Charts{}), claim); got != tt.want {
			t.Errorf("%s: Markdown states the prefault: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestPrefaulted(t *testing.T) {
	up := func(n int64) *scenario.Result {
		return &scenario.Result{Scenario: "bulk", PageCache: scenario.PageCacheDropped, Prefaulted: n}
	}
	retr := &scenario.Result{Scenario: "bulk"}
	for _, tt := range []struct {
		name    string
		results []*scenario.Result
		want    string
	}{
		{"no uploads", []*scenario.Result{retr}, ""},
		{"all the same", []*scenario.Result{retr, up(1 << 31), up(1 << 31)}, "2147483648"},
		{"one without", []*scenario.Result{up(1 << 31), up(0), up(1 << 31)}, ""},
		{"two sizes", []*scenario.Result{up(1 << 31), up(1 << 29)}, ""},
	} {
		if got := Prefaulted(tt.results); got != tt.want {
			t.Errorf("%s: Prefaulted = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSizeName(t *testing.T) {
	for n, want := range map[int64]string{1 << 30: "1 GiB", 2 << 30: "2 GiB", 256 << 20: "256 MiB", 1536 << 20: "1536 MiB", 4096: "4,096 bytes", 0: "0 bytes"} {
		if got := SizeName(n); got != want {
			t.Errorf("SizeName(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPageCacheDropped(t *testing.T) {
	up := func(pc string) *scenario.Result { return &scenario.Result{Scenario: "bulk", PageCache: pc} }
	retr := &scenario.Result{Scenario: "bulk"}
	for _, tt := range []struct {
		name    string
		results []*scenario.Result
		want    string
	}{
		{"no uploads", []*scenario.Result{retr}, ""},
		{"all dropped", []*scenario.Result{retr, up(scenario.PageCacheDropped), up(scenario.PageCacheDropped)}, "yes"},
		{"one not dropped", []*scenario.Result{up(scenario.PageCacheDropped), up("permission denied"), up(scenario.PageCacheDropped)}, "no"},
	} {
		if got := PageCacheDropped(tt.results); got != tt.want {
			t.Errorf("%s: PageCacheDropped = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestSplice(t *testing.T) {
	section := BeginMarker + "\nnew\n" + EndMarker + "\n"
	doc := "# T\n\nmicro\n\n" + BeginMarker + "\nold\n" + EndMarker + "\n\ntail\n"
	got := Splice(doc, section)
	if want := "# T\n\nmicro\n\n" + section + "\ntail\n"; got != want {
		t.Errorf("Splice replaced wrongly:\n%q\nwant\n%q", got, want)
	}
	if got := Splice("# T\nmicro\n", section); got != "# T\nmicro\n\n"+section {
		t.Errorf("Splice without markers = %q", got)
	}
	path := filepath.Join(t.TempDir(), "B.md")
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := UpdateFile(path, section); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "old") || !strings.Contains(string(b), "micro") {
		t.Errorf("UpdateFile: %q", b)
	}
}

func TestNum(t *testing.T) {
	for in, want := range map[float64]string{
		1234567: "1,234,567", 999.4: "999", 56.78: "56.8", 8.9: "8.90", 0.1234: "0.123", -1500: "-1,500",
		math.NaN(): "—",
	} {
		if got := num(in); got != want {
			t.Errorf("num(%v) = %q, want %q", in, got, want)
		}
	}
}

func TestJSONRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	r := sample()
	if err := r.WriteJSON(path); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Results) != len(r.Results) || back.Ceilings != r.Ceilings {
		t.Errorf("round trip lost data: %d results, ceilings %+v", len(back.Results), back.Ceilings)
	}
	var b strings.Builder
	if err := back.WriteTable(&b); err != nil || !strings.Contains(b.String(), "bulk RETR PROT P x1") {
		t.Errorf("table: %v\n%s", err, b.String())
	}
}

// TestMarkdownChurnBound: with the client's CPU per session, the CPU count
// and Go's RSA signing rate, the churn section states the most sessions
// per second ftpsd could reach; without any of them, it says nothing.
func TestMarkdownChurnBound(t *testing.T) {
	r := sample()
	r.Settings[CPUsSetting] = "2"
	r.Ceilings.GoRSASign, r.Ceilings.OpenSSLRSASign = 1500, 5000
	for _, res := range r.Results {
		if res.Scenario == "churn" {
			res.Metrics[scenario.ClientCPUmsPerSession] = 1.5
		}
	}
	md := r.Markdown(Charts{})
	for _, want := range []string{
		"| ftpsd | 8 clients | 500 (500–500) | 2.50× | — | — | — | 1.50 (1.50–1.50) |",
		// 2 × 1,000 ÷ (1,000/1,500 + 1.5) = 923
		"at least one RSA-2048 signature (Go: 0.667 ms, from the ceilings above) and costs the client 1.50 ms",
		"could not pass 2 × 1,000 ÷ (0.667 + 1.50) = 923 sessions/s. Twice the best peer (vsftpd, 200) is 400. OpenSSL signs in 0.200 ms.",
		"| RSA-2048 signatures, Go crypto/rsa, one core | 1,500/s |",
		"| RSA-2048 signatures, OpenSSL, one core | 5,000/s | `openssl speed -mr -seconds 2 rsa2048` |",
		// A report without kinds ran RSA: 500 is 54 % of the bound.
		"| 8 clients: ≥ 1.15× the best peer's sessions/s and ≥ 85 % of the bound the run measures | 500 vs vsftpd 200 = 2.50×; 54.2 % of the bound 923 (see Churn) | **missed** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q\n%s", want, md)
		}
	}
	for name, mutate := range map[string]func(*Report){
		"no CPU count":         func(r *Report) { delete(r.Settings, CPUsSetting) },
		"no Go signing figure": func(r *Report) { r.Ceilings.GoRSASign = 0 },
		"no client CPU": func(r *Report) {
			for _, res := range r.Results {
				delete(res.Metrics, scenario.ClientCPUmsPerSession)
			}
		},
	} {
		r := sample()
		r.Settings[CPUsSetting] = "2"
		r.Ceilings.GoRSASign = 1500
		for _, res := range r.Results {
			if res.Scenario == "churn" {
				res.Metrics[scenario.ClientCPUmsPerSession] = 1.5
			}
		}
		mutate(r)
		if md := r.Markdown(Charts{}); strings.Contains(md, "The most ftpsd could reach") {
			t.Errorf("%s: the churn bound is stated anyway", name)
		}
	}
	// A run from before the RSA figures has no rows for them.
	if md := sample().Markdown(Charts{}); strings.Contains(md, "RSA-2048 signatures") {
		t.Errorf("Markdown shows RSA signing rates a run did not measure")
	}
}

// TestCellString: a cell whose rounds ran without measuring the metric is
// not a failure; one whose rounds failed is.
func TestCellString(t *testing.T) {
	for _, tt := range []struct {
		cell Cell
		want string
	}{
		{Cell{}, "—"},
		{Cell{Runs: 3}, "—"},
		{Cell{Runs: 3, Err: "dial: refused"}, "fails: dial: refused"},
		{Cell{Runs: 3, Failed: 2}, "fails"},
		{Cell{Runs: 1, Err: "RETR: 500 unknown"}, "not supported: RETR: 500 unknown"},
	} {
		if got := tt.cell.String(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.cell, got, tt.want)
		}
	}
}

func kres(server, scen, cas, cert string, round int, m map[string]float64) *scenario.Result {
	r := res(server, scen, cas, round, m, "")
	r.Cert = cert
	return r
}

// sample20 is a run of issue 20's shape: cases under both certificate
// kinds, curl as a bulk client, the 10,000 and 19,000 idle cases.
func sample20(peerChurn float64) *Report {
	r := &Report{Rounds: 2, Settings: map[string]string{CPUsSetting: "2", "volume": "1 GiB", "idle_return": "1m0s", "curl": "curl 7.88.1", IdleReturnCertSetting: "ECDSA"},
		Ceilings: ceiling.Ceilings{GoRSASign: 1250, OpenSSLRSASign: 4400, GoECDSASign: 40000, OpenSSLECDSASign: 70000},
		Servers:  []Server{{Name: "ftpsd"}, {Name: "vsftpd"}, {Name: "pure-ftpd"}}}
	for round := 1; round <= 2; round++ {
		for _, kind := range []string{"RSA", "ECDSA"} {
			r.Results = append(r.Results,
				kres("ftpsd", "churn", "8 clients", kind, round, map[string]float64{scenario.SessionsPerSec: 700, scenario.ClientCPUmsPerSession: 1.2}),
				kres("pure-ftpd", "churn", "8 clients", kind, round, map[string]float64{scenario.SessionsPerSec: peerChurn}),
				kres("vsftpd", "churn", "8 clients", kind, round, map[string]float64{scenario.SessionsPerSec: 200}),
				// The like-for-like case: in no target.
				kres("ftpsd", "churn", "8 clients"+scenario.X25519Suffix, kind, round, map[string]float64{scenario.SessionsPerSec: 900, scenario.ClientCPUmsPerSession: 1.0}),
				kres("pure-ftpd", "churn", "8 clients"+scenario.X25519Suffix, kind, round, map[string]float64{scenario.SessionsPerSec: peerChurn}),
			)
		}
		// ftpsd loses round 1 to pure-ftpd and wins round 2: the medians
		// (700 vs 675) would hide the slow round.
		self := map[int]float64{1: 600, 2: 800}[round]
		peer := map[int]float64{1: 700, 2: 650}[round]
		r.Results = append(r.Results,
			kres("ftpsd", "clients", "curl RETR PROT P x1", "RSA", round, map[string]float64{scenario.MBPerSec: self, scenario.CPUSecPerGB: 0.5, scenario.ClientCPUSecPerGB: 0.8}),
			kres("pure-ftpd", "clients", "curl RETR PROT P x1", "RSA", round, map[string]float64{scenario.MBPerSec: peer, scenario.CPUSecPerGB: 0.8, scenario.ClientCPUSecPerGB: 0.7}),
			kres("vsftpd", "clients", "curl RETR PROT P x1", "RSA", round, map[string]float64{scenario.MBPerSec: 300, scenario.CPUSecPerGB: 1.6, scenario.ClientCPUSecPerGB: 0.7}),
			kres("ftpsd", "bulk", "RETR PROT C x8", "ECDSA", round, map[string]float64{scenario.MBPerSec: 2500, scenario.CPUSecPerGB: 0.12}),
			kres("vsftpd", "bulk", "RETR PROT C x8", "ECDSA", round, map[string]float64{scenario.MBPerSec: 2000, scenario.CPUSecPerGB: 0.10}),
			kres("ftpsd", "bulk", "RETR PROT P x8", "RSA", round, map[string]float64{scenario.MBPerSec: 1400}),
			kres("vsftpd", "bulk", "RETR PROT P x8", "RSA", round, map[string]float64{scenario.MBPerSec: 1000}),
			kres("ftpsd", "bulk", "RETR PROT P x8", "ECDSA", round, map[string]float64{scenario.MBPerSec: 1200}),
			kres("vsftpd", "bulk", "RETR PROT P x8", "ECDSA", round, map[string]float64{scenario.MBPerSec: 1000}),
			kres("ftpsd", "idle", "10000 sessions", "ECDSA", round, map[string]float64{scenario.Sessions: 10000, scenario.RSSPerSessionKiB: 7.5, scenario.NoopP99ms: 9}),
			kres("ftpsd", "idle", "19000 sessions", "ECDSA", round, map[string]float64{scenario.Sessions: 19000, scenario.RSSPerSessionKiB: 9, scenario.NoopP99ms: 3, scenario.RSSAfterClosePct: 115}),
		)
	}
	return r
}

func TestTargetsIssue20(t *testing.T) {
	for _, tc := range []struct {
		name      string
		peerChurn float64
		want      map[string]bool
		// impossible lists the targets the run shows cannot be met.
		impossible []string
	}{
		{name: "reachable", peerChurn: 350, want: map[string]bool{
			// 700 ≥ 2 × 350; 700 ≥ 1.15 × 350 but 700 / (2000 / (0.8 + 1.2)) = 70 % < 85 %.
			"8 clients (ECDSA P-256): ≥ 2× the best peer's sessions/s":                                          true,
			"8 clients (RSA-2048): ≥ 1.15× the best peer's sessions/s and ≥ 85 % of the bound the run measures": false,
			"RETR PROT P x8 (RSA-2048): ≥ 1.3× the best peer's MB/s":                                            true,  // 1.4×
			"RETR PROT P x8 (ECDSA P-256): ≥ 1.3× the best peer's MB/s":                                         false, // 1.2×
			"curl RETR PROT P x1 (RSA-2048): MB/s at least the best peer's in every round":                      false, // round 1
			"curl RETR PROT P x1 (RSA-2048): server CPU per GB ≤ 0.7× the best peer's":                          true,  // 0.5 ≤ 0.56
			"RETR PROT C x8 (ECDSA P-256): server CPU per GB ≤ the best peer's":                                 false, // 0.12 > 0.10
			"RETR PROT C x8 (ECDSA P-256): without losing MB/s: ≥ the best peer's MB/s":                         true,
			"idle TLS session ≤ 8 KiB RSS with 10,000 held (10000 sessions (ECDSA P-256))":                      true,
			"one process holds 19,000 logged-in TLS sessions (19000 sessions (ECDSA P-256))":                    true,
			"NOOP p99 ≤ 5 ms across them (19000 sessions (ECDSA P-256))":                                        true,
			"RSS 1m0s after they all close within 20 % of before (19000 sessions (ECDSA P-256))":                true,
		}},
		// 2 × 900 = 1,800 is more than the client alone allows, 2 × 1,000 ÷ 1.2 = 1,667.
		{name: "impossible", peerChurn: 900, want: map[string]bool{
			"8 clients (ECDSA P-256): ≥ 2× the best peer's sessions/s": false,
		}, impossible: []string{"8 clients (ECDSA P-256): ≥ 2× the best peer's sessions/s"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]Target{}
			for _, tg := range sample20(tc.peerChurn).Targets() {
				got[tg.What] = tg
				if strings.Contains(tg.What, scenario.X25519Suffix) {
					t.Errorf("a target on the like-for-like churn case: %q", tg.What)
				}
			}
			for what, met := range tc.want {
				tg, ok := got[what]
				if !ok {
					t.Errorf("no target %q among %v", what, got)
					continue
				}
				if !tg.Known || tg.Met != met {
					t.Errorf("%q: known %v met %v (%s), want met %v", what, tg.Known, tg.Met, tg.Figure, met)
				}
				if want := slices.Contains(tc.impossible, what); (tg.Impossible != "") != want {
					t.Errorf("%q: impossible %q, want impossible %v", what, tg.Impossible, want)
				}
			}
		})
	}
}

func TestMarkdownIssue20(t *testing.T) {
	md := sample20(900).Markdown(Charts{})
	for _, want := range []string{
		// Tables per certificate kind; PROT C only under the kind it ran with.
		"### Bulk transfers: MB/s (10^6 bytes/s) — RSA-2048 certificate",
		"### Bulk transfers: MB/s (10^6 bytes/s) — ECDSA P-256 certificate",
		// curl's tables and the round-by-round comparison.
		"### curl and lftp: MB/s (10^6 bytes/s, login included) — RSA-2048 certificate",
		"| curl RETR PROT P x1 (RSA-2048) | 1 | 600 | pure-ftpd 700 | 0.86× |",
		"| curl RETR PROT P x1 (RSA-2048) | 2 | 800 | pure-ftpd 650 | 1.23× |",
		"r1 600 vs pure-ftpd 700; r2 800 vs pure-ftpd 650",
		"(curl 7.88.1)",
		// The like-for-like churn case is in the table.
		"| ftpsd | 8 clients, X25519 offered (ECDSA P-256) | 900",
		// Ceilings and churn bounds of both kinds.
		"| ECDSA P-256 signatures, Go crypto/ecdsa, one core | 40,000/s |",
		"| ECDSA P-256 signatures, OpenSSL, one core | 70,000/s | `openssl speed -mr -seconds 2 ecdsap256` |",
		"at least one ECDSA P-256 signature (Go: 0.025 ms, from the ceilings above)",
		"The client alone allows 2 × 1,000 ÷ 1.20 = 1,667 sessions/s. Twice the best peer (pure-ftpd, 900) is 1,800. That is more than the client alone allows (1,667), so the ≥ 2× target is impossible",
		"**missed**: impossible here, twice the best peer, 1,800, exceeds the 1,667 sessions/s the client alone allows",
		// Idle: memory given back.
		"| ftpsd | 19000 sessions (ECDSA P-256) | 19,000 (19,000–19,000) | 9.00 (9.00–9.00) |",
		"RSS after close is read 1m0s after every session of ftpsd's largest idle case closed under the ECDSA P-256 certificate",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q\n%s", want, md)
		}
	}
	if strings.Contains(md, "RETR PROT C x8 (RSA-2048)") {
		t.Error("a PROT C case shows under the RSA kind it did not run with")
	}
	// Each kind's table holds that kind's figures, and PROT C only under
	// the kind it ran with.
	table := func(title string) string {
		i := strings.Index(md, title+"\n\n")
		if i < 0 {
			t.Fatalf("Markdown lacks %q", title)
		}
		tab, _, _ := strings.Cut(md[i+len(title)+2:], "\n\n")
		return tab
	}
	rsa := table("### Bulk transfers: MB/s (10^6 bytes/s) — RSA-2048 certificate")
	ec := table("### Bulk transfers: MB/s (10^6 bytes/s) — ECDSA P-256 certificate")
	if !strings.Contains(rsa, "| RETR PROT P x8 | 1,400 (1,400–1,400) | 1,000 (1,000–1,000) | — | 1.40× |") || strings.Contains(rsa, "PROT C") {
		t.Errorf("RSA table:\n%s", rsa)
	}
	if !strings.Contains(ec, "| RETR PROT P x8 | 1,200 (1,200–1,200) | 1,000 (1,000–1,000) | — | 1.20× |") || !strings.Contains(ec, "| RETR PROT C x8 | 2,500 (2,500–2,500) |") {
		t.Errorf("ECDSA table:\n%s", ec)
	}
}

// TestIdleReturnOneKind: when the run waited for the memory under one kind
// only, the other kind has no return target (not a "not measured" one),
// while its 19,000-session targets stay.
func TestIdleReturnOneKind(t *testing.T) {
	r := sample20(350)
	r.Results = append(r.Results, kres("ftpsd", "idle", "19000 sessions", "RSA", 1, map[string]float64{scenario.Sessions: 19000, scenario.NoopP99ms: 2}))
	got := map[string]Target{}
	for _, tg := range r.Targets() {
		got[tg.What] = tg
	}
	if _, ok := got["RSS 1m0s after they all close within 20 % of before (19000 sessions (RSA-2048))"]; ok {
		t.Error("a return target for the kind that did not wait")
	}
	if tg, ok := got["RSS 1m0s after they all close within 20 % of before (19000 sessions (ECDSA P-256))"]; !ok || !tg.Met {
		t.Errorf("ECDSA return target %+v, want met", tg)
	}
	if tg := got["NOOP p99 ≤ 5 ms across them (19000 sessions (RSA-2048))"]; !tg.Known || !tg.Met {
		t.Errorf("RSA NOOP target %+v, want met", tg)
	}
	delete(r.Settings, IdleReturnCertSetting)
	for _, tg := range r.Targets() {
		if tg.What == "RSS 1m0s after they all close within 20 % of before (19000 sessions (RSA-2048))" && tg.Known {
			t.Errorf("RSA return target known without a figure: %+v", tg)
		}
	}
}

// TestReturnTargetFloor: a missed memory-return target whose floor, from
// the same run, is over 120 % is shown impossible; under it, it is merely
// missed; and the idle table carries the floor and the heap.
func TestReturnTargetFloor(t *testing.T) {
	const what = "RSS 1m0s after they all close within 20 % of before (19000 sessions (ECDSA P-256))"
	for _, tc := range []struct {
		floor      float64
		impossible bool
	}{{145, true}, {110, false}} {
		r := sample20(350)
		for _, res := range r.Results {
			if res.Scenario == "idle" && res.Case == "19000 sessions" {
				res.Metrics[scenario.RSSAfterClosePct] = 160
				res.Metrics[scenario.RSSAfterCloseFloorPct] = tc.floor
				res.Metrics[scenario.HeapAfterClosePct] = 111
			}
		}
		var got *Target
		for _, tg := range r.Targets() {
			if tg.What == what {
				got = &tg
			}
		}
		if got == nil || !got.Known || got.Met {
			t.Fatalf("floor %v: target %+v, want known and missed", tc.floor, got)
		}
		if (got.Impossible != "") != tc.impossible || !strings.Contains(got.Figure, "pages stay: "+num(tc.floor)+" %; Go heap in use 111 % of before") {
			t.Errorf("floor %v: %+v, want impossible %v and the floor and heap in the figure", tc.floor, got, tc.impossible)
		}
		if md := r.Markdown(Charts{}); !strings.Contains(md, "| 160 (160–160) | "+num(tc.floor)+" ("+num(tc.floor)+"–"+num(tc.floor)+") | 111 (111–111) |") {
			t.Errorf("floor %v: the idle table lacks the floor and heap columns\n%s", tc.floor, md)
		}
	}
}

// TestTableNotMeasured: the terminal table shows a metric a case does not
// measure as "—", and "fails" only where the case failed.
func TestTableNotMeasured(t *testing.T) {
	r := &Report{Rounds: 1, Servers: []Server{{Name: "ftpsd"}}, Results: []*scenario.Result{
		res("ftpsd", "idle", "256 sessions", 1, map[string]float64{scenario.Sessions: 256, scenario.RSSPerSessionKiB: 13, scenario.NoopP99ms: 1}, ""),
		res("ftpsd", "idle", "10000 sessions", 1, map[string]float64{scenario.Sessions: 10, scenario.Failed: 9990}, "dial: too many open files"),
	}}
	var b strings.Builder
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(b.String(), "\n") {
		f := strings.Fields(l)
		if len(f) > 0 {
			lines[strings.Join(f[:len(f)-1], " ")] = f[len(f)-1]
		}
	}
	for row, want := range map[string]string{
		"idle 256 sessions RSS after close, % of before":   "—",
		"idle 10000 sessions RSS after close, % of before": "fails",
		"idle 256 sessions RSS KiB/session":                "13.0",
	} {
		if lines[row] != want {
			t.Errorf("%q: %q, want %q\n%s", row, lines[row], want, b.String())
		}
	}
}

// TestKernelCPU: with the kernel's part of server CPU measured, the
// report has its tables and column, and a missed CPU target says when it
// asks for less than any server spent in the kernel alone.
func TestKernelCPU(t *testing.T) {
	r := sample20(350)
	if md := r.Markdown(Charts{}); strings.Contains(md, "in the kernel") {
		t.Error("kernel tables in a run that did not measure the kernel's part")
	}
	kernel := map[string]float64{"ftpsd": 0.09, "vsftpd": 0.06}
	for _, res := range r.Results {
		switch res.Scenario {
		case "bulk":
			res.Metrics[scenario.KernelCPUSecPerGB] = kernel[res.Server]
		case "churn":
			res.Metrics[scenario.KernelCPUmsPerSession] = 0.3
		}
	}
	md := r.Markdown(Charts{})
	for _, want := range []string{
		"### Bulk transfers: the server's CPU seconds per GB in the kernel — ECDSA P-256 certificate",
		"| RETR PROT C x8 | 0.090 (0.090–0.090) | 0.060 (0.060–0.060) | — | 1.50× |",
		"| server CPU ms/session | of it in the kernel | client CPU ms/session |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	const clearCPU = "RETR PROT C x8 (ECDSA P-256): server CPU per GB ≤ the best peer's"
	got := targetNamed(t, r, clearCPU)
	// 0.12 > 0.10 misses, and the 0.10 allowed is above vsftpd's 0.06 in
	// the kernel: no word of the kernel.
	if got.Met || strings.Contains(got.Figure, "kernel") {
		t.Errorf("target %+v: want missed without a kernel note", got)
	}
	kernel["vsftpd"], kernel["ftpsd"] = 0.11, 0.115
	for _, res := range r.Results {
		if res.Scenario == "bulk" {
			res.Metrics[scenario.KernelCPUSecPerGB] = kernel[res.Server]
		}
	}
	got = targetNamed(t, r, clearCPU)
	if want := "the target allows 0.100 s/GB, less than any server here spent in the kernel alone (the least, vsftpd, 0.110 s/GB)"; got.Met || !strings.Contains(got.Figure, want) {
		t.Errorf("target figure %q, want it to say %q", got.Figure, want)
	}

	// Under TLS the floor adds AES-GCM at the machine's rate: curl's
	// target allows 0.7 × 0.8 = 0.56 s/GB; ftpsd spends 0.5 in all.
	r.Ceilings.OpenSSLAESGCM = 5000 // 0.2 s/GB
	curl := func() Target {
		return targetNamed(t, r, "curl RETR PROT P x1 (RSA-2048): server CPU per GB ≤ 0.7× the best peer's")
	}
	for _, res := range r.Results {
		if res.Scenario == "clients" {
			res.Metrics[scenario.KernelCPUSecPerGB] = map[string]float64{"ftpsd": 0.4, "pure-ftpd": 0.45, "vsftpd": 0.9}[res.Server]
		}
	}
	// Met: no floor is spoken of.
	if tg := curl(); !tg.Met || strings.Contains(tg.Figure, "kernel") {
		t.Errorf("curl target %+v: want met, without a floor", tg)
	}
	for _, res := range r.Results {
		if res.Scenario == "clients" && res.Server == "ftpsd" {
			res.Metrics[scenario.CPUSecPerGB] = 0.6
		}
	}
	if tg, want := curl(), "the target allows 0.560 s/GB, less than the least kernel time of any server here (ftpsd, 0.400 s/GB) plus AES-GCM at this machine's one-core rate (0.200 s/GB)"; tg.Met || !strings.Contains(tg.Figure, want) {
		t.Errorf("curl target figure %q, want it to say %q", tg.Figure, want)
	}
}

// targetNamed is the target of r whose What is what.
func targetNamed(t *testing.T, r *Report, what string) Target {
	t.Helper()
	for _, tg := range r.Targets() {
		if tg.What == what {
			return tg
		}
	}
	t.Fatalf("no target %q", what)
	return Target{}
}
