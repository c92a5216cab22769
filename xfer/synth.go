package xfer

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"io/fs"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
	"github.com/ftpsd/ftpsd/internal/synth"
	"github.com/valyala/bytebufferpool"
)

// The synthetic tree and the sink (internal/synth) are a file system beside
// the rooted one, chosen by path prefix: Transfer.Run and FSJob.Run ask
// Synth.Lookup first, and a path under one of its mounts never reaches
// fsys. Nothing here touches the disk: downloads fill a pooled buffer from
// the generator and write it, uploads to the sink are compared with the
// generator and dropped.

// synthDenied answers every change to the synthetic tree or the sink other
// than an upload into the sink: both are read-only views (550).
var synthDenied = Fail(fsys.ErrReadOnly)

// synthNotExist is a path under a mount that names nothing there.
var synthNotExist = Fail(fsys.ErrNotFound)

// retrSynth sends a synthetic file from the REST offset. Runs on a worker.
func (t *Transfer) retrSynth(ctx context.Context, p Progress, n synth.Node) Outcome {
	switch {
	case n.Kind == synth.Dir || n.Kind == synth.SinkDir:
		return t.dropped(Fail(fsys.ErrIsDir))
	case n.Kind != synth.File:
		return t.dropped(synthNotExist)
	case t.Rest > n.Size:
		return t.dropped(Fail(fsys.ErrBadOffset))
	}
	src := synth.NewReader(t.Synth.Gen(n), t.Rest, n.Size)
	opening := "Opening " + modeName(t.ASCII) + " mode data connection for " + t.Path +
		" (" + strconv.FormatInt(n.Size, 10) + " bytes)."
	r := t.runData(ctx, p, opening, func(c net.Conn) error {
		_, err := sendSynth(c, src, t.ASCII, &t.Moved, NewThrottle(ctx, t.Rates[:]...))
		return err
	})
	o := r.outcome()
	t.logTransfer(r, ftplog.DirOutgoing, o.Kind)
	return o
}

// sendSynth copies a synthetic file to the data connection: the generator
// fills a pooled bulkSize buffer, which is written as it is. There is no
// file for sendfile to read, and filling costs less than the write. A TLS
// connection made by ServeTLS gets each buffer's records in one socket
// write, as sendTLS does for a file. TYPE A converts LF to CRLF as for a
// file. Runs on a worker.
func sendSynth(dst net.Conn, src io.Reader, ascii bool, n *atomic.Int64, th *Throttle) (int64, error) {
	if ascii {
		w, err := sendASCII(dst, src, n, th)
		return w, wrapCopy("send", err)
	}
	in := bigPool.Get().(*[]byte)
	defer bigPool.Put(in)
	var w io.Writer = dst
	if tc, ok := dst.(*tls.Conn); ok {
		if ec, ok := tc.NetConn().(*eofConn); ok {
			out := batchPool.Get().(*[]byte)
			defer batchPool.Put(out)
			w = &recordBatch{tc, ec, out}
		}
	}
	total, err := copyOut(w, src, (*in)[:th.chunkSize(bulkSize)], n, th)
	return total, wrapCopy("send", err)
}

// storeSink receives an upload into the sink: counted, compared with the
// synthetic content its name spells (from the REST offset) and dropped.
// Runs on a worker.
func (t *Transfer) storeSink(ctx context.Context, p Progress, n synth.Node) Outcome {
	switch {
	case n.Kind == synth.SinkDir:
		return t.dropped(Fail(fsys.ErrIsDir))
	case n.Kind != synth.SinkFile:
		return t.dropped(synthDenied)
	case t.Op == Appe && t.Rest > 0, n.Size >= 0 && t.Rest > n.Size:
		return t.dropped(Fail(fsys.ErrBadOffset))
	}
	var gen *synth.Gen
	if n.Size >= 0 {
		gen = t.Synth.Gen(n)
	}
	scratch := getBuf()
	defer putBuf(scratch)
	v := synth.NewVerifier(gen, t.Rest, n.Size, *scratch)
	opening := "Ok to send data."
	if t.Op == Stou {
		opening = "FILE: " + n.Name
	}
	r := t.runData(ctx, p, opening, func(c net.Conn) error {
		var err error
		th := NewThrottle(ctx, t.Rates[:]...)
		if t.ASCII {
			_, err = receiveASCII(v, c, &t.Moved, th)
		} else {
			_, err = receiveFilled(v, c, &t.Moved, th)
		}
		return wrapCopy("receive", err)
	})
	o := r.outcome()
	if o.Kind == Complete {
		o = sinkOutcome(v, n, t.Moved.Load())
		if t.Op == Stou && o.Kind == Verified {
			o.Name = n.Name
		}
	}
	t.logTransfer(r, ftplog.DirIncoming, o.Kind)
	return o
}

// sinkOutcome turns a finished upload's verdict into its outcome: 226 with
// what was checked, or 451 naming the first offset that went wrong. The
// text is built here from numbers and the name the client sent, never from
// an error. Runs on a worker.
func sinkOutcome(v *synth.Verifier, n synth.Node, moved int64) Outcome {
	verdict, at := v.Verdict()
	name := codec.ShownName(n.Name)
	off := strconv.FormatInt(at, 10)
	switch verdict {
	case synth.Match:
		return Outcome{Kind: Verified, Text: "Transfer complete: " + strconv.FormatInt(moved, 10) + " bytes match " + name + "."}
	case synth.Unchecked:
		return Outcome{Kind: Verified, Text: "Transfer complete: " + strconv.FormatInt(moved, 10) + " bytes counted and discarded."}
	case synth.Differs:
		return Outcome{Kind: Mismatch, Text: "Content differs from " + name + " at offset " + off + "."}
	case synth.Short:
		return Outcome{Kind: Mismatch, Text: "Upload ended at offset " + off + "; " + name + " has " + strconv.FormatInt(n.Size, 10) + " bytes."}
	}
	return Outcome{Kind: Mismatch, Text: "Upload longer than " + name + ": extra bytes from offset " + off + "."}
}

