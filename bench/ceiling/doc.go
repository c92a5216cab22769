// Package ceiling measures what this machine can do at best, in the same
// run as the servers, so that BENCHMARKS.md can say how close a server
// comes: AES-128-GCM on one core (openssl speed), Go crypto/tls bulk
// throughput over loopback, and plain TCP throughput over loopback.
package ceiling
