package stats

import (
	"math"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		d := make([]time.Duration, len(v))
		for i, x := range v {
			d[i] = time.Duration(x) * time.Millisecond
		}
		return d
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // reversed: Percentile must sort
	}
	tests := []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of 100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100", ms(hundred...), 100, 100 * time.Millisecond},
		{"p1", ms(hundred...), 1, 1 * time.Millisecond},
		{"p50 of 3", ms(3, 1, 2), 50, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestLatenciesConcurrent(t *testing.T) {
	var l Latencies
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			for i := range 250 {
				l.Add(time.Duration(g*250+i+1) * time.Microsecond)
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	if l.Len() != 1000 {
		t.Fatalf("Len = %d, want 1000", l.Len())
	}
	if got := l.Percentile(50); got != 500*time.Microsecond {
		t.Errorf("p50 = %v, want 500µs", got)
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name          string
		in            []float64
		med, min, max float64
		n             int
	}{
		{"odd", []float64{3, 1, 2}, 2, 1, 3, 3},
		{"even", []float64{4, 1, 3, 2}, 2.5, 1, 4, 4},
		{"failed runs ignored", []float64{math.NaN(), 5, math.NaN()}, 5, 5, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Summarize(tt.in)
			if s.Median != tt.med || s.Min != tt.min || s.Max != tt.max || s.N != tt.n {
				t.Errorf("Summarize(%v) = %+v", tt.in, s)
			}
		})
	}
	if s := Summarize([]float64{math.NaN()}); s.Valid() || !math.IsNaN(s.Median) {
		t.Errorf("all failed: %+v, want invalid", s)
	}
}
