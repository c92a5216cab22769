package ftplog

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Flush and Reopen on a closed Writer.
var ErrClosed = errors.New("ftplog: writer closed")

// Defaults of Options' zero fields.
const (
	DefaultMaxBuffered = 1 << 20
	DefaultFlushEvery  = time.Second
	DefaultPerm        = os.FileMode(0o640)
)

// Options configure a Writer. The zero value works; zero fields take the
// defaults above. The Writer keeps a copy and never modifies the caller's.
type Options struct {
	// MaxBuffered bounds the bytes of lines waiting for the disk. A line
	// that does not fit is dropped and counted; the count is written as
	// "ftpsd: N log lines dropped" by the next flush. Two buffers of this
	// size are reserved (one filling, one being written).
	MaxBuffered int
	// FlushEvery is how often buffered lines are written out. A buffer
	// half full is written at once.
	FlushEvery time.Duration
	// Perm is the mode Open creates a missing file with (before umask).
	Perm os.FileMode
	// OnError, if set, receives write, reopen and close errors. It runs on
	// the Writer's goroutine and must not call the Writer's blocking
	// methods (Flush, Reopen, Close).
	OnError func(error)
}

func (o *Options) maxBuffered() int {
	if o.MaxBuffered > 0 {
		return o.MaxBuffered
	}
	return DefaultMaxBuffered
}

func (o *Options) flushEvery() time.Duration {
	if o.FlushEvery > 0 {
		return o.FlushEvery
	}
	return DefaultFlushEvery
}

func (o *Options) perm() os.FileMode {
	if o.Perm != 0 {
		return o.Perm
	}
	return DefaultPerm
}

// dropReserve is room kept past MaxBuffered for the drop report line, so
// appending it never grows a buffer.
const dropReserve = 64

// Writer is an asynchronous, buffered log writer. Write copies a line into
// memory and returns; a goroutine of the Writer writes the lines out on a
// timer, when the buffer is half full, on Flush, Reopen and Close.
//
// Write never blocks on I/O, so the event loop may call it: it holds a
// mutex only to copy the line, and while the disk is slow or stuck the
// lines that no longer fit are dropped and counted instead of waiting.
// Every method is safe for concurrent use. Flush, Reopen and Close wait
// for the disk; call them from a signal handler or shutdown path, never
// from the loop.
type Writer struct {
	mu     sync.Mutex
	cur    []byte // lines waiting; guarded by mu
	closed bool   // guarded by mu
	max    int

	pending atomic.Uint64 // dropped lines not yet reported
	total   atomic.Uint64 // dropped lines since the Writer started

	kick chan struct{} // capacity 1: "half full, flush soon"
	ctl  chan ctlReq
	done chan struct{} // closed when the goroutine exits

	closeOnce sync.Once
	closeErr  error

	// Owned by the Writer's goroutine.
	spare   []byte
	out     io.Writer
	closer  io.Closer // nil for New: the Writer did not open out
	open    func() (*os.File, error)
	every   time.Duration
	onError func(error)
}

type ctlKind uint8

const (
	ctlFlush ctlKind = iota
	ctlReopen
	ctlClose
)

type ctlReq struct {
	kind  ctlKind
	reply chan error
}

// Open opens (creating with Options.Perm if needed) the file at path for
// appending and starts its Writer. Reopen opens the same path again.
func Open(path string, o Options) (*Writer, error) {
	perm := o.perm()
	open := func() (*os.File, error) {
		return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, perm)
	}
	f, err := open()
	if err != nil {
		return nil, fmt.Errorf("ftplog: %w", err)
	}
	w := newWriter(f, o)
	w.closer, w.open = f, open
	go w.run()
	return w, nil
}

// New starts a Writer over dst, for example os.Stderr or a pipe to a log
// program. Close does not close dst, and Reopen does nothing.
func New(dst io.Writer, o Options) *Writer {
	w := newWriter(dst, o)
	go w.run()
	return w
}

func newWriter(dst io.Writer, o Options) *Writer {
	max := o.maxBuffered()
	return &Writer{
		max:     max,
		cur:     make([]byte, 0, max+dropReserve),
		spare:   make([]byte, 0, max+dropReserve),
		kick:    make(chan struct{}, 1),
		ctl:     make(chan ctlReq),
		done:    make(chan struct{}),
		out:     dst,
		every:   o.flushEvery(),
		onError: o.OnError,
	}
}

