package peers

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// TestRuntimeMemory reads a real Go collector's exposition, as ftpsd's
// -admin serves it, and refuses one without the gauges it needs.
func TestRuntimeMemory(t *testing.T) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector())
	srv := httptest.NewServer(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	defer srv.Close()
	r := &Running{Peer: &Peer{Name: "ftpsd"}, Admin: strings.TrimPrefix(srv.URL, "http://")}
	m, err := r.RuntimeMemory()
	if err != nil {
		t.Fatal(err)
	}
	if m.HeapInuse <= 0 || m.Metadata <= 0 {
		t.Errorf("RuntimeMemory = %+v, want a positive heap and metadata", m)
	}

	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("# TYPE go_memstats_heap_inuse_bytes gauge\ngo_memstats_heap_inuse_bytes 4096\n"))
	}))
	defer bare.Close()
	r.Admin = strings.TrimPrefix(bare.URL, "http://")
	if _, err := r.RuntimeMemory(); err == nil || !strings.Contains(err.Error(), "go_memstats_mspan_sys_bytes") {
		t.Errorf("metrics without the metadata gauges: %v, want an error naming one", err)
	}
	r.Admin = ""
	if _, err := r.RuntimeMemory(); err == nil {
		t.Error("a server without a metrics listener: no error")
	}
}

// TestStartFtpsdWithMetrics builds ftpsd, starts it as the benchmark does
// and reads its runtime's memory from the metrics listener Start gave it.
func TestStartFtpsdWithMetrics(t *testing.T) {
	env := testEnv(t)
	env.FtpsdBin = filepath.Join(env.Dir, "ftpsd")
	if out, err := exec.Command("go", "build", "-o", env.FtpsdBin, "github.com/ftpsd/ftpsd/cmd/ftpsd").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env.Users = filepath.Join(env.Dir, "users")
	if err := WriteUsers(env.Users); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(env.Data, 0o755); err != nil {
		t.Fatal(err)
	}
	lo, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Start(env, ftpsd(), "ftpsd", lo, lo)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	if r.Admin == "" || !strings.Contains(r.Command, " -admin "+r.Admin) {
		t.Fatalf("admin %q, command %q: want -admin on a port of its own", r.Admin, r.Command)
	}
	m, err := r.RuntimeMemory()
	if err != nil {
		t.Fatal(err)
	}
	if m.HeapInuse <= 0 || m.Metadata <= 0 {
		t.Errorf("RuntimeMemory = %+v, want a positive heap and metadata", m)
	}
}
