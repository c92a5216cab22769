package main

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"512", 512, true},
		{"0", 0, true},
		{"1K", 1 << 10, true},
		{"4k", 4 << 10, true},
		{"100M", 100 << 20, true},
		{"1G", 1 << 30, true},
		{"2T", 2 << 40, true},
		{"8388607T", 8388607 << 40, true},
		{"8388608T", 0, false}, // 2^63: overflows int64
		{"", 0, false},
		{"K", 0, false},
		{"-1K", 0, false},
		{"+1", 0, false},
		{"1.5M", 0, false},
		{"1KB", 0, false},
		{"1MiB", 0, false},
		{"ten", 0, false},
	}
	for _, tt := range tests {
		got, err := parseSize(tt.in)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && !errors.Is(err, errSize) {
			t.Errorf("parseSize(%q): %v does not wrap errSize", tt.in, err)
		}
	}
}

func TestFormatSizeRoundTrip(t *testing.T) {
	tests := map[int64]string{0: "0", 1: "1", 1000: "1000", 1024: "1K", 1536: "1536", 4 << 10: "4K",
		1 << 20: "1M", 100 << 20: "100M", 3 << 30: "3G", 1 << 40: "1T", 1025 << 20: "1025M"}
	for n, want := range tests {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
		if back, err := parseSize(formatSize(n)); err != nil || back != n {
			t.Errorf("parseSize(formatSize(%d)) = %d, %v", n, back, err)
		}
	}
}

func TestParseDist(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		sizes   []int64
		weights []float64
		ok      bool
	}{
		{"mirror", "1K:50%,1M:40%,100M:10%", []int64{1 << 10, 1 << 20, 100 << 20}, []float64{.5, .4, .1}, true},
		{"without percent signs", "1K:25,4K:75", []int64{1 << 10, 4 << 10}, []float64{.25, .75}, true},
		{"spaces", " 1K:50% , 2K:50% ", []int64{1 << 10, 2 << 10}, []float64{.5, .5}, true},
		{"one size, no weight", "4K", []int64{4 << 10}, []float64{1}, true},
		{"one size, all of it", "4K:100%", []int64{4 << 10}, []float64{1}, true},
		{"fractions", "1K:33.3%,2K:33.3%,3K:33.4%", []int64{1 << 10, 2 << 10, 3 << 10}, []float64{.333, .333, .334}, true},
		{"sum below 100", "1K:50%,1M:40%", nil, nil, false},
		{"sum above 100", "1K:60%,1M:50%", nil, nil, false},
		{"missing weight among several", "1K,1M:50%", nil, nil, false},
		{"zero weight", "1K:0%,1M:100%", nil, nil, false},
		{"negative weight", "1K:-10%,1M:110%", nil, nil, false},
		{"duplicate size", "1K:50%,1024:50%", nil, nil, false},
		{"bad size", "1Q:100%", nil, nil, false},
		{"empty", "", nil, nil, false},
		{"empty entry", "1K:100%,", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseDist(tt.in)
			if tt.ok != (err == nil) {
				t.Fatalf("parseDist(%q): %v, want ok=%v", tt.in, err, tt.ok)
			}
			if !tt.ok {
				if !errors.Is(err, errSize) {
					t.Errorf("error %v does not wrap errSize", err)
				}
				return
			}
			if len(d.sizes) != len(tt.sizes) {
				t.Fatalf("sizes %v, want %v", d.sizes, tt.sizes)
			}
			for i := range tt.sizes {
				if d.sizes[i] != tt.sizes[i] || math.Abs(d.weights[i]-tt.weights[i]) > 1e-9 {
					t.Errorf("entry %d: %d at %g, want %d at %g", i, d.sizes[i], d.weights[i], tt.sizes[i], tt.weights[i])
				}
			}
			again, err := parseDist(d.String())
			if err != nil || len(again.sizes) != len(d.sizes) {
				t.Errorf("String %q does not parse back: %v", d.String(), err)
			}
		})
	}
}

func TestDistPickBoundaries(t *testing.T) {
	d, err := parseDist("1K:50%,1M:40%,100M:10%")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		u    float64
		want int64
	}{{0, 1 << 10}, {0.4999, 1 << 10}, {0.5, 1 << 20}, {0.8999, 1 << 20}, {0.9, 100 << 20}, {0.999999, 100 << 20}}
	for _, tt := range tests {
		if got := d.pick(tt.u); got != tt.want {
			t.Errorf("pick(%g) = %d, want %d", tt.u, got, tt.want)
		}
	}
}

// TestDistDrawProportions draws many sizes and checks each share is
// within 1.5 points of its weight (100,000 draws: the standard error of a
// 50% share is 0.16 points, so this fails only on a wrong sampler).
func TestDistDrawProportions(t *testing.T) {
	d, err := parseDist("1K:50%,1M:40%,100M:10%")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 100000
	got := map[int64]int{}
	for range n {
		got[d.draw(rng)]++
	}
	for i, s := range d.sizes {
		share := float64(got[s]) / n
		if math.Abs(share-d.weights[i]) > 0.015 {
			t.Errorf("%s drawn %.3f of the time, want %.3f", formatSize(s), share, d.weights[i])
		}
	}
	if len(got) != 3 {
		t.Errorf("drew sizes %v, want only the three of the distribution", got)
	}
}
