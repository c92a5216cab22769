// Package fuzz drives whole FTP sessions from random bytes through the
// real server: the parsers' own fuzz targets sit next to the parsers
// (codec, xfer); here the invariants are the server's. Run with
// `make fuzz` or `go test -fuzz FuzzSession ./fuzz`.
package fuzz
