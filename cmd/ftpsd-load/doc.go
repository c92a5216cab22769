// Command ftpsd-load is a load generator for any FTP or FTPS server: N
// clients run one scenario (idle sessions, session churn, bulk transfers,
// listings, small files, or a mirror's mixed downloads of a size
// distribution) for a duration or a count of operations, and it reports
// per-operation counts, throughput and latency percentiles as a table, as
// JSON, and optionally on a Prometheus scrape endpoint while it runs.
//
// It drives the FTP client of bench/ftpclient (one goroutine per session,
// as one real client is one process), so its sessions behave as curl's and
// lftp's do: data connections resume the control connection's TLS session
// and end with close_notify. Pointed at ftpsd started with -synthetic, it
// can check every downloaded byte against the published generator of
// synthetic files (--verify, see verify.go) without a copy on disk.
//
// Layout: options.go parses the command line, sizes.go reads sizes and
// size distributions, recorder.go collects per-operation statistics,
// scenarios.go holds the workloads and runner.go the clients that run
// them, verify.go and synthgen.go check content, report.go writes the
// table and the JSON, progress.go the terminal line, metrics.go the
// Prometheus endpoint.
package main
