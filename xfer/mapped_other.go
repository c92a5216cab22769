//go:build !unix

package xfer

import (
	"os"
	"sync/atomic"
)

// sendMapped maps nothing where there is no mmap: the caller reads.
func sendMapped(*recordBatch, *os.File, *atomic.Int64, *Throttle) (int64, bool, error) {
	return 0, false, nil
}
