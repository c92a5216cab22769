package xfer

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/internal/synth"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// Progress is how a running job speaks to its session before its outcome.
// The loop implements it by posting to the session's mailbox and waking
// the connection, so it is safe from any goroutine.
type Progress interface {
	// Opened posts the preliminary 150 reply, with msg as its text, once
	// the data connection is open.
	Opened(msg string)
}

// Job is a piece of work built on the loop from a session's state and run
// on a worker. Run must not touch the session: everything it needs is in
// the job, and everything the session learns comes back in the Outcome.
type Job interface {
	Run(ctx context.Context, p Progress) Outcome
}

// TransferOp is the command a Transfer carries out.
type TransferOp uint8

const (
	Retr TransferOp = iota // send a file, from Rest
	Stor                   // store a file; with Rest > 0 resume it in place
	Appe                   // append to a file
	Stou                   // store under a unique name
	List                   // send a listing (LIST, NLST, MLSD: see Transfer.List)
)

func (o TransferOp) String() string {
	switch o {
	case Retr:
		return "RETR"
	case Stor:
		return "STOR"
	case Appe:
		return "APPE"
	case Stou:
		return "STOU"
	case List:
		return "LIST"
	}
	return "TransferOp(" + strconv.Itoa(int(o)) + ")"
}

// ErrNoReuse: a PROT P data connection did a full handshake instead of
// resuming its control connection's session, so nothing ties it to the
// client that owns the session (522, as vsftpd and ProFTPD answer).
var ErrNoReuse = errors.New("xfer: data connection did not resume the TLS session")

// tlsCloseWait bounds waiting for the client's close_notify on a PROT P
// data connection.
const tlsCloseWait = 5 * time.Second

// DataSource is how a transfer gets its data connection: a passive
// listener taken from the session, or an active target to dial.
type DataSource struct {
	Passive  *Passive
	Active   netip.AddrPort // PORT/EPRT target, when Passive is nil
	ActiveLo uint16         // the local port range of an active connection; 0: any
	ActiveHi uint16
	Local    netip.Addr    // the control connection's local address, to dial from
	Timeout  time.Duration // to establish the connection (and its TLS handshake)
	Idle     time.Duration // without progress, once established
	TLS      *tls.Config   // PROT P: the session's data config; nil for clear data
	Reuse    bool          // PROT P: refuse a data connection that did not resume the session
}

// Valid reports whether a PASV or PORT prepared the data connection. The
// loop asks it while building a Transfer; it reads fields only.
func (d DataSource) Valid() bool { return d.Passive != nil || d.Active.IsValid() }

// open waits for or dials the data connection; cancelling ctx (ABOR, the
// session closing) stops the wait. Runs on a worker.
func (d DataSource) open(ctx context.Context) (net.Conn, error) {
	if d.Passive != nil {
		stop := context.AfterFunc(ctx, func() { _ = d.Passive.Close() })
		defer stop()
		return d.Passive.Accept(time.Now().Add(d.Timeout))
	}
	return Dial(ctx, d.Local, d.ActiveLo, d.ActiveHi, d.Active, d.Timeout)
}

// drop frees a passive listener the transfer will not use. Runs on a
// worker.
func (d DataSource) drop() {
	if d.Passive != nil {
		_ = d.Passive.Close()
	}
}

// Transfer is one data-connection command: RETR, STOR, APPE, STOU or a
// listing. The loop builds it from the session (the session's PASV/PORT
// setting goes into Data and serves this transfer only); Run does the
// rest on a worker: the authorization check, opening the file, the data
// connection and its TLS, the copy, the upload's commit or removal, and
// the transfer-log line.
type Transfer struct {
	Op     TransferOp
	FS     *fsys.FS
	Path   string  // the virtual path, joined to the working directory
	Verb   string  // the command as the Authorizer sees it
	Access *Access // nil: no Authorizer
	ASCII  bool    // TYPE A
	Rest   int64   // REST offset
	Data   DataSource
	Rates  [2]*rate.Limiter // the session's and the server's bandwidth; nil: no limit
	List   ListOptions      // Op List only; Now is set when the listing is made
	// Moved counts the bytes moved so far; the loop reads it for STAT.
	// A Transfer is therefore used through a pointer and never copied.
	Moved atomic.Int64
	// Log and Record: when Log wants transfers, Record (as far as the loop
	// filled it) is completed and written once the data connection opened.
	// Record.Start is when the command arrived; zero: when Run began.
	Log    *ftplog.Logger
	Record ftplog.Transfer
	Debug  *slog.Logger // for failed data-connection handshakes; nil: slog.Default

	// Synth is the synthetic tree and the sink, a file system beside FS
	// chosen by path prefix (synth.go); nil: none.
	Synth *synth.FS
	// Fault injection (fault.go): ResetAfter, when above zero, resets the
	// data connection once that many bytes crossed it; StallAfter stops it
	// there instead; NoAccept never accepts the passive connection.
	ResetAfter, StallAfter int64
	NoAccept               bool
	TLSDelay               time.Duration // PROT P: wait this long before the data handshake
	// Metrics receives the transfer's counts (transfer_metrics.go); nil
	// counts nothing.
	Metrics *metrics.Metrics
}

