// Package chart draws the bar charts BENCHMARKS.md shows as standalone
// SVG: grouped horizontal bars, one group per case, one bar per server,
// each labelled with its value. It draws; it does not measure or choose
// what to show. Text is escaped; output is deterministic for one input, so
// a re-run with the same figures leaves the committed files unchanged.
package chart
