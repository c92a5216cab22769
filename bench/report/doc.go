// Package report turns the results of a benchmark run into what people
// read: the section of BENCHMARKS.md (medians with min and max over the
// rounds, ratios to the best peer and to the machine's ceilings, the
// targets of issue 5 checked), a plain-text table for the terminal, and
// the JSON of every run. It does no measuring and no I/O beyond writing
// the files it is asked to.
package report
