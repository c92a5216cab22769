package main

import (
	"errors"
	"math"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestPercentiles records 1..1000 ms once each: the nearest-rank
// percentiles are then known (p50 = 500 ms, p90 = 900, p99 = 990, max =
// 1000) and the HDR histogram must give them within its 0.1% precision.
func TestPercentiles(t *testing.T) {
	r := newRecorder()
	order := make([]int, 1000)
	for i := range order {
		order[i] = i + 1
	}
	// Out of order, as clients would record them.
	slices.Reverse(order[:500])
	for _, ms := range order {
		r.record("RETR", time.Duration(ms)*time.Millisecond, 100, nil)
	}
	s := r.summary(10 * time.Second)
	if len(s) != 1 || s[0].Op != "RETR" {
		t.Fatalf("summary %+v, want one RETR", s)
	}
	o := s[0]
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"p50", o.P50ms, 500}, {"p90", o.P90ms, 900}, {"p99", o.P99ms, 990}, {"max", o.MaxMs, 1000}} {
		if math.Abs(c.got-c.want) > c.want*0.001+0.001 {
			t.Errorf("%s = %.3f ms, want %.0f within 0.1%%", c.name, c.got, c.want)
		}
	}
	if o.Count != 1000 || o.Bytes != 100000 || o.Errors != 0 {
		t.Errorf("count %d bytes %d errors %d, want 1000, 100000, 0", o.Count, o.Bytes, o.Errors)
	}
	if o.PerSec != 100 || o.MBPerSec != 0.01 {
		t.Errorf("per_s %v, mb_per_s %v; want 100 and 0.01 over 10 s", o.PerSec, o.MBPerSec)
	}
}

// TestFailuresNotInPercentiles: a failed operation counts as an error, its
// bytes count, its latency does not, and the first error is kept.
func TestFailuresNotInPercentiles(t *testing.T) {
	r := newRecorder()
	r.record("STOR", 50*time.Millisecond, 10, nil)
	r.record("STOR", time.Microsecond, 5, errors.New("451 first"))
	r.record("STOR", time.Microsecond, 0, errors.New("451 second"))
	o := r.summary(time.Second)[0]
	if o.Count != 1 || o.Errors != 2 || o.Bytes != 15 {
		t.Errorf("count %d errors %d bytes %d, want 1, 2, 15", o.Count, o.Errors, o.Bytes)
	}
	if o.P50ms < 49.9 || o.P50ms > 50.1 {
		t.Errorf("p50 %.3f ms, want 50: failures must not enter the percentiles", o.P50ms)
	}
	if got := r.firstError(); got != "STOR: 451 first" {
		t.Errorf("first error %q, want the first one recorded", got)
	}
	done, failed, bytes := r.totals()
	if done != 1 || failed != 2 || bytes != 15 {
		t.Errorf("totals %d, %d, %d; want 1, 2, 15", done, failed, bytes)
	}
}

func TestLatencyClamped(t *testing.T) {
	r := newRecorder()
	r.record("NOOP", 0, 0, nil)
	r.record("NOOP", 2*time.Hour, 0, nil)
	o := r.summary(time.Second)[0]
	if o.Count != 2 || o.MaxMs < 3.5e6 {
		t.Errorf("count %d max %.0f ms: values outside the histogram's range must be clamped, not dropped", o.Count, o.MaxMs)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	r := newRecorder()
	var seen sync.WaitGroup
	var mu sync.Mutex
	observed := 0
	r.observe = func(string, time.Duration, int64, error) { mu.Lock(); observed++; mu.Unlock() }
	for g := range 8 {
		seen.Go(func() {
			for i := range 500 {
				r.record([]string{"RETR 1K", "RETR 1M"}[g%2], time.Duration(i+1)*time.Microsecond, 1, nil)
			}
		})
	}
	seen.Wait()
	if done, _, bytes := r.totals(); done != 4000 || bytes != 4000 || observed != 4000 {
		t.Errorf("totals %d ops %d bytes, %d observed; want 4000 of each", done, bytes, observed)
	}
}

func TestOpOrder(t *testing.T) {
	ops := []string{"QUIT", "RETR 100M", "RETR 1M", "login", "RETR 1K", "session", "NOOP", "RETR 4K"}
	slices.SortFunc(ops, compareOps)
	want := []string{"login", "session", "NOOP", "RETR 1K", "RETR 4K", "RETR 1M", "RETR 100M", "QUIT"}
	if !slices.Equal(ops, want) {
		t.Errorf("order %v, want %v", ops, want)
	}
}
