package loop

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/tlsstate"
	"github.com/ftpsd/ftpsd/xfer"
)

// dataSource is how a transfer gets its data connection: a passive
// listener taken from the session, or an active target to dial.
type dataSource struct {
	pasv    *xfer.Passive
	active  netip.AddrPort
	actLo   uint16 // the local port range of an active connection; 0: any
	actHi   uint16
	local   netip.Addr
	timeout time.Duration // to establish the connection
	idle    time.Duration // without progress, once established
	tls     *tls.Config   // PROT P: the session's data config; nil for clear data
	reuse   bool          // PROT P: refuse a data connection that did not resume the session
}

// errNoReuse: a PROT P data connection did a full handshake instead of
// resuming its control connection's session, so nothing ties it to the
// client that owns the session (522, as vsftpd and ProFTPD answer).
var errNoReuse = errors.New("loop: data connection did not resume the TLS session")

// tlsCloseWait bounds waiting for the client's close_notify on a PROT P
// data connection.
const tlsCloseWait = 5 * time.Second

// takeData hands the session's PASV/PORT setting to one transfer: each
// setting serves one transfer only (RFC 959).
func (s *Session) takeData() (dataSource, Reply) {
	cfg := &s.srv.cfg
	d := dataSource{pasv: s.pasv, active: s.active, local: s.local.Addr(), timeout: cfg.dataTimeout(), idle: cfg.dataIdleTimeout(),
		tls: s.dataConfig(), reuse: !s.host.AllowDataWithoutReuse, actLo: s.host.ActiveMin, actHi: s.host.ActiveMax}
	if d.pasv == nil && !d.active.IsValid() {
		return d, Reply{codec.CodeCantOpenData, "Use PORT or PASV first."}
	}
	s.pasv, s.active = nil, netip.AddrPort{}
	return d, Reply{}
}

// open waits for or dials the data connection; cancelling ctx (ABOR, the
// session closing) stops the wait.
func (d dataSource) open(ctx context.Context) (net.Conn, error) {
	if d.pasv != nil {
		stop := context.AfterFunc(ctx, func() { _ = d.pasv.Close() })
		defer stop()
		return d.pasv.Accept(time.Now().Add(d.timeout))
	}
	return xfer.Dial(ctx, d.local, d.actLo, d.actHi, d.active, d.timeout)
}

func (d dataSource) close() {
	if d.pasv != nil {
		_ = d.pasv.Close()
	}
}

// transferParams is what a transfer job copies from the session before it
// leaves the loop: the worker must not read session fields.
type transferParams struct {
	path  string
	fs    *fsys.FS
	ascii bool
	rest  int64
	data  dataSource
	log   *ftplog.Logger
	rec   ftplog.Transfer // the transfer-log record, filled as far as the loop knows
	acc   *access         // the authorization check (Session.acc), of verb on path
	verb  string
	rates [2]*rate.Limiter // the session's and the server's bandwidth (limits.go)
}

// startTransfer runs fn as a transfer job once the authorization check
// passed on the worker; when it refuses, the data connection is dropped
// and the error answers the command.
func (s *Session) startTransfer(p *transferParams, fn jobFunc) Reply {
	return s.start(true, func(j *job) delayed {
		if err := p.acc.check(p.verb, p.path); err != nil {
			p.data.close()
			return fromReply(fsReply(err))
		}
		return fn(j)
	})
}

func (s *Session) params(arg []byte) (transferParams, Reply) {
	d, r := s.takeData()
	p := transferParams{path: codec.Join(s.cwd, string(arg)), fs: s.fs, ascii: s.ascii, rest: s.rest, data: d,
		log: s.host.Log, acc: s.acc, verb: s.verb}
	p.rates[0], p.rates[1] = s.rates()
	if p.log.Wants(ftplog.Transfers) {
		p.rec = s.transferRecord(p.path)
		p.rec.ASCII, p.rec.Secure = p.ascii, d.tls != nil
	}
	s.rest = 0
	return p, r
}

// transferRecord starts a transfer-log record with what the session knows.
func (s *Session) transferRecord(path string) ftplog.Transfer {
	user := s.ident.User
	if s.ident.Anonymous && s.ident.Password != "" {
		user = s.ident.Password // xferlog: the e-mail an anonymous user gave
	}
	return ftplog.Transfer{Peer: s.peer, Local: s.local, Path: path, Anonymous: s.ident.Anonymous,
		User: user, ServerName: s.host.ServerName}
}

// logTransfer writes the transfer-log line of a transfer whose data
// connection was opened; it runs on the worker (Logger never blocks).
func (p *transferParams) logTransfer(j *job, dir byte, d delayed) {
	if !j.opened || !p.log.Wants(ftplog.Transfers) {
		return
	}
	r := &p.rec
	r.Start, r.Duration, r.Bytes, r.Direction = j.started, time.Since(j.started), j.bytes.Load(), dir
	r.Status, r.Complete = int(d.code), d.code == codec.CodeTransferComplete
	p.log.Transfer(r)
}

