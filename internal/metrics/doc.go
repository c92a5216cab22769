// Package metrics holds ftpsd's Prometheus collectors and the cheap, typed
// methods the event loop and the workers call to move them.
//
// What it owns: one Registry of its own (never the global default, so an
// embedder's or a test's registry is never touched), holding ftpsd's
// collectors (all named ftpsd_*) and the Go runtime and process
// collectors. Handler serves that registry in the text exposition format;
// internal/admin mounts it on the admin listener.
//
// What it must never do: allocate or wait on the hot path. Every labelled
// series the loop or a worker moves is resolved once, at start-up, with
// WithLabelValues into an array indexed by small typed integers (the
// listener kind, the TLS state, the verb's row in the command table, the
// reply class), so counting is an index and an atomic add. The values only
// a scrape needs (worker-pool occupancy, bans in force, log lines dropped,
// passive ports in use) are GaugeFuncs and CounterFuncs that read atomics
// the server already keeps, on the HTTP goroutine of the scrape.
//
// A nil *Metrics is valid and counts nothing: every method returns at once,
// so a server run without -admin pays one nil check per event.
//
// Which goroutine: any. The counting methods are safe from the event loops,
// the workers and the handshake goroutines at once; the Watch* and
// Commands methods are for start-up, before the server serves.
package metrics
