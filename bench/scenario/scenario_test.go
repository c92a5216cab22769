package scenario

import (
	"context"
	"crypto/tls"
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/bench/procfs"
	"github.com/ftpsd/ftpsd/ftpsdtest"
)

// startFtpsd runs ftpsd in process on 127.0.0.1:0 over a fixture tree with
// the given bulk sizes, and returns a Target for it (PID 0: the test
// process is the server too, so server costs are not measured).
func startFtpsd(t *testing.T, bulk []int64) *Target {
	t.Helper()
	root := t.TempDir()
	if err := MakeTree(root, bulk); err != nil {
		t.Fatal(err)
	}
	srv := ftpsdtest.NewServer(t, ftpsdtest.Options{
		Root:      root,
		Users:     map[string]string{"bench": "secret"},
		Anonymous: true,
		TLS:       true,
	})
	return &Target{
		Name:      "ftpsd",
		Addr:      srv.Addr,
		TLS:       &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"},
		Read:      Login{"anonymous", "bench@"},
		Write:     Login{"bench", "secret"},
		SmallFile: "/" + SmallPath,
		ListDir:   "/" + ListPath,
		UploadDir: "/" + UploadPath,
		BulkFile:  func(n int64) string { return "/" + BulkPath(n) },
		Timeout:   10 * time.Second,
	}
}

// ok fails the test when a result reports an error or failures, or lacks
// a positive value for each metric named.
func ok(t *testing.T, r *Result, positive ...string) {
	t.Helper()
	if r.Err != "" || r.Metrics[Failed] != 0 {
		t.Fatalf("%s %s: %d failed, first error: %s", r.Scenario, r.Case, int(r.Metrics[Failed]), r.Err)
	}
	for _, m := range positive {
		if !(r.Metrics[m] > 0) {
			t.Errorf("%s %s: %s = %v, want > 0 (metrics %v)", r.Scenario, r.Case, m, r.Metrics[m], r.Metrics)
		}
	}
}