func modeName(ascii bool) string {
	if ascii {
		return "ASCII"
	}
	return "BINARY"
}

var (
	replyAborted  = done(codec.CodeTransferAborted, "Connection closed; transfer aborted.")
	replyNoData   = done(codec.CodeCantOpenData, "Can't open data connection.")
	replyComplete = done(codec.CodeTransferComplete, "Transfer complete.")
)

// runData opens the data connection, announces it with 150, secures it
// for PROT P, runs copy and closes the connection before the final reply,
// so 226 always follows the end of the data (RFC 959). The TLS handshake
// comes after the 150 because clients start it only once they see the 150.
func runData(j *job, d dataSource, opening string, copy func(net.Conn) error) (aborted bool, err error, opened bool) {
	raw, err := d.open(j.ctx)
	if err != nil {
		return j.ctx.Err() != nil, err, false
	}
	j.prelim(codec.CodeFileStatusOK, opening)
	j.opened = true
	// Cancelling closes the socket itself: closing a tls.Conn would try to
	// send an alert to a peer that may not be reading.
	stop := context.AfterFunc(j.ctx, func() { _ = raw.Close() })
	defer stop()
	conn := raw
	var tc *tls.Conn
	if d.tls != nil {
		if tc, err = xfer.ServeTLS(j.ctx, raw, d.tls, d.timeout); err != nil {
			j.log.Debug("data TLS handshake failed", "peer", raw.RemoteAddr(), "err", err)
			return j.ctx.Err() != nil, err, true
		}
		if d.reuse && !tlsstate.Resumed(tc.ConnectionState()) {
			j.log.Debug("data TLS session not resumed", "peer", raw.RemoteAddr(), "version", tls.VersionName(tc.ConnectionState().Version))
			_ = raw.Close()
			return false, errNoReuse, true
		}
		conn = tc
	}
	stall := watchStall(raw, &j.bytes, d.idle)
	err = copy(conn)
	stall.stop()
	var cerr error
	if tc != nil {
		cerr = xfer.CloseTLS(tc, tlsCloseWait)
	} else {
		cerr = raw.Close()
	}
	if err == nil && cerr != nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return j.ctx.Err() != nil, err, true
}

// transferResult picks the final reply of a transfer.
func transferResult(aborted bool, err error, opened bool) delayed {
	switch {
	case aborted:
		return replyAborted
	case !opened:
		return replyNoData
	case errors.Is(err, errNoReuse):
		return done(codec.CodeNetProtoUnsupported, "TLS session of data connection not resumed: session reuse required.")
	case errors.Is(err, xfer.ErrTLSData):
		return done(codec.CodeCantOpenData, "TLS handshake on the data connection failed.")
	case err != nil:
		// A data-connection error is 426; a disk error 451 or 452.
		return fromReply(fsReply(err))
	}
	return replyComplete
}

// RETR sends a file, from the REST offset if one was set.
func cmdRETR(s *Session, arg []byte) Reply {
	p, r := s.params(arg)
	if r.Code != 0 {
		return r
	}
	return s.startTransfer(&p, func(j *job) delayed {
		f, err := p.fs.Open(p.path)
		if err != nil {
			p.data.close()
			return fromReply(fsReply(err))
		}
		defer f.Close()
		size := int64(-1)
		if fi, err := f.Stat(); err == nil {
			size = fi.Size()
		}
		if p.rest > 0 {
			if _, err := f.Seek(p.rest, 0); err != nil {
				p.data.close()
				return fromReply(fsReply(err))
			}
		}
		opening := "Opening " + modeName(p.ascii) + " mode data connection for " + p.path
		if size >= 0 {
			opening += " (" + strconv.FormatInt(size, 10) + " bytes)"
		}
		d := transferResult(runData(j, p.data, opening+".", func(c net.Conn) error {
			_, err := xfer.Send(c, f, p.ascii, &j.bytes, xfer.NewThrottle(j.ctx, p.rates[:]...))
			return err
		}))
		p.logTransfer(j, ftplog.DirOutgoing, d)
		return d
	})
}

// STOR stores a file; with a REST offset it resumes an existing one.
func cmdSTOR(s *Session, arg []byte) Reply {
	mode := fsys.UploadReplace
	if s.rest > 0 {
		mode = fsys.UploadResume
	}
	return s.store(arg, mode)
}

// APPE appends to a file, creating it if needed.
func cmdAPPE(s *Session, arg []byte) Reply { return s.store(arg, fsys.UploadAppend) }

// STOU stores under a name the server makes unique (RFC 959, RFC 1123 §4.1.2.9).
func cmdSTOU(s *Session, arg []byte) Reply {
	if len(arg) == 0 {
		arg = []byte("ftpsd")
	}
	return s.store(arg, fsys.UploadUnique)
}

