package scenario

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/ftpsd/ftpsd/bench/ftpclient"
)

// Login is a user name and password.
type Login struct{ User, Pass string }

// Target is a running server and what the scenarios may use on it.
type Target struct {
	Name string
	Addr string // control listener, host:port
	PID  int    // root of the server's process tree; 0: server costs not measured
	// CPU, when set, returns the server's CPU seconds so far; otherwise
	// they are summed over the process tree under PID from /proc.
	CPU func() (float64, error)
	// CPUSplit, when set, returns the server's user and kernel CPU
	// seconds so far from tick-based accounting; only their ratio over a
	// run is used, to tell how much of CPU's time was the kernel's.
	CPUSplit func() (user, kernel float64, err error)
	// Runtime, when set, reads a Go server's own account of its memory
	// (the idle scenario's floor for what can be given back).
	Runtime func() (RuntimeMemory, error)
	TLS     *tls.Config
	// Read logs in for downloads and listings, Write for uploads.
	Read, Write Login
	// Paths in the server's namespace.
	SmallFile string             // a 4 KiB file
	ListDir   string             // a directory of 1,000 entries
	UploadDir string             // writable by Write
	BulkFile  func(int64) string // a file of the given size
	// WarmBulk, when set, reads the host file behind BulkFile(size) into
	// the page cache before a download case, untimed: the upload cases
	// drop the page cache, and no server should pay for reading the disk
	// after them.
	WarmBulk func(size int64)
	// LocalBulk, when set, is the host path of BulkFile(size): what curl
	// and lftp upload.
	LocalBulk func(size int64) string
	// Timeout bounds each control step; zero means 30s. DataTimeout bounds
	// one transfer; zero means 10 minutes.
	Timeout, DataTimeout time.Duration
}

// RuntimeMemory is a Go server's runtime's account of its memory, in bytes.
type RuntimeMemory struct {
	HeapInuse int64 // heap spans holding live objects
	// Metadata is the runtime's own structures (span structures, per-P
	// caches, GC metadata, profiling buckets, the rest): sized for the
	// heap's peak, and never returned to the kernel.
	Metadata int64
}

// login is the login of a case that uploads (store) or does not.
func (t *Target) login(store bool) Login {
	if store {
		return t.Write
	}
	return t.Read
}

func (t *Target) config(l Login, protP bool) ftpclient.Config {
	return ftpclient.Config{Addr: t.Addr, TLS: t.TLS, ProtP: protP, User: l.User, Pass: l.Pass,
		Timeout: t.Timeout, DataTimeout: t.DataTimeout}
}

func (t *Target) upload(name string) string { return fmt.Sprintf("%s/%s", t.UploadDir, name) }
