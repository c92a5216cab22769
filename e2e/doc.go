// Package e2e holds the end-to-end tests of ftpsd. They build the real
// binary (./cmd/ftpsd) once, start it on 127.0.0.1:0 with a temporary root
// for each test, and drive it with real clients: a raw control connection
// (for exact reply codes), github.com/jlaffaye/ftp, curl, lftp and Python's
// ftplib. They talk to the server only as users do, through its flags, its
// configuration files, its sockets and its logs (the one exception is
// tlsstate.Fingerprint, to compare the fingerprint the server logs), which
// is why they live apart from the binary's wiring and its unit tests. The
// raw client's passive-reply parsing and the TLS client configuration come
// from internal/testserver, which the loop, fuzz and bench tests share.
//
// `go test -short` (make unit) skips them. A missing curl, lftp or python3 is
// a failure, not a skip: `make test` installs them (target test-deps).
// FTPSD_E2E_RACE=1 builds the server itself with -race.
//
// The package has no code outside its tests.
package e2e
