// Package synth is the synthetic file system and the verifying sink that
// load-testing harnesses point at: a virtual tree mounted beside the rooted
// file system (internal/fsys), chosen by path prefix, costing no disk.
//
// A synthetic file's size is spelled in its name ("1G.bin", "run7-100M.dat",
// see [ParseSize]) and its content is a deterministic pseudo-random stream
// derived from the name and an optional seed ([Gen]), so that any client can
// check what it received without keeping a copy. The definition is published
// in README.md ("Synthetic files and the sink") with a Python reference; it is
// meant to be re-implemented, not to be secret: it is not a cryptographic
// generator.
//
// The sink counts and discards uploads; when an upload's name is a
// synthetic file name, a [Verifier] checks every byte against the generator
// and reports the first offset that differs.
//
// What synth must never do: touch the disk or a socket. Its functions are
// pure computation over memory and may run on any goroutine; the xfer
// workers call them (xfer/synth.go), the event loop only carries an [*FS]
// from the configuration into jobs.
package synth
