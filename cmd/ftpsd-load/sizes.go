package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/ftpsd/ftpsd/internal/synth"
)

// errSize is wrapped by every size and distribution parse error.
var errSize = errors.New("ftpsd-load: bad size")

// parseSize reads a byte count as ftpsd's synthetic file names spell it
// ("1K", "100M", "512": synth.ParseBytes, binary multiples).
func parseSize(s string) (int64, error) {
	v, err := synth.ParseBytes(s)
	switch {
	case errors.Is(err, synth.ErrTooLarge):
		return 0, fmt.Errorf("%w: %q is too large", errSize, s)
	case err != nil:
		return 0, fmt.Errorf("%w: %q (want digits and an optional K, M, G or T)", errSize, s)
	}
	return v, nil
}

// formatSize spells n as synthetic names do (synth.FormatSize): 1024 is
// "1K", 1536 is "1536", 100<<20 is "100M"; parseSize reads it back. Mirror
// downloads fetch files named formatSize(n) + ".bin".
func formatSize(n int64) string { return synth.FormatSize(n) }

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
