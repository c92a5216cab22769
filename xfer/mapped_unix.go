//go:build unix

package xfer

import (
	"errors"
	"io"
	"os"
	"runtime/debug"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// TLS downloads of large files read the file through a mapping rather than
// read(2). Whatever the server does, AES-GCM has to read every byte once;
// read(2) also has the kernel copy it out of the page cache into a buffer
// first, which on this machine was a fifth of the server's CPU in curl's
// RETR PROT P (perf: _copy_to_iter under filemap_read). With the file
// mapped, crypto/tls takes each record's plaintext straight from the page
// cache. Measured with ftpbench against the commit before, alternating,
// two 2-round runs each with Pure-FTPd alongside, ECDSA certificate (server
// CPU s/GB, before → after): curl RETR PROT P 0.714, 0.708 → 0.668, 0.627
// (MB/s 1,093, 1,099 → 1,157, 1,214); lftp 0.687, 0.666 → 0.657, 0.610;
// bench's client x1 0.688, 0.666 → 0.637, 0.627; x8 0.542, 0.520 → 0.523,
// 0.467. Pure-FTPd, whose kernel time per GB in these cases was below
// ftpsd's read path, likely maps its files too (its binary imports mmap
// and munmap, not sendfile or pread).
//
// The mapping is a window at a time, populated when it is made (the pages
// are in the page cache already, or read in then, on the transfer's
// worker), and unmapped before the next. A window is mapWindow bytes while
// few mapped downloads run, and shrinks as more do, to its share of
// mapBudget but never below mapFloor, so that thousands of slow downloads
// do not each keep 4 MiB of the page cache mapped. Against the read path,
// alternating, three 1-round runs of each (RETR PROT P x1/x8/x64, curl,
// lftp; server CPU s/GB): 4 MiB windows x8 0.553-0.573 against 0.569-0.575,
// x64 0.506-0.523 against 0.513-0.620, curl 0.554-0.713 against
// 0.696-0.789; 1 MiB windows gave x8 0.584-0.658, no better than reading
// (four times the mmap and munmap calls; that each unmap flushes the TLB
// of every CPU running the process is the likely cost, not profiled).
// Below mapMin left to send, a read costs less than a
// mapping.
const (
	mapWindow = 4 << 20
	mapFloor  = 1 << 20
	mapBudget = 256 << 20
	mapMin    = 1 << 20
)

// mappedSends counts the mapped downloads under way, server-wide.
var mappedSends atomic.Int64

// mapShare is one download's window with n mapped downloads under way.
func mapShare(n int64) int64 {
	return min(max(mapBudget/max(n, 1), mapFloor), mapWindow)
}

// sendMapped sends src from its current offset to w (a recordBatch) through
// mappings, and reports ok false, having sent nothing, when the file
// cannot be mapped (then the caller reads it). It stops early, with a nil
// error and the file's offset where it stopped, when a later window cannot
// be mapped, so the caller reads the rest. A fault on the mapping (the
// file truncated meanwhile) ends it with errFileShrank and errTLSSpoiled;
// so does a file found shorter, after the loop, than what was sent (the
// last page of a truncated file reads as zeros, without a fault).
func sendMapped(w *recordBatch, src *os.File, n *atomic.Int64, th *Throttle) (total int64, ok bool, err error) {
	off, err := src.Seek(0, io.SeekCurrent)
	if err != nil {
		return 0, false, nil
	}
	fi, err := src.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size()-off < mapMin {
		return 0, false, nil
	}
	size := fi.Size()
	chunk := th.chunkSize(bulkSize)
	page := int64(os.Getpagesize())
	fd := int(src.Fd())
	mappedSends.Add(1)
	defer mappedSends.Add(-1)
	for off < size {
		start := off &^ (page - 1)
		end := min(start+mapShare(mappedSends.Load()), size)
		sent, mapped, werr := sendWindow(w, fd, start, end, off, n, th, chunk)
		if !mapped {
			if total == 0 {
				return 0, false, nil
			}
			break // the caller reads the rest from off
		}
		total += sent
		off += sent
		if werr != nil {
			return total, true, werr
		}
	}
	if fi, err := src.Stat(); err == nil && fi.Size() < off {
		return total, true, errors.Join(errFileShrank, errTLSSpoiled)
	}
	// The offset, as a read would have left it.
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		return total, true, err
	}
	return total, true, nil
}

// sendWindow maps [start, end) of fd and writes it from off, chunk bytes
// at a time; mapped is false when the mapping could not be made. Only
// here can the mapping fault, so only here is a fault, one whose address
// lies in this mapping, a panic to recover.
func sendWindow(w *recordBatch, fd int, start, end, off int64, n *atomic.Int64, th *Throttle, chunk int) (sent int64, mapped bool, err error) {
	m, merr := unix.Mmap(fd, start, int(end-start), unix.PROT_READ, unix.MAP_SHARED|unix.MAP_POPULATE)
	if merr != nil {
		return 0, false, nil
	}
	mapped = true // also what a recovered fault returns
	defer func() { _ = unix.Munmap(m) }()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		base := uintptr(unsafe.Pointer(unsafe.SliceData(m)))
		if f, ok := r.(interface{ Addr() uintptr }); !ok || f.Addr() < base || f.Addr() >= base+uintptr(len(m)) {
			panic(r)
		}
		// What the faulted Write gathered is dropped, not sent: the
		// connection is not to be written again (errTLSSpoiled).
		w.ec.batch(nil)
		*w.out = (*w.out)[:0]
		err = errors.Join(errFileShrank, errTLSSpoiled)
	}()
	for data := m[off-start:]; len(data) > 0; {
		k := min(len(data), chunk)
		nw, werr := sendChunk(w, data[:k], n, th)
		sent += int64(nw)
		if werr != nil {
			return sent, true, werr
		}
		data = data[k:]
	}
	return sent, true, nil
}
