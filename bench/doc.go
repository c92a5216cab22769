// Package bench will hold the load generator and the side-by-side runs
// against vsftpd, ProFTPD, Pure-FTPd and pyftpdlib. Until it lands, the
// micro-benchmarks live beside the code they measure (make bench) and
// BENCHMARKS.md records them.
package bench
