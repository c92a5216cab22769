package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// testsslTimeout bounds one testssl.sh run. A run of the checks below takes about 70 s on a loaded
// 2-core machine (it is bound by round trips and openssl start-ups, not CPU), and the explicit and
// implicit runs go in parallel.
const testsslTimeout = 4 * time.Minute

// testsslFinding is one entry of testssl.sh's --jsonfile output (flat format).
type testsslFinding struct {
	ID       string `json:"id"`
	Port     string `json:"port"`
	Severity string `json:"severity"`
	Finding  string `json:"finding"`
}

// testsslBad are the severities that fail the test: testssl.sh's weaknesses (MEDIUM and up), and
// its own scan problems (WARN, FATAL), which would otherwise hide a check that did not run.
var testsslBad = map[string]bool{"MEDIUM": true, "HIGH": true, "CRITICAL": true, "WARN": true, "FATAL": true}

// testsslMust are checks each run has to report: protocols, cipher categories and
// vulnerabilities, so a run that stopped early (or a testssl.sh that renamed them) cannot pass.
var testsslMust = []string{"TLS1_2", "TLS1_3", "cipherlist_STRONG", "heartbleed", "CCS", "ROBOT",
	"secure_client_renego", "POODLE_SSL", "fallback_SCSV", "SWEET32", "FREAK", "DROWN", "LOGJAM",
	"BEAST", "LUCKY13", "RC4"}

// testsslNotOffered are the protocols and cipher categories ftpsd must not offer (TLS 1.2 and 1.3
// with AEAD ciphers only). testssl.sh rates some of them LOW or INFO only (TLS 1.0, CBC ciphers),
// so the severity check alone would let them back in.
var testsslNotOffered = []string{"SSLv2", "SSLv3", "TLS1", "TLS1_1", "cipherlist_NULL", "cipherlist_aNULL",
	"cipherlist_EXPORT", "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"}

// runTestssl runs testssl.sh against addr (over `--starttls ftp` when explicit) and returns its
// findings. The checks are -p (protocols), -s (cipher categories) and -U (every vulnerability);
// the server defaults and certificate checks (-S) are left out: the test's certificates are
// self-signed, which testssl.sh rightly calls CRITICAL, and an operator's certificate is theirs
// to choose. -E (each cipher) is left out too: it adds minutes and -s already fails on any weak
// category.
func runTestssl(ctx context.Context, bin, dir, addr string, explicit bool) ([]testsslFinding, string, error) {
	jsonFile := filepath.Join(dir, strings.NewReplacer(":", "_", ".", "_").Replace(addr)+".json")
	args := []string{"--quiet", "--color", "0", "--warnings", "off", "--openssl-timeout", "10",
		"--jsonfile", jsonFile, "-p", "-s", "-U"}
	if explicit {
		args = append(args, "--starttls", "ftp")
	}
	cmd := exec.CommandContext(ctx, bin, append(args, addr)...)
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	out, runErr := cmd.CombinedOutput()
	b, err := os.ReadFile(jsonFile)
	if err != nil {
		return nil, string(out), fmt.Errorf("testssl.sh wrote no JSON (%v): %w", runErr, err)
	}
	var findings []testsslFinding
	if err := json.Unmarshal(b, &findings); err != nil {
		return nil, string(out), fmt.Errorf("testssl.sh JSON: %w", err)
	}
	return findings, string(out), nil
}

// TestTestssl runs testssl.sh, as an attacker's first scan would, against the real binary on its
// explicit listener (--starttls ftp) and its implicit one, with an ECDSA and an RSA certificate
// (so that the RSA-only checks, ROBOT and DROWN, have a key to look at). It fails on any finding
// of severity MEDIUM, HIGH or CRITICAL (or a scan problem), listing them, and when a check did
// not report. testssl.sh is installed by `make test-deps` (Debian package testssl.sh, whose
// command is testssl; upstream's is testssl.sh).
func TestTestssl(t *testing.T) {
	t.Parallel()
	e2e(t)
	bin, err := exec.LookPath("testssl")
	if err != nil {
		bin = requireTool(t, "testssl.sh")
	}
	dir := t.TempDir()
	ec, rs := newCert(t, "testssl ECDSA", certServer, nil), newRSACert(t, "testssl RSA")
	s := rawServer(t, "-cert", writeFile(t, dir, "ec.pem", ec.certPEM), "-key", writeFile(t, dir, "ec.key", ec.keyPEM),
		"-cert", writeFile(t, dir, "rsa.pem", rs.certPEM), "-key", writeFile(t, dir, "rsa.key", rs.keyPEM),
		"-implicit", "127.0.0.1:0")
	implicit := s.implicitAddr(t)

	ctx, cancel := context.WithTimeout(context.Background(), testsslTimeout)
	defer cancel()
	type result struct {
		findings []testsslFinding
		out      string
		err      error
	}
	runs := map[string]string{"explicit": s.addr, "implicit": implicit}
	results := make(map[string]result)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, addr := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, out, err := runTestssl(ctx, bin, t.TempDir(), addr, name == "explicit")
			mu.Lock()
			results[name] = result{f, out, err}
			mu.Unlock()
		}()
	}
	wg.Wait()

	for name, addr := range runs {
		r := results[name]
		if r.err != nil {
			t.Errorf("%s (%s): %v\n%s", name, addr, r.err, r.out)
			continue
		}
		seen := make(map[string]bool)
		var bad []string
		for _, f := range r.findings {
			seen[f.ID] = true
			if testsslBad[strings.ToUpper(f.Severity)] {
				bad = append(bad, fmt.Sprintf("%s %s: %s", f.Severity, f.ID, f.Finding))
			}
		}
		if len(bad) > 0 {
			t.Errorf("%s (%s): testssl.sh found %d weaknesses:\n  %s", name, addr, len(bad), strings.Join(bad, "\n  "))
		}
		for _, f := range r.findings {
			if slices.Contains(testsslNotOffered, f.ID) && !strings.HasPrefix(f.Finding, "not offered") {
				t.Errorf("%s (%s): %s is %q, want not offered", name, addr, f.ID, f.Finding)
			}
		}
		var missing []string
		for _, id := range append(testsslMust, testsslNotOffered...) {
			if !seen[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			t.Errorf("%s (%s): testssl.sh did not report %v:\n%s", name, addr, missing, r.out)
		}
		if t.Failed() {
			t.Logf("%s: testssl.sh output:\n%s", name, r.out)
		}
	}
}