func TestScenariosAgainstFtpsd(t *testing.T) {
	const vol = 4 << 20
	tg := startFtpsd(t, []int64{vol, vol / 4})
	ctx := context.Background()
	var p Progress

	t.Run("idle", func(t *testing.T) {
		r := Idle(ctx, tg, IdleConfig{Sessions: 40, Settle: 10 * time.Millisecond}, &p)
		ok(t, r, NoopP50ms, NoopP99ms, Sessions)
		if r.Metrics[Sessions] != 40 {
			t.Errorf("held %v sessions, want 40", r.Metrics[Sessions])
		}
		if _, measured := r.Metrics[RSSPerSessionKiB]; measured {
			t.Error("memory measured without a server PID")
		}
	})
	for _, x := range []bool{false, true} {
		t.Run("churn "+ChurnConfig{Clients: 4, X25519: x}.Name(), func(t *testing.T) {
			// Every handshake, control and data, gets the group the case
			// asks for: the hybrid Go prefers, or X25519 when the client
			// offers classical groups only.
			var mu sync.Mutex
			groups := map[tls.CurveID]int{}
			ctg := *tg
			ctg.TLS = tg.TLS.Clone()
			ctg.TLS.VerifyConnection = func(cs tls.ConnectionState) error {
				mu.Lock()
				defer mu.Unlock()
				groups[cs.CurveID]++
				return nil
			}
			r := Churn(ctx, &ctg, ChurnConfig{Clients: 4, Duration: 500 * time.Millisecond, X25519: x}, &p)
			ok(t, r, SessionsPerSec, P50ms, Sessions, ClientCPUmsPerSession)
			want := tls.X25519MLKEM768
			if x {
				want = tls.X25519
			}
			mu.Lock()
			defer mu.Unlock()
			if n := int(r.Metrics[Sessions]); len(groups) != 1 || groups[want] < 2*n {
				t.Errorf("groups negotiated %v over %d sessions, want %v on both connections of each", groups, n, want)
			}
		})
	}
	for _, c := range []BulkConfig{
		{Store: false, ProtP: true, Streams: 1, Volume: vol},
		{Store: true, ProtP: true, Streams: 4, Volume: vol},
		{Store: false, ProtP: false, Streams: 4, Volume: vol},
		{Store: true, ProtP: false, Streams: 1, Volume: vol},
	} {
		t.Run("bulk "+c.Name(), func(t *testing.T) {
			r := Bulk(ctx, tg, c, &p)
			ok(t, r, MBPerSec, ClientCPUSecPerGB)
			if r.Metrics[BytesMoved] != vol {
				t.Errorf("moved %v bytes, want %d", r.Metrics[BytesMoved], vol)
			}
			// An upload says whether it dropped the page cache (that needs
			// root, so either answer is right here); a download says nothing.
			if (r.PageCache != "") != c.Store {
				t.Errorf("page cache %q on a case with Store %v", r.PageCache, c.Store)
			}
			// An upload first touches twice its volume of memory; a download
			// does not.
			want := int64(0)
			if c.Store {
				want = 2 * vol
			}
			if r.Prefaulted != want {
				t.Errorf("prefaulted %d bytes on a case with Store %v, want %d", r.Prefaulted, c.Store, want)
			}
		})
	}
	t.Run("bulk kernel share", func(t *testing.T) {
		// The server's CPU read twice: 2 s in all, 1 s of it user and 3 s
		// kernel by the tick accounting, so 1.5 s of the 2 in the kernel.
		ktg := *tg
		var cpuReads, splitReads int
		ktg.CPU = func() (float64, error) {
			cpuReads++
			return map[bool]float64{true: 0, false: 2}[cpuReads == 1], nil
		}
		ktg.CPUSplit = func() (float64, float64, error) {
			splitReads++
			if splitReads == 1 {
				return 0, 0, nil
			}
			return 1, 3, nil
		}
		r := Bulk(ctx, &ktg, BulkConfig{ProtP: true, Streams: 1, Volume: vol}, &p)
		gb := float64(vol) / 1e9
		if got, want := r.Metrics[CPUSecPerGB], 2/gb; got != want {
			t.Errorf("CPU per GB %v, want %v", got, want)
		}
		if got, want := r.Metrics[KernelCPUSecPerGB], 1.5/gb; math.Abs(got-want) > 1e-9*want {
			t.Errorf("kernel CPU per GB %v, want %v", got, want)
		}
		if splitReads != 2 {
			t.Errorf("split read %d times, want at start and at stop", splitReads)
		}
	})
	for _, verb := range []string{"MLSD", "LIST"} {
		t.Run("list "+verb, func(t *testing.T) {
			r := List(ctx, tg, ListConfig{Verb: verb, Clients: 2, Duration: 300 * time.Millisecond, Entries: ListSize}, &p)
			ok(t, r, ListingsPerSec)
		})
	}
	for _, store := range []bool{false, true} {
		name := "small RETR"
		if store {
			name = "small STOR"
		}
		t.Run(name, func(t *testing.T) {
			r := Small(ctx, tg, SmallConfig{Store: store, Clients: 8, Duration: 300 * time.Millisecond}, &p)
			ok(t, r, FilesPerSec, P99ms)
		})
	}
	if label, _, done, _, _ := p.Snapshot(); !strings.Contains(label, "small") || done == 0 {
		t.Errorf("progress after the last step: %q, %d done", label, done)
	}
}

