// Package stats summarises what the load generator measures: latency
// samples (percentiles) and repeated runs of one measurement (median, min,
// max). It is pure arithmetic: no clock, no I/O.
package stats