func (s *Session) store(arg []byte, mode fsys.UploadMode) Reply {
	p, r := s.params(arg)
	if r.Code != 0 {
		return r
	}
	return s.startTransfer(&p, func(j *job) delayed {
		up, err := p.fs.CreateUpload(p.path, mode, p.rest)
		if err != nil {
			p.data.close()
			return fromReply(fsReply(err))
		}
		opening := "Ok to send data."
		if mode == fsys.UploadUnique {
			opening = "FILE: " + up.Name
		}
		aborted, err, opened := runData(j, p.data, opening, func(c net.Conn) error {
			_, err := xfer.Receive(up.File, c, p.ascii, &j.bytes, xfer.NewThrottle(j.ctx, p.rates[:]...))
			return err
		})
		p.rec.Path = up.Name
		d := storeResult(up, mode, aborted, err, opened)
		p.logTransfer(j, ftplog.DirIncoming, d)
		return d
	})
}

// storeResult commits a complete upload, or removes what a failed one
// left, and picks the final reply.
func storeResult(up *fsys.Upload, mode fsys.UploadMode, aborted bool, err error, opened bool) delayed {
	if aborted || err != nil || !opened {
		_ = up.Abort()
		return transferResult(aborted, err, opened)
	}
	if err := up.Commit(); err != nil {
		return fromReply(fsReply(err))
	}
	if mode == fsys.UploadUnique {
		return done(codec.CodeTransferComplete, "Transfer complete, stored as "+up.Name+".")
	}
	return replyComplete
}

// LIST sends an `ls -l` style listing. Options such as -a and -l, which
// clients send out of habit, are accepted; -a shows dot files.
func cmdLIST(s *Session, arg []byte) Reply {
	if s.host.Options.LISTIsNLST {
		return s.listing(arg, xfer.FormatNLST)
	}
	return s.listing(arg, xfer.FormatList)
}

// NLST sends names only.
func cmdNLST(s *Session, arg []byte) Reply {
	if s.host.Options.NLSTIsLIST {
		return s.listing(arg, xfer.FormatList)
	}
	return s.listing(arg, xfer.FormatNLST)
}

// MLSD sends RFC 3659 machine-readable facts for each entry.
func cmdMLSD(s *Session, arg []byte) Reply {
	return s.listing(arg, xfer.FormatMLSD)
}

func (s *Session) listing(arg []byte, format xfer.ListFormat) Reply {
	showHidden := format == xfer.FormatMLSD
	if format != xfer.FormatMLSD {
		var flags string
		arg, flags = splitListFlags(arg)
		showHidden = strings.ContainsRune(flags, 'a')
	}
	p, r := s.params(arg)
	if r.Code != 0 {
		return r
	}
	opts := xfer.ListOptions{Format: format, Facts: s.facts, Perm: s.permFunc(), ShowHidden: showHidden,
		NLSTFilesOnly: s.host.Options.NLSTHideDirs, NoIDs: s.host.Options.RemoveUserGroup}
	return s.startTransfer(&p, func(j *job) delayed {
		fi, err := p.fs.Stat(p.path)
		if err != nil {
			p.data.close()
			return fromReply(fsReply(err))
		}
		if format == xfer.FormatMLSD && !fi.IsDir() {
			p.data.close()
			return done(codec.CodeFileUnavailable, "Not a directory.")
		}
		opts.Now = time.Now()
		return transferResult(runData(j, p.data, "Here comes the directory listing.", func(c net.Conn) error {
			return xfer.WriteListing(c, p.fs, p.path, opts)
		}))
	})
}

// splitListFlags separates leading "-la"-style options from a LIST path.
func splitListFlags(arg []byte) (path []byte, flags string) {
	for len(arg) > 0 && arg[0] == '-' {
		end := 0
		for end < len(arg) && arg[end] != ' ' {
			end++
		}
		flags += string(arg[1:end])
		for end < len(arg) && arg[end] == ' ' {
			end++
		}
		arg = arg[end:]
	}
	return arg, flags
}

// stallWatch closes a data connection whose byte count stopped moving: a
// client that stops reading (or sending) would otherwise hold a worker for
// ever, since the idle sweep leaves busy sessions alone. It is a timer
// that re-arms itself, so a transfer costs no extra goroutine.
type stallWatch struct {
	mu      sync.Mutex
	t       *time.Timer
	last    int64
	stopped bool
}

func watchStall(c net.Conn, n *atomic.Int64, every time.Duration) *stallWatch {
	w := &stallWatch{last: -1}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.t = time.AfterFunc(every, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.stopped {
			return
		}
		if cur := n.Load(); cur != w.last {
			w.last = cur
			w.t.Reset(every)
			return
		}
		_ = c.Close()
	})
	return w
}

func (w *stallWatch) stop() {
	w.mu.Lock()
	w.stopped = true
	w.t.Stop()
	w.mu.Unlock()
}