// Write copies line into the buffer, adding a '\n' if it lacks one, and
// returns without waiting for I/O; an empty line is ignored. If the buffer cannot hold it, or the
// Writer is closed, the line is dropped and counted.
func (w *Writer) Write(line []byte) {
	need := len(line)
	if need == 0 {
		return
	}
	nl := line[need-1] != '\n'
	if nl {
		need++
	}
	w.mu.Lock()
	if w.closed || len(w.cur)+need > w.max {
		w.mu.Unlock()
		w.drop(1)
		return
	}
	w.cur = append(w.cur, line...)
	if nl {
		w.cur = append(w.cur, '\n')
	}
	half := len(w.cur) >= w.max/2
	w.mu.Unlock()
	if half {
		select {
		case w.kick <- struct{}{}:
		default: // a flush is already due
		}
	}
}

// Dropped returns how many lines were dropped since the Writer started:
// for a full buffer, a failed write, or a Write after Close.
func (w *Writer) Dropped() uint64 { return w.total.Load() }

// Flush writes every line buffered so far and waits for the write.
func (w *Writer) Flush() error { return w.call(ctlFlush) }

// Reopen writes the buffered lines to the current file, then opens the
// path again and sends later lines there: after a log rotation renamed the
// file, the next lines go to a new file at the original path (SIGHUP). If
// the path cannot be opened, the Writer keeps the old file and returns the
// error.
func (w *Writer) Reopen() error { return w.call(ctlReopen) }

// Close writes every buffered line, closes the file Open opened and stops
// the Writer's goroutine. Lines written after Close are dropped. Close may
// be called more than once; later calls return the first one's result.
func (w *Writer) Close() error {
	w.closeOnce.Do(func() { w.closeErr = w.call(ctlClose) })
	return w.closeErr
}

func (w *Writer) call(k ctlKind) error {
	req := ctlReq{kind: k, reply: make(chan error, 1)}
	select {
	case w.ctl <- req:
		return <-req.reply
	case <-w.done:
		return ErrClosed
	}
}

func (w *Writer) drop(n uint64) {
	w.pending.Add(n)
	w.total.Add(n)
}

func (w *Writer) run() {
	t := time.NewTicker(w.every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			w.flush()
		case <-w.kick:
			w.flush()
		case req := <-w.ctl:
			switch req.kind {
			case ctlFlush:
				req.reply <- w.flush()
			case ctlReopen:
				err := w.flush()
				if rerr := w.reopen(); rerr != nil {
					err = rerr
				}
				req.reply <- err
			case ctlClose:
				w.mu.Lock()
				w.closed = true
				w.mu.Unlock()
				err := w.flush()
				if w.closer != nil {
					if cerr := w.closer.Close(); cerr != nil {
						err = errors.Join(err, w.report(fmt.Errorf("ftplog: close: %w", cerr)))
					}
				}
				close(w.done)
				req.reply <- err
				return
			}
		}
	}
}

// flush swaps the buffers, so writers fill the other one meanwhile, and
// writes the lines out, followed by the report of lines dropped since the
// last flush.
func (w *Writer) flush() error {
	w.mu.Lock()
	w.cur, w.spare = w.spare[:0], w.cur
	w.mu.Unlock()
	buf := w.spare
	lines := len(buf)
	n := w.pending.Swap(0)
	if n > 0 {
		buf = append(buf, "ftpsd: "...)
		buf = strconv.AppendUint(buf, n, 10)
		buf = append(buf, " log lines dropped\n"...)
	}
	w.spare = buf[:0]
	if len(buf) == 0 {
		return nil
	}
	written, err := w.out.Write(buf)
	if err == nil && written < len(buf) {
		err = io.ErrShortWrite
	}
	if err == nil {
		return nil
	}
	// Count what did not reach the file so the next flush reports it; a
	// lost report line stands for the n lines it reported.
	lost := uint64(0)
	if written < lines {
		lost = uint64(bytes.Count(buf[max(written, 0):lines], []byte{'\n'}))
	}
	if n > 0 && written < len(buf) {
		lost += n
		w.pending.Add(lost)
		w.total.Add(lost - n)
	} else {
		w.drop(lost)
	}
	return w.report(fmt.Errorf("ftplog: write: %w", err))
}

func (w *Writer) reopen() error {
	if w.open == nil {
		return nil
	}
	f, err := w.open()
	if err != nil {
		return w.report(fmt.Errorf("ftplog: reopen: %w", err))
	}
	old := w.closer
	w.out, w.closer = f, f
	if cerr := old.Close(); cerr != nil {
		return w.report(fmt.Errorf("ftplog: close: %w", cerr))
	}
	return nil
}

func (w *Writer) report(err error) error {
	if w.onError != nil {
		w.onError(err)
	}
	return err
}
