// Package procfs reads what a benchmark needs to know about a server's
// processes from Linux's /proc: the process tree under a root PID, its
// memory (RSS and PSS from smaps_rollup) and its CPU time.
//
// Fork-per-session servers (vsftpd, ProFTPD, Pure-FTPd) spread a run over
// many processes that come and go, so every figure is a sum over the tree.
// CPU time counts live processes' own time plus cutime/cstime, which the
// kernel adds to a parent when it reaps a child: sessions that ended during
// a run are counted once they have been reaped.
package procfs
