// Package peers installs, configures, starts and stops the servers a
// benchmark compares: ftpsd itself (a built binary) and vsftpd, ProFTPD
// with mod_tls, Pure-FTPd and pyftpdlib from Debian's packages.
//
// The three C daemons all Provide and Conflict ftp-server, so apt-get can
// install only one of them. Install instead fetches each .deb with
// `apt-get download` and unpacks it with `dpkg -x` into its own folder
// under the work directory (.bench/peers), then installs with apt-get only
// the runtime libraries they need and pyftpdlib, which conflicts with
// nothing. Every server then runs from that folder on 127.0.0.1, on a
// control port chosen free at start and a passive range of its own, with
// the same certificate (RSA-2048 or ECDSA P-256, one kind at a time for
// every server: cert.go), anonymous logins, and the same fixture
// tree as document root. Each server's file in this package holds its
// configuration.
//
// Install and Start need root (apt-get, the ftp account, servers that
// chroot). They are never called from tests.
package peers
