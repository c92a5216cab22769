package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/ftpsdtest"
)

// serve starts an in-process ftpsd with TLS over a root holding files of
// the given names and sizes (random bytes: not synthetic content).
func serve(t *testing.T, files map[string]int) *ftpsdtest.Server {
	t.Helper()
	root := t.TempDir()
	for name, n := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") { // a directory
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, bytes.Repeat([]byte{'x'}, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return ftpsdtest.NewServer(t, ftpsdtest.Options{Root: root, Anonymous: true, TLS: true,
		Users: map[string]string{"load": "secret"}})
}

// runJSON runs the command with --json and returns its exit status and
// the decoded result.
func runJSON(t *testing.T, args ...string) (int, *result, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append(args, "--json"), &out, &errOut)
	var res result
	if code != 2 {
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("output is not JSON: %v\n%s\nstderr: %s", err, out.String(), errOut.String())
		}
	}
	return code, &res, errOut.String()
}

func opOf(res *result, name string) opSummary {
	for _, o := range res.Ops {
		if o.Op == name {
			return o
		}
	}
	return opSummary{}
}

func TestRunCountExact(t *testing.T) {
	srv := serve(t, map[string]int{"pub/4K.bin": 4096})
	code, res, stderr := runJSON(t, "small", "--addr", srv.Addr, "--tls", "explicit", "--insecure",
		"--file", "/pub/4K.bin", "--count", "25", "--clients", "3")
	if code != 0 || res.Errors != 0 {
		t.Fatalf("exit %d, %d errors (%s); stderr %s", code, res.Errors, res.FirstError, stderr)
	}
	retr := opOf(res, "RETR")
	if retr.Count != 25 || retr.Bytes != 25*4096 {
		t.Errorf("RETR count %d bytes %d, want exactly 25 and %d with --count 25", retr.Count, retr.Bytes, 25*4096)
	}
	if l := opOf(res, opLogin); l.Count != 3 || opOf(res, opQuit).Count != 3 {
		t.Errorf("logins %d, quits %d; want one each per client", l.Count, opOf(res, opQuit).Count)
	}
	if retr.P50ms <= 0 || retr.P99ms < retr.P50ms || retr.MaxMs < retr.P99ms {
		t.Errorf("percentiles out of order: %+v", retr)
	}
	if res.TLS != "explicit" || res.Prot != "P" || res.Clients != 3 || res.Scenario != "small" {
		t.Errorf("run description %+v", res)
	}
}

func TestRunFailuresExitOne(t *testing.T) {
	srv := serve(t, nil)
	code, res, _ := runJSON(t, "bulk", "--addr", srv.Addr, "--file", "/missing-1M.bin", "--count", "3", "--clients", "1")
	if code != 1 {
		t.Errorf("exit %d with every RETR refused, want 1", code)
	}
	if r := opOf(res, "RETR"); r.Errors != 3 || r.Count != 0 || !strings.Contains(res.FirstError, "550") {
		t.Errorf("RETR %+v, first error %q; want 3 refusals with their 550", r, res.FirstError)
	}
}

func TestRunUploads(t *testing.T) {
	srv := serve(t, map[string]int{"up/": 0})
	code, res, _ := runJSON(t, "small", "--addr", srv.Addr, "--store", "--upload-dir", "/up",
		"--user", "load", "--pass", "secret", "--count", "6", "--clients", "2")
	if code != 0 || opOf(res, "STOR").Count != 6 {
		t.Fatalf("exit %d, STOR %+v (%s)", code, opOf(res, "STOR"), res.FirstError)
	}
	m, _ := filepath.Glob(filepath.Join(srv.Root, "up", "ftpsd-load-*-4K.bin"))
	if len(m) != 6 {
		t.Errorf("%d uploads on disk, want 6: %v", len(m), m)
	}
}

// TestMetricsEndpoint: the scrape shows what the recorder saw.
func TestMetricsEndpoint(t *testing.T) {
	o, err := parse([]string{"bulk", "--clients", "3"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	rec := newRecorder()
	r := newRunner(o, rec)
	m, err := newMetrics("127.0.0.1:0", r)
	if err != nil {
		t.Fatal(err)
	}
	rec.observe = m.observe
	m.serve()
	t.Cleanup(m.close)
	r.sessions.Add(2)
	rec.record("RETR", 3*time.Millisecond, 1000, nil)
	rec.record("RETR", 5*time.Millisecond, 500, nil)
	rec.record("RETR", time.Millisecond, 0, io.ErrUnexpectedEOF)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + m.ln.Addr().String() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`ftpsd_load_operations_total{op="RETR",result="ok"} 2`,
		`ftpsd_load_operations_total{op="RETR",result="error"} 1`,
		`ftpsd_load_bytes_total{op="RETR"} 1500`,
		`ftpsd_load_operation_duration_seconds_count{op="RETR"} 2`,
		`ftpsd_load_sessions 2`,
		`ftpsd_load_clients 3`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("scrape lacks %q:\n%s", want, body)
		}
	}
}

// TestRunVerify serves files holding the synthetic generator's content (as
// ftpsd -synthetic would stream them) from disk: --verify passes them, and
// refuses the one with a byte changed, naming its offset.
func TestRunVerify(t *testing.T) {
	root := t.TempDir()
	for _, name := range []string{"1K.bin", "64K.bin", "100000.bin"} {
		n, err := nameSize(name)
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, n)
		newSynthGen([]byte("s3"), name).Fill(b, 0)
		if name == "100000.bin" {
			b[77777] ^= 0x10
		}
		if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := ftpsdtest.NewServer(t, ftpsdtest.Options{Root: root, Anonymous: true, TLS: true})
	code, res, _ := runJSON(t, "mirror", "--addr", srv.Addr, "--tls", "explicit", "--insecure", "--dir", "/",
		"--sizes", "1K:50%,64K:50%", "--count", "20", "--clients", "2", "--verify", "--seed", "s3")
	if code != 0 || res.Errors != 0 || res.Verified != 20 {
		t.Errorf("exact content: exit %d, %d errors (%s), %d verified; want 0, 0, 20", code, res.Errors, res.FirstError, res.Verified)
	}
	code, res, _ = runJSON(t, "mirror", "--addr", srv.Addr, "--dir", "/", "--sizes", "1K", "--count", "4",
		"--clients", "1", "--verify")
	if code != 1 || res.Errors != 4 || !strings.Contains(res.FirstError, "offset 0") {
		t.Errorf("wrong seed: exit %d, %d errors (%s); want every file refused at offset 0", code, res.Errors, res.FirstError)
	}
	code, res, _ = runJSON(t, "bulk", "--addr", srv.Addr, "--file", "/100000.bin", "--count", "2", "--clients", "1",
		"--verify", "--seed", "s3")
	if code != 1 || res.Errors != 2 || !strings.Contains(res.FirstError, "offset 77777") {
		t.Errorf("corrupted file: exit %d, %d errors (%s); want 2 refused at offset 77777", code, res.Errors, res.FirstError)
	}
}
