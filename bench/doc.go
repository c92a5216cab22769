// Package bench is the load generator and the side-by-side runs of ftpsd
// against vsftpd, ProFTPD (mod_tls), Pure-FTPd and pyftpdlib. It holds no
// code itself; its packages are:
//
//   - ftpclient: the FTP/FTPS client the generator drives (why it is
//     hand-written: its doc.go);
//   - scenario: the workloads (idle, churn, bulk, list, small files, and
//     curl and lftp as bulk clients) and the fixture tree they use;
//   - peers: installs the peers from Debian packages into .bench/peers,
//     configures and starts every server on 127.0.0.1 with an RSA-2048 or
//     an ECDSA P-256 certificate, and checks which one it presents;
//   - procfs: server memory and CPU from /proc and a cpuacct cgroup;
//   - ceiling: this machine's limits, measured in the same run;
//   - stats, report, chart: medians, BENCHMARKS.md's generated section, the
//     JSON and the SVG charts;
//   - cmd/ftpbench: the command that runs it all.
//
// The same client and scenarios' ideas, as a tool users point at any FTP
// server, are the command cmd/ftpsd-load at the repository's root.
//
// The front door is the Makefile: `make bench` (the full run that writes
// BENCHMARKS.md and bench/results/), `make bench-quick` (one short round,
// output under .bench/), `make bench-profile SCENARIO=churn KIND=cpu`
// (a scenario on a profiled ftpsd), `make bench-micro` (the Go
// micro-benchmarks). Everything downloaded or generated goes to .bench/,
// which git ignores; runs need root for apt-get, dpkg -x and the chrooting
// peers. `go test ./bench/...` needs none of that: the scenarios are tested
// against an in-process ftpsd on 127.0.0.1:0.
package bench
