// Package bench will hold the load generator and the side-by-side runs
// against vsftpd, ProFTPD, Pure-FTPd and pyftpdlib (see BENCHMARKS.md).
// Until then the micro-benchmarks live beside the code they measure.
package bench