// listSynth sends the listing of a synthetic directory (or one file's
// line); the sink lists empty. Runs on a worker.
func (t *Transfer) listSynth(ctx context.Context, p Progress, n synth.Node) Outcome {
	if err := synthListable(n, t.List.Format); err != nil {
		return t.dropped(Fail(err))
	}
	opts := t.List
	opts.Now, opts.Perm = time.Now(), synthPerm
	return t.runData(ctx, p, "Here comes the directory listing.", func(c net.Conn) error {
		return writeSynthListing(c, t.Synth, n, t.Path, opts)
	}).outcome()
}

// synthListable says whether n can be listed in format.
func synthListable(n synth.Node, format ListFormat) error {
	switch n.Kind {
	case synth.Dir, synth.SinkDir:
		return nil
	case synth.File:
		if format == FormatMLSD {
			return ErrNotListable
		}
		return nil
	}
	return listErr(fsys.ErrNotFound)
}

// writeSynthListing writes the entries of a synthetic directory to w as
// WriteListing writes a real one's, made one at a time by synth.FS.List:
// tree/ and its directories are never held in memory. Runs on a worker.
func writeSynthListing(w io.Writer, sf *synth.FS, n synth.Node, vpath string, o ListOptions) error {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	l := lister{w: w, dir: vpath, o: o, buf: bytebufferpool.Get()}
	defer bytebufferpool.Put(l.buf)
	if n.Kind == synth.File {
		l.entry(n.Stat(), n.Name)
		return l.flush()
	}
	sf.List(n, func(fi fs.FileInfo) bool {
		l.entry(fi, fi.Name())
		return l.werr == nil
	})
	return l.flush()
}

// maxStatEntries bounds the synthetic directories STAT lists on the
// control channel, as sortLimit bounds what is held for a real one; LIST
// streams any of them.
const maxStatEntries = 10000

// synthPerm is the MLSx perm fact of synthetic entries, whoever lists
// them: they can be read, never changed.
func synthPerm(fi fs.FileInfo) string { return permReadOnly(fi) }

// dropped frees the transfer's passive listener and returns o, for a
// transfer refused before its data connection.
func (t *Transfer) dropped(o Outcome) Outcome {
	t.Data.drop()
	return o
}

// runSynth answers a transfer under a synthetic mount. Runs on a worker.
func (t *Transfer) runSynth(ctx context.Context, p Progress, n synth.Node) Outcome {
	switch t.Op {
	case Retr:
		return t.retrSynth(ctx, p, n)
	case List:
		return t.listSynth(ctx, p, n)
	}
	return t.storeSink(ctx, p, n)
}

// runSynth answers a file-system command under a synthetic mount. Only
// what reads is answered; every change is refused (550). Runs on a worker.
func (j *FSJob) runSynth(n synth.Node) Outcome {
	switch j.Op {
	case OpChdir, OpSize, OpModTime, OpFacts, OpStatus:
	default:
		return synthDenied
	}
	if n.Kind == synth.Missing {
		return synthNotExist
	}
	isDir := n.Kind == synth.Dir || n.Kind == synth.SinkDir
	switch j.Op {
	case OpChdir:
		switch {
		case isDir:
			return Outcome{Kind: DirChanged, Path: j.Path}
		case n.Kind == synth.File:
			return Outcome{Kind: NotDir}
		}
		return synthNotExist
	case OpSize:
		switch {
		case n.Kind == synth.File:
			return Outcome{Kind: Size, Size: n.Size}
		case isDir:
			return Outcome{Kind: NoSize}
		}
	case OpModTime:
		if n.Kind != synth.SinkFile {
			return Outcome{Kind: ModTime, Time: synth.ModTime}
		}
	case OpFacts:
		if n.Kind != synth.SinkFile {
			perm := synthPerm(n.Stat())
			if n.Kind == synth.SinkDir {
				perm = "cel" // uploads may be created there
			}
			line := append([]byte(" "), codec.AppendMLSx(nil, n.Stat(), j.Path, j.Facts, perm)...)
			return Outcome{Kind: Facts, Path: j.Path, Text: strings.TrimRight(string(line), "\r\n")}
		}
	case OpStatus:
		if err := synthListable(n, j.List.Format); err != nil {
			return Fail(err)
		}
		if j.Synth.Entries(n) > maxStatEntries {
			// The whole listing would be one reply held in memory.
			return Outcome{Kind: TooMany}
		}
		var buf bytes.Buffer
		opts := j.List
		opts.Perm = synthPerm
		if err := writeSynthListing(&buf, j.Synth, n, j.Path, opts); err != nil {
			return Fail(err)
		}
		text := strings.TrimRight(strings.ReplaceAll(buf.String(), "\r\n", "\n"), "\n")
		return Outcome{Kind: Status, Path: j.Path, Text: text}
	}
	return synthNotExist
}
