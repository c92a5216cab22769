//go:build !unix

package xfer

import "syscall"

// setReuseAddr does nothing where SO_REUSEADDR means something else
// (Windows lets it steal bound ports).
func setReuseAddr(_, _ string, _ syscall.RawConn) error { return nil }
