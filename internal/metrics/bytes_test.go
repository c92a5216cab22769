package metrics

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

// TestLiveBytes: a running transfer's bytes show at each scrape, and the
// count neither drops nor doubles when the transfer ends.
func TestLiveBytes(t *testing.T) {
	m := New()
	var a, b atomic.Int64
	m.TransferStarted(Out, TLS, &a)
	m.TransferStarted(In, Clear, &b)
	a.Add(100)
	b.Add(7)
	want := func(step, out, in string) {
		t.Helper()
		exp := "# HELP ftpsd_transfer_bytes_total Data-connection payload bytes moved (running transfers included), by direction and protection.\n" +
			"# TYPE ftpsd_transfer_bytes_total counter\n" +
			`ftpsd_transfer_bytes_total{direction="in",protection="clear"} ` + in + "\n" +
			`ftpsd_transfer_bytes_total{direction="in",protection="tls"} 0` + "\n" +
			`ftpsd_transfer_bytes_total{direction="out",protection="clear"} 0` + "\n" +
			`ftpsd_transfer_bytes_total{direction="out",protection="tls"} ` + out + "\n"
		if err := testutil.GatherAndCompare(m.Registry(), strings.NewReader(exp), "ftpsd_transfer_bytes_total"); err != nil {
			t.Errorf("%s: %v", step, err)
		}
	}
	want("running", "100", "7")
	a.Add(50)
	m.Transfer(Out, TLS, TransferComplete, &a, time.Second)
	want("one ended", "150", "7")
	b.Add(3)
	m.Transfer(In, Clear, TransferAborted, &b, time.Second)
	want("both ended", "150", "10")
	var c atomic.Int64
	c.Add(5)
	m.Transfer(Out, TLS, TransferFailed, &c, time.Second) // never started: still counted once
	want("unstarted", "155", "10")
	if n := len(m.bytes.running); n != 0 {
		t.Errorf("%d transfers still running after their end", n)
	}
}
