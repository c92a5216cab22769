package e2e

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFaultsCounted: every injected fault shows in the admin listener's
// metrics by kind, as it does in the log.
func TestFaultsCounted(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: append([]string{"-admin", "127.0.0.1:0", "-fault-reply", "SIZE=450", "-fault-seed", "5"}, synthArgs...)})
	admin := adminAddr(t, s)
	c := s.dial(t)
	c.must("USER anonymous", 331)
	c.must("PASS ftp@example.com", 230)
	c.must("SIZE /synthetic/1K.bin", 450)
	c.must("SIZE /synthetic/1K.bin", 450)
	code, body := httpGet(t, "http://"+admin+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: %d", code)
	}
	for _, want := range []string{`ftpsd_faults_injected_total{kind="reply"} 2`, `ftpsd_faults_injected_total{kind="reset"} 0`} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// httpDo sends a request with method to u and returns the status and body.
func httpDo(t *testing.T, method, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestFaultsSwitchedAtRunTime: with -admin-faults, PUT /faults puts a plan
// in force for running sessions from their next command, a bad spec is
// refused and changes nothing, DELETE turns injection off, and the faults
// injected stay counted; without -admin-faults there is no /faults.
func TestFaultsSwitchedAtRunTime(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{args: append([]string{"-admin", "127.0.0.1:0", "-admin-faults"}, synthArgs...)})
	base := "http://" + adminAddr(t, s) + "/faults"
	c := s.dial(t)
	c.must("USER anonymous", 331)
	c.must("PASS ftp@example.com", 230)
	c.must("SIZE /synthetic/1K.bin", 213)
	if code, body := httpGet(t, base); code != 200 || body != "off\n" {
		t.Fatalf("GET /faults before: %d %q", code, body)
	}
	code, body := httpDo(t, http.MethodPut, base+"?reply="+url.QueryEscape("SIZE=450")+"&seed=7")
	if code != 200 || body != "reply=SIZE=450 seed=7\n" {
		t.Fatalf("PUT /faults: %d %q", code, body)
	}
	c.must("SIZE /synthetic/1K.bin", 450) // the running session, from its next command
	if code, body := httpDo(t, http.MethodPut, base+"?reply="+url.QueryEscape("SIZE=299")); code != 400 || !strings.Contains(body, "reply") {
		t.Errorf("PUT of a bad spec: %d %q, want 400 naming it", code, body)
	}
	if code, _ := httpDo(t, http.MethodPut, base+"?frobnicate=1"); code != 400 {
		t.Errorf("PUT of an unknown fault: %d, want 400", code)
	}
	c.must("SIZE /synthetic/1K.bin", 450) // still the plan in force
	if code, body := httpDo(t, http.MethodDelete, base); code != 200 || body != "off\n" {
		t.Fatalf("DELETE /faults: %d %q", code, body)
	}
	c.must("SIZE /synthetic/1K.bin", 213)
	if _, m := httpGet(t, "http://"+adminAddr(t, s)+"/metrics"); !strings.Contains(m, `ftpsd_faults_injected_total{kind="reply"} 2`) {
		t.Errorf("the switched-out plan's faults are not counted")
	}

	plain := startServer(t, serverConfig{args: []string{"-admin", "127.0.0.1:0"}})
	if code, _ := httpGet(t, "http://"+adminAddr(t, plain)+"/faults"); code != 404 {
		t.Errorf("/faults without -admin-faults: %d, want 404", code)
	}
}
