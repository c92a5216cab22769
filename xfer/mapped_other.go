//go:build !unix

package xfer

import (
	"errors"
	"os"
	"sync/atomic"
)

// errTLSSpoiled: see mapped_unix.go; nothing here produces it.
var errTLSSpoiled = errors.New("the TLS connection is unusable after a fault")

// sendMapped maps nothing where there is no mmap: the caller reads.
func sendMapped(*recordBatch, *os.File, *atomic.Int64, *Throttle) (int64, bool, error) {
	return 0, false, nil
}
