// Package scenario holds the workloads the load generator runs against a
// server: idle sessions, session churn, bulk transfers, listings and small
// files. Each returns a Result of named metrics; none of them knows which
// server it drives, how that server was started, or how results are shown.
//
// Server-side costs (memory, CPU seconds) come from /proc through package
// procfs when the Target names the server's PID; a Target without one (an
// in-process server in tests) gets client-side metrics only.
package scenario
