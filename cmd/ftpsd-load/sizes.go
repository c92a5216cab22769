package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// errSize is wrapped by every size and distribution parse error.
var errSize = errors.New("ftpsd-load: bad size")

// parseSize reads a byte count: decimal digits with an optional suffix K,
// M, G or T (either case) for binary multiples (K = 1024), the spelling
// ftpsd's synthetic file names use ("1K", "100M", "512").
func parseSize(s string) (int64, error) {
	num, shift := s, 0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K', 'k':
			shift = 10
		case 'M', 'm':
			shift = 20
		case 'G', 'g':
			shift = 30
		case 'T', 't':
			shift = 40
		}
		if shift != 0 {
			num = s[:n-1]
		}
	}
	if num == "" || strings.ContainsAny(num, "+-") {
		return 0, fmt.Errorf("%w: %q (want digits and an optional K, M, G or T)", errSize, s)
	}
	v, err := strconv.ParseInt(num, 10, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("%w: %q (want digits and an optional K, M, G or T)", errSize, s)
	}
	if v > (1<<63-1)>>shift {
		return 0, fmt.Errorf("%w: %q is too large", errSize, s)
	}
	return v << shift, nil
}

// formatSize spells n with the largest suffix that divides it exactly:
// 1024 is "1K", 1536 is "1536", 100<<20 is "100M". parseSize reads it back.
// Mirror downloads fetch files named formatSize(n) + ".bin".
func formatSize(n int64) string {
	for _, u := range []struct {
		shift  uint
		suffix string
	}{{40, "T"}, {30, "G"}, {20, "M"}, {10, "K"}} {
		if n > 0 && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}

// sizeDist is a distribution of file sizes: each size with its weight.
type sizeDist struct {
	sizes   []int64
	weights []float64 // fractions summing to 1
}

// parseDist reads "1K:50%,1M:40%,100M:10%": comma-separated sizes, each
// with a weight after a colon (a percentage; the weights must sum to 100).
// A single size may omit its weight ("4K" is "4K:100%"). Sizes must differ.
func parseDist(s string) (sizeDist, error) {
	var d sizeDist
	parts := strings.Split(s, ",")
	seen := map[int64]bool{}
	var total float64
	for _, p := range parts {
		p = strings.TrimSpace(p)
		sz, w, hasW := strings.Cut(p, ":")
		n, err := parseSize(sz)
		if err != nil {
			return sizeDist{}, err
		}
		if seen[n] {
			return sizeDist{}, fmt.Errorf("%w: %s appears twice in %q", errSize, sz, s)
		}
		seen[n] = true
		weight := 100.0
		if hasW {
			weight, err = strconv.ParseFloat(strings.TrimSuffix(w, "%"), 64)
			if err != nil || !(weight > 0) || weight > 100 {
				return sizeDist{}, fmt.Errorf("%w: weight %q of %s (want a percentage above 0)", errSize, w, sz)
			}
		} else if len(parts) > 1 {
			return sizeDist{}, fmt.Errorf("%w: %s has no weight (write %s:NN%%)", errSize, sz, sz)
		}
		d.sizes = append(d.sizes, n)
		d.weights = append(d.weights, weight)
		total += weight
	}
	if total < 99.99 || total > 100.01 {
		return sizeDist{}, fmt.Errorf("%w: weights of %q sum to %g%%, want 100%%", errSize, s, total)
	}
	for i := range d.weights {
		d.weights[i] /= total
	}
	return d, nil
}

// pick draws a size: u is uniform in [0, 1) (rng.Float64()).
func (d sizeDist) pick(u float64) int64 {
	for i, w := range d.weights {
		if u < w {
			return d.sizes[i]
		}
		u -= w
	}
	return d.sizes[len(d.sizes)-1] // rounding left u just above the last weight
}

// draw picks a size with rng.
func (d sizeDist) draw(rng *rand.Rand) int64 { return d.pick(rng.Float64()) }

// String spells the distribution as parseDist reads it.
func (d sizeDist) String() string {
	var b strings.Builder
	for i, n := range d.sizes {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s:%g%%", formatSize(n), d.weights[i]*100)
	}
	return b.String()
}
