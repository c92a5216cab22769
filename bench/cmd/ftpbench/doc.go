// Command ftpbench runs ftpsd and its peers (vsftpd, ProFTPD, Pure-FTPd,
// pyftpdlib) side by side on loopback and writes BENCHMARKS.md's generated
// section, the charts, and the JSON of every run.
//
//	go run ./bench/cmd/ftpbench                 # what make bench runs
//	go run ./bench/cmd/ftpbench -quick          # make bench-quick
//	go run ./bench/cmd/ftpbench -servers ftpsd -scenarios churn -profile cpu
//
// The last form runs a scenario with ftpsd profiled (ftpsd -profile) and
// prints the top of `go tool pprof -top`; the profile stays under
// .bench/run/. It must run as root: it installs the peers with apt-get and
// dpkg, and the peers chroot. See bench/doc.go for the layout.
package main
