package scenario

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// BulkConfig shapes one bulk case.
type BulkConfig struct {
	Store   bool // STOR, else RETR
	ProtP   bool // PROT P, else PROT C
	Streams int
	// Volume is the bytes the case moves in all: each stream moves
	// Volume/Streams, so a case takes about as long whatever its streams.
	Volume int64
}

// Name is the case's label, e.g. "RETR PROT P x8".
func (c BulkConfig) Name() string {
	op, prot := "RETR", "C"
	if c.Store {
		op = "STOR"
	}
	if c.ProtP {
		prot = "P"
	}
	return fmt.Sprintf("%s PROT %s x%d", op, prot, c.Streams)
}

// PerStream is the size each stream moves.
func (c BulkConfig) PerStream() int64 { return c.Volume / int64(c.Streams) }

// Bulk logs in cfg.Streams TLS sessions, then starts one transfer on each
// at once and times them together: MB/s is the bytes moved over the wall
// time from the first start to the last end. Logins are outside the timed
// part. Uploads go to UploadDir as bulk-N.bin; the caller removes them.
func Bulk(ctx context.Context, t *Target, cfg BulkConfig, p *Progress) *Result {
	r := newResult(t.Name, "bulk", cfg.Name())
	p.Begin(t.Name+" bulk "+cfg.Name()+": logging in", "sessions")
	conns, failed, err := dialMany(ctx, t.config(t.login(cfg.Store), cfg.ProtP), cfg.Streams, 16, p)
	defer quitAll(conns)
	r.fail(err)
	size := cfg.PerStream()
	file := t.BulkFile(size)
	p.Begin(t.Name+" bulk "+cfg.Name(), "bytes")
	var moved atomic.Int64
	var errs firstError
	if !cfg.Store && t.WarmBulk != nil {
		t.WarmBulk(size)
	}
	if cfg.Store {
		prepareUpload(r, cfg.Volume)
	}
	cpu := startCPU(t)
	client := selfCPU()
	start := time.Now()
	each(len(conns), len(conns), func(i int) {
		c := conns[i]
		if c == nil {
			return
		}
		var n int64
		var err error
		if cfg.Store {
			n, err = c.Stor(t.upload(fmt.Sprintf("bulk-%d.bin", i)), size)
		} else {
			n, err = c.Retr(file)
		}
		if err == nil && n != size {
			err = fmt.Errorf("scenario: %s moved %d bytes, want %d", cfg.Name(), n, size)
		}
		if err != nil {
			errs.set(err)
			p.Failed()
		}
		moved.Add(n)
		p.Add(n)
	})
	wall := time.Since(start)
	clientSec := selfCPU() - client
	r.Seconds = wall.Seconds()
	r.fail(errs.get())
	b := moved.Load()
	r.Metrics[BytesMoved] = float64(b)
	r.Metrics[Failed] = float64(failed + errs.count())
	if b > 0 {
		r.Metrics[MBPerSec] = float64(b) / 1e6 / wall.Seconds()
		r.Metrics[ClientCPUSecPerGB] = clientSec / (float64(b) / 1e9)
	}
	if s, ok := cpu.stop(2 * time.Second); ok && b > 0 {
		r.Metrics[ServerCPUSec] = s
		r.Metrics[CPUSecPerGB] = s / (float64(b) / 1e9)
		if k, ok := cpu.kernelShare(); ok {
			r.Metrics[KernelCPUSecPerGB] = k * r.Metrics[CPUSecPerGB]
		}
	}
	return r
}

// prepareUpload readies the machine for an upload case of volume bytes,
// on the caller's goroutine, and records in r what it did.
func prepareUpload(r *Result, volume int64) {
	// Dirty pages left by the previous case (another server's uploads)
	// would be written back, and reclaimed, on this server's time and
	// CPU: with 24 GiB of page cache that swung a run from 3.2 GB/s to
	// 1.0 GB/s by the order of the servers alone.
	syscall.Sync()
	// And the page cache itself: on this machine a writer that found
	// it full of other files (reclaimed as it wrote) spent 1.1-1.2 s
	// of CPU per GB, one that found it empty 0.4, whichever server it
	// was. Dropped (as root) before every upload case of every server;
	// the result says whether it was, for the report.
	r.PageCache = PageCacheDropped
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0); err != nil {
		r.PageCache = err.Error()
	}
	// Then the pages the upload's page cache will take: see prefault.
	// Without them the case still measures; the result, and so the
	// report, then says nothing of a prefault.
	if prefault(2*volume) == nil {
		r.Prefaulted = 2 * volume
	}
}