// Drop frees the passive listener of a transfer that will not run (the
// worker pool was full). Runs on the loop: closing a listener does not
// block.
func (t *Transfer) Drop() { t.Data.drop() }

// Run carries out the transfer. Runs on a worker.
func (t *Transfer) Run(ctx context.Context, p Progress) Outcome {
	if t.Debug == nil {
		t.Debug = slog.Default()
	}
	if t.Record.Start.IsZero() {
		t.Record.Start = time.Now()
	}
	if err := t.Access.Check(t.Verb, t.Path); err != nil {
		t.Data.drop()
		return Fail(err)
	}
	if n := t.Synth.Lookup(t.Path); n.Kind != synth.NotMine {
		return t.runSynth(ctx, p, n) // synth.go
	}
	switch t.Op {
	case Retr:
		return t.retr(ctx, p)
	case List:
		return t.list(ctx, p)
	}
	return t.store(ctx, p)
}

func modeName(ascii bool) string {
	if ascii {
		return "ASCII"
	}
	return "BINARY"
}

// retr sends a file, from the REST offset if one was set. Runs on a worker.
func (t *Transfer) retr(ctx context.Context, p Progress) Outcome {
	f, err := t.FS.Open(t.Path)
	if err != nil {
		t.Data.drop()
		return Fail(err)
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	if t.Rest > 0 {
		if _, err := f.Seek(t.Rest, 0); err != nil {
			t.Data.drop()
			return Fail(err)
		}
	}
	opening := "Opening " + modeName(t.ASCII) + " mode data connection for " + t.Path
	if size >= 0 {
		opening += " (" + strconv.FormatInt(size, 10) + " bytes)"
	}
	r := t.runData(ctx, p, opening+".", func(c net.Conn) error {
		n, err := Send(c, f, t.ASCII, &t.Moved, NewThrottle(ctx, t.Rates[:]...))
		// Binary mode sends the file's bytes as they are, so fewer than the
		// size at open means the file ended early: it was truncated under
		// the transfer. (TYPE A changes the count; it is not checked.)
		if err == nil && !t.ASCII && size >= 0 && t.Rest+n < size {
			err = errFileShrank
		}
		return err
	})
	o := r.outcome()
	t.logTransfer(r, ftplog.DirOutgoing, o.Kind)
	return o
}

// uploadMode is the fsys upload mode of a store command. Runs on a worker.
func (t *Transfer) uploadMode() fsys.UploadMode {
	switch {
	case t.Op == Appe:
		return fsys.UploadAppend
	case t.Op == Stou:
		return fsys.UploadUnique
	case t.Rest > 0:
		return fsys.UploadResume
	}
	return fsys.UploadReplace
}

// createUpload opens the file a store command writes. STOU's file is
// authorized by the name it gets, not the name asked for (Run checked
// that one): each new name is checked against the Authorizer, as named
// and resolved, before the file is made (fsys.CreateUnique). Runs on a
// worker.
func (t *Transfer) createUpload(mode fsys.UploadMode) (*fsys.Upload, error) {
	if mode == fsys.UploadUnique && t.Access != nil {
		return t.FS.CreateUnique(t.Path, func(name string) error { return t.Access.Check(t.Verb, name) })
	}
	return t.FS.CreateUpload(t.Path, mode, t.Rest)
}

// store receives an upload, then commits it, or removes what a failed one
// left. Runs on a worker.
func (t *Transfer) store(ctx context.Context, p Progress) Outcome {
	mode := t.uploadMode()
	up, err := t.createUpload(mode)
	if err != nil {
		t.Data.drop()
		return Fail(err)
	}
	opening := "Ok to send data."
	if mode == fsys.UploadUnique {
		opening = "FILE: " + up.Name
	}
	r := t.runData(ctx, p, opening, func(c net.Conn) error {
		_, err := Receive(up.File, c, t.ASCII, &t.Moved, NewThrottle(ctx, t.Rates[:]...))
		return err
	})
	t.Record.Path = up.Name
	o := commit(up, mode, r)
	t.logTransfer(r, ftplog.DirIncoming, o.Kind)
	return o
}

// commit keeps a complete upload, or removes what a failed one left.
// Runs on a worker.
func commit(up *fsys.Upload, mode fsys.UploadMode, r dataResult) Outcome {
	if o := r.outcome(); o.Kind != Complete {
		_ = up.Abort()
		return o
	}
	if err := up.Commit(); err != nil {
		return Fail(err)
	}
	if mode == fsys.UploadUnique {
		return Outcome{Kind: StoredAs, Name: up.Name}
	}
	return Outcome{Kind: Complete}
}

// list sends a directory listing (or one file's line). Runs on a worker.
func (t *Transfer) list(ctx context.Context, p Progress) Outcome {
	fi, err := t.FS.Stat(t.Path)
	if err != nil {
		return t.listGlob(ctx, p, err)
	}
	if t.List.Format == FormatMLSD && !fi.IsDir() {
		t.Data.drop()
		return Outcome{Kind: NotDir}
	}
	opts := t.List
	opts.Now = time.Now()
	return t.runData(ctx, p, "Here comes the directory listing.", func(c net.Conn) error {
		return WriteListing(c, t.FS, t.Path, opts)
	}).outcome()
}

// listGlob sends the listing of what the pattern in t.Path matches, when
// it is one (glob.go); statErr is why t.Path is no literal name. The
// directory matched in is authorized as a listing of it would be. Runs on
// a worker.
func (t *Transfer) listGlob(ctx context.Context, p Progress, statErr error) Outcome {
	g, err := expandGlob(t.FS, t.Path, statErr, t.List)
	if err == nil {
		err = t.Access.Check(t.Verb, g.dir)
	}
	if err != nil {
		t.Data.drop()
		return Fail(err)
	}
	opts := t.List
	opts.Now = time.Now()
	return t.runData(ctx, p, "Here comes the directory listing.", func(c net.Conn) error {
		return g.write(c, t.FS, opts)
	}).outcome()
}

// logTransfer writes the transfer-log line of a transfer whose data
// connection was opened. Runs on a worker.
func (t *Transfer) logTransfer(r dataResult, dir byte, k Kind) {
	if !r.opened || !t.Log.Wants(ftplog.Transfers) {
		return
	}
	rec := &t.Record
	rec.Duration, rec.Bytes, rec.Direction = time.Since(rec.Start), t.Moved.Load(), dir
	logTransfer(t.Log, rec, k)
}

// dataResult is how the data connection of a transfer went.
type dataResult struct {
	aborted bool  // the context was cancelled (ABOR, the session closing)
	opened  bool  // the connection was opened and 150 sent
	err     error // the first error of the connection or the copy
}

// outcome picks a transfer's outcome from how its data connection went.
// Runs on a worker.
func (r dataResult) outcome() Outcome {
	switch {
	case r.aborted:
		return Outcome{Kind: Aborted, Err: r.err}
	case !r.opened:
		return Outcome{Kind: NoData, Err: r.err}
	case errors.Is(r.err, ErrNoReuse):
		return Outcome{Kind: NoReuse, Err: r.err}
	case errors.Is(r.err, ErrTLSData):
		return Outcome{Kind: DataTLS, Err: r.err}
	case r.err != nil:
		// A data-connection error is 426; a disk error 451 or 452.
		return Fail(r.err)
	}
	return Outcome{Kind: Complete}
}

// runData opens the data connection, announces it with 150, secures it
// for PROT P, runs copy and closes the connection before the outcome, so
// 226 always follows the end of the data (RFC 959). The TLS handshake
// comes after the 150 because clients start it only once they see the 150.
// Runs on a worker.
func (t *Transfer) runData(ctx context.Context, p Progress, opening string, copy func(net.Conn) error) dataResult {
	d := t.Data
	if t.NoAccept && d.Passive != nil {
		return t.neverAccept(ctx) // fault.go
	}
	raw, err := d.open(ctx)
	if err != nil {
		return dataResult{aborted: ctx.Err() != nil, err: err}
	}
	p.Opened(opening)
	opened := time.Now()
	t.meterStart()
	// Cancelling closes the socket itself: closing a tls.Conn would try to
	// send an alert to a peer that may not be reading.
	stop := context.AfterFunc(ctx, func() { _ = raw.Close() })
	defer stop()
	conn := raw
	var tc *tls.Conn
	if d.TLS != nil {
		t.holdTLS(ctx) // fault.go
		if tc, err = ServeTLS(ctx, raw, d.TLS, d.Timeout); err != nil {
			t.Debug.Debug("data TLS handshake failed", "peer", raw.RemoteAddr(), "err", err)
			t.Metrics.HandshakeEnded(metrics.Data, metrics.HandshakeFailed, 0)
			return t.metered(dataResult{aborted: ctx.Err() != nil, opened: true, err: err}, opened)
		}
		t.meterHandshake(tc.ConnectionState())
		if d.Reuse && !tlsstate.Resumed(tc.ConnectionState()) {
			t.Debug.Debug("data TLS session not resumed", "peer", raw.RemoteAddr(), "version", tls.VersionName(tc.ConnectionState().Version))
			_ = raw.Close()
			return t.metered(dataResult{opened: true, err: ErrNoReuse}, opened)
		}
		conn = tc
	}
	conn = t.withFaults(ctx, conn, raw) // fault.go
	stall := watchStall(raw, &t.Moved, d.Idle)
	err = copy(conn)
	stall.stop()
	var cerr error
	if tc != nil && !errors.Is(err, errTLSSpoiled) {
		cerr = CloseTLS(tc, tlsCloseWait)
	} else {
		cerr = raw.Close()
	}
	if err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return t.metered(dataResult{aborted: ctx.Err() != nil, opened: true, err: err}, opened)
}