func TestBulkFailureIsCounted(t *testing.T) {
	tg := startFtpsd(t, nil)
	// No bulk file of this size exists: every stream must fail, and the
	// result must say so rather than report a speed.
	r := Bulk(context.Background(), tg, BulkConfig{Streams: 2, Volume: 1 << 20, ProtP: true}, nil)
	if r.Metrics[Failed] != 2 || r.Err == "" {
		t.Errorf("failed = %v, err %q; want 2 failures and an error", r.Metrics[Failed], r.Err)
	}
	if r.Metrics[BytesMoved] != 0 {
		t.Errorf("moved %v bytes from a missing file", r.Metrics[BytesMoved])
	}
	if v, ok := r.Metrics[MBPerSec]; ok {
		t.Errorf("a run that moved nothing reports %v MB/s", v)
	}
}

func TestUploadsNeedTheWriteLogin(t *testing.T) {
	tg := startFtpsd(t, nil)
	tg.Write = tg.Read // anonymous is read-only on ftpsd
	r := Small(context.Background(), tg, SmallConfig{Store: true, Clients: 2, Duration: 200 * time.Millisecond}, nil)
	if r.Metrics[Failed] == 0 || !strings.Contains(r.Err, "STOR") {
		t.Errorf("anonymous STOR: failed %v, err %q; want STOR refused", r.Metrics[Failed], r.Err)
	}
}

// TestIdleReturnFloor: with a server PID and a Runtime, the idle case
// waits, reads the RSS again and works out its floor and the heap kept;
// here the test process is the server, and its own runtime answers.
func TestIdleReturnFloor(t *testing.T) {
	tg := startFtpsd(t, nil)
	tg.PID = os.Getpid()
	calls := 0
	tg.Runtime = func() (RuntimeMemory, error) {
		calls++
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return RuntimeMemory{HeapInuse: int64(m.HeapInuse), Metadata: int64(m.MSpanSys + m.MCacheSys + m.GCSys + m.BuckHashSys + m.OtherSys)}, nil
	}
	var p Progress
	r := Idle(context.Background(), tg, IdleConfig{Sessions: 20, Settle: 10 * time.Millisecond, Return: 50 * time.Millisecond}, &p)
	// Not RSS per session: the test process's own RSS moves with its GC.
	ok(t, r, RSSAfterClosePct, RSSAfterCloseFloorPct, HeapAfterClosePct)
	if calls != 2 {
		t.Errorf("Runtime read %d times, want 2 (before the first login, after the last close)", calls)
	}
	if r.Metrics[RSSAfterCloseFloorPct] < 100 {
		t.Errorf("floor %v %% of before: below the RSS before", r.Metrics[RSSAfterCloseFloorPct])
	}
}

func TestFloorAfterClose(t *testing.T) {
	const mib = 1 << 20
	r := newResult("ftpsd", "idle", "x")
	before := procfs.Memory{RSS: 20 * mib, Anon: 12 * mib} // 8 MiB of file pages
	after := procfs.Memory{RSS: 30 * mib, Anon: 21 * mib}  // 9 MiB
	// Metadata grew by 3 MiB; the heap in use by a quarter.
	floorAfterClose(r, before, after, RuntimeMemory{HeapInuse: 4 * mib, Metadata: 2 * mib}, RuntimeMemory{HeapInuse: 5 * mib, Metadata: 5 * mib})
	if got, want := r.Metrics[RSSAfterCloseFloorPct], 100*(20.0+3+1)/20; got != want {
		t.Errorf("floor %v %%, want %v", got, want)
	}
	if got := r.Metrics[HeapAfterClosePct]; got != 125 {
		t.Errorf("heap after close %v %%, want 125", got)
	}
	// What shrank counts as nothing kept, not as a credit.
	floorAfterClose(r, before, procfs.Memory{RSS: 18 * mib, Anon: 12 * mib}, RuntimeMemory{HeapInuse: 4 * mib, Metadata: 5 * mib}, RuntimeMemory{HeapInuse: 4 * mib, Metadata: 4 * mib})
	if got := r.Metrics[RSSAfterCloseFloorPct]; got != 100 {
		t.Errorf("floor %v %% with nothing kept, want 100", got)
	}
}
