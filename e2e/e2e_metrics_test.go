package e2e

// The admin listener of the real binary (-admin): a real Prometheus server
// scrapes it while curl logs in and downloads, promtool checks the
// exposition, /healthz follows the listeners and the drain, and the
// shipped Grafana dashboard queries only metrics the server exports.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

const grafanaDashboard = "../contrib/grafana/ftpsd-dashboard.json"

var adminRE = regexp.MustCompile(`msg="admin listening" addr=(\S+)`)

// adminAddr waits for the server's "admin listening" line.
func adminAddr(t *testing.T, s *server) string {
	t.Helper()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		if m := adminRE.FindStringSubmatch(s.log.String()); m != nil {
			return m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no admin listening line\n%s", s.log)
	return ""
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

func httpGet(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := httpClient.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return resp.StatusCode, string(b)
}

// startPrometheus runs a Prometheus server scraping target every second,
// with its storage in a temporary directory; it is stopped (by its pid)
// when the test ends. It returns the server's base URL once it is ready.
func startPrometheus(t *testing.T, target string) string {
	t.Helper()
	bin := requireTool(t, "prometheus")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	conf := fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ftpsd
    scrape_interval: 1s
    scrape_timeout: 1s
    static_configs:
      - targets: ['%s']
`, target)
	if err := os.WriteFile(cfg, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := freePorts(t) // e2e_install_test.go
	listen := "127.0.0.1:" + p
	cmd := exec.Command(bin, "--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+listen, "--log.level=warn")
	out := &logWriter{listening: make(chan string, 1)}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting prometheus: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("prometheus output:\n%s", out)
		}
	})
	base := "http://" + listen
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := httpClient.Get(base + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		select {
		case <-exited:
			t.Fatalf("prometheus exited before ready\n%s", out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus not ready within 60s\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// promQuery runs an instant query and returns the sum of the values of
// its result vector, and how many series it had.
func promQuery(t *testing.T, base, q string) (float64, int) {
	t.Helper()
	code, body := httpGet(t, base+"/api/v1/query?query="+url.QueryEscape(q))
	if code != http.StatusOK {
		t.Fatalf("query %s: %d %s", q, code, body)
	}
	var r struct {
		Status string
		Data   struct {
			ResultType string
			Result     []struct {
				Metric map[string]string
				Value  [2]any
			}
		}
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Status != "success" {
		t.Fatalf("query %s: %v %s", q, err, body)
	}
	sum := 0.0
	for _, s := range r.Data.Result {
		v, err := strconv.ParseFloat(fmt.Sprint(s.Value[1]), 64)
		if err != nil {
			t.Fatalf("query %s: value %v", q, s.Value[1])
		}
		sum += v
	}
	return sum, len(r.Data.Result)
}

// waitQuery polls q until its summed value is want (Prometheus scrapes
// every second; the bound is generous for a loaded machine).
func waitQuery(t *testing.T, base, q string, want float64) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for {
		got, n := promQuery(t, base, q)
		if n > 0 && got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("Prometheus: %s = %v over %d series, want %v", q, got, n, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// TestMetricsPrometheus: curl's failed and good logins and its download
// and an FTPS download show in a real Prometheus that scraped the admin listener; the scraped
// text passes promtool check metrics; /healthz answers 200 while serving.
func TestMetricsPrometheus(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := t.TempDir()
	data := content(200<<10, 3)
	writeTree(t, root, map[string]string{"pub/data.bin": string(data)})
	s := startServer(t, serverConfig{root: root, args: []string{"-admin", "127.0.0.1:0"}})
	admin := adminAddr(t, s)

	if code, body := httpGet(t, "http://"+admin+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Fatalf("/healthz while serving: %d %q", code, body)
	}
	prom := startPrometheus(t, admin)
	waitQuery(t, prom, `up{job="ftpsd"}`, 1)

	bad := account{user: "bob", pass: "wrong"}
	if out, err := curl(t, dir, s.url(&bad, "/pub/data.bin")); err == nil || !strings.Contains(out, "< 530") {
		t.Fatalf("curl with a wrong password: %v\n%s", err, out)
	}
	dl := filepath.Join(dir, "data.bin")
	mustCurl(t, dir, "-o", dl, s.url(&bob, "/pub/data.bin"))
	if got := readFile(t, dl); got != string(data) {
		t.Fatalf("downloaded %d bytes, want %d", len(got), len(data))
	}
	mustCurl(t, dir, "-o", filepath.Join(dir, "anon.bin"), s.url(nil, "/pub/data.bin"))
	// FTPS: AUTH TLS, then PROT P, the data connection resuming (curl
	// does with TLS 1.3).
	mustCurlTLS(t, dir, "--tlsv1.3", "-o", filepath.Join(dir, "tls.bin"), s.url(&bob, "/pub/data.bin"))
	if got := readFile(t, filepath.Join(dir, "tls.bin")); got != string(data) {
		t.Fatalf("FTPS download: %d bytes, want %d", len(got), len(data))
	}

	waitQuery(t, prom, `ftpsd_logins_total{result="ok",method="password"}`, 2)
	waitQuery(t, prom, `ftpsd_tls_handshakes_total{channel="control",result="ok",version="1.3"}`, 1)
	waitQuery(t, prom, `ftpsd_tls_handshakes_total{channel="data",result="ok",version="1.3"}`, 1)
	waitQuery(t, prom, `ftpsd_data_tls_resumption_total{result="accepted"}`, 1)
	waitQuery(t, prom, `ftpsd_transfer_bytes_total{direction="out",protection="tls"}`, float64(len(data)))
	waitQuery(t, prom, `ftpsd_logins_total{result="ok",method="anonymous"}`, 1)
	waitQuery(t, prom, `ftpsd_logins_total{result="failed"}`, 1)
	waitQuery(t, prom, `ftpsd_transfers_total{direction="out",protection="clear",result="complete"}`, 2)
	waitQuery(t, prom, `ftpsd_transfer_bytes_total{direction="out",protection="clear"}`, float64(2*len(data)))
	waitQuery(t, prom, `ftpsd_commands_total{verb="RETR",class="2xx"}`, 3)
	waitQuery(t, prom, `ftpsd_commands_total{verb="PASS",class="5xx"}`, 1)
	waitQuery(t, prom, `ftpsd_transfer_duration_seconds_count{direction="out"}`, 3)
	waitQuery(t, prom, `sum(ftpsd_sessions_open)`, 0)
	waitQuery(t, prom, `ftpsd_passive_ports_in_use`, 0)
	if v, n := promQuery(t, prom, `ftpsd_worker_pool_capacity`); n != 1 || v <= 0 {
		t.Errorf("worker_pool_capacity = %v over %d series", v, n)
	}
	if _, n := promQuery(t, prom, `go_goroutines{job="ftpsd"}`); n != 1 {
		t.Errorf("go_goroutines: %d series, want 1 (the Go collector)", n)
	}

	// promtool lints the text as the server serves it.
	_, text := httpGet(t, "http://"+admin+"/metrics")
	promtool := requireTool(t, "promtool")
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(text)
	if out, err := check.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	for _, name := range exportedNames(text) {
		if !strings.HasPrefix(name, "ftpsd_") && !strings.HasPrefix(name, "go_") && !strings.HasPrefix(name, "process_") && !strings.HasPrefix(name, "promhttp_") {
			t.Errorf("unexpected metric %s", name)
		}
	}
}

// exportedNames lists the metric families of an exposition (its # TYPE
// lines), with the series names a histogram adds.
func exportedNames(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 4 && f[0] == "#" && f[1] == "TYPE" {
			out = append(out, f[2])
			if f[3] == "histogram" || f[3] == "summary" {
				out = append(out, f[2]+"_bucket", f[2]+"_sum", f[2]+"_count")
			}
		}
	}
	return out
}

// TestMetricsHealthzDrain: /healthz answers 503 while the server drains
// (SIGTERM with a transfer still running), and the admin listener is
// refused on a public address unless allowed.
func TestMetricsHealthzDrain(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeTree(t, root, map[string]string{"big.bin": string(content(1<<20, 5))})
	s := startServer(t, serverConfig{root: root, args: []string{"-admin", "127.0.0.1:0", "-grace", "60s", "-rate-session", "20K"}})
	admin := adminAddr(t, s)
	if code, _ := httpGet(t, "http://"+admin+"/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz while serving: %d", code)
	}
	c := s.login(t, &bob)
	c.must("TYPE I", 200)
	d := c.epsvData()
	c.must("RETR big.bin", 150)
	s.send(syscall.SIGTERM)
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, _ := httpGet(t, "http://"+admin+"/healthz")
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz while draining: %d, want 503", code)
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.Close()
	if err := s.wait(); err != nil {
		t.Fatalf("exit after the drain: %v", err)
	}

	// A public address without -admin-allow-remote: refused at start-up.
	cmd := exec.Command(ftpsdBin, "-listen", "127.0.0.1:0", "-root", root, "-anonymous", "-admin", "0.0.0.0:0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "-admin: 0.0.0.0:0 is not a loopback address") {
		t.Fatalf("-admin 0.0.0.0:0 without -admin-allow-remote: %v\n%s", err, out)
	}
	// A configuration file's FTPAdminListen: -t names its line.
	conf := filepath.Join(t.TempDir(), "ftpsd.conf")
	if err := os.WriteFile(conf, []byte("Listen 127.0.0.1:0\nFTP On\nDocumentRoot "+root+"\nFTPAdminListen 0.0.0.0:9121\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command(ftpsdBin, "-t", "-config", conf).CombinedOutput()
	if err == nil || !strings.Contains(string(out), conf+":4: FTPAdminListen: 0.0.0.0:9121 is not a loopback address") {
		t.Fatalf("-t with a public FTPAdminListen: %v\n%s", err, out)
	}
}

// TestGrafanaDashboard: the shipped dashboard is valid JSON and every
// panel's query names only metrics the server exports.
func TestGrafanaDashboard(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: []string{"-admin", "127.0.0.1:0"}})
	_, text := httpGet(t, "http://"+adminAddr(t, s)+"/metrics")
	exported := map[string]bool{}
	for _, n := range exportedNames(text) {
		exported[n] = true
	}
	raw, err := os.ReadFile(grafanaDashboard)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Title  string
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dash); err != nil {
		t.Fatalf("%s: %v", grafanaDashboard, err)
	}
	nameRE := regexp.MustCompile(`\b(ftpsd_[a-z_]+|go_[a-z_]+|process_[a-z_]+)`)
	exprs := 0
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			if tg.Expr == "" {
				continue
			}
			exprs++
			names := nameRE.FindAllString(tg.Expr, -1)
			if len(names) == 0 {
				t.Errorf("panel %q: %q references no ftpsd metric", p.Title, tg.Expr)
			}
			for _, n := range names {
				if !exported[n] {
					t.Errorf("panel %q: %s is not exported", p.Title, n)
				}
			}
		}
	}
	if exprs < 10 {
		t.Errorf("dashboard has %d queries; want at least one per metric group", exprs)
	}
}
