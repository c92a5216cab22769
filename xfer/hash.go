package xfer

import (
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/ftpsd/ftpsd/internal/synth"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/time/rate"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// errHashChanged: the file changed size while it was being hashed.
var errHashChanged = errors.New("xfer: file changed while hashing")

// HashJob computes the digest of a file, or of a byte range of it, for
// HASH (draft-bryan-ftpext-hash-02) and the checksum commands of ProFTPD's
// mod_digest (XCRC, XMD5, XSHA1, XSHA256, XSHA512). It reads the file as
// RETR would send it in TYPE I, through the same Authorizer check, and
// paces its reads with the session's and the server's transfer rate limits,
// so hashing costs the disk no more than a download would. Digests are
// kept in Cache under the file's identity and state.
type HashJob struct {
	FS     *fsys.FS
	Path   string  // the virtual path, joined to the working directory
	Name   string  // the path as the client wrote it: HASH's reply repeats it
	Access *Access // nil: no Authorizer

	Algo codec.HashAlgo
	// Draft selects HASH's reply (213 with the function, the range, the
	// digest in lower case and the path) and refusals (553 for what is not
	// a file, 556 over MaxBytes); otherwise the X* commands' (250 with the
	// digest in upper case; 550).
	Draft bool
	// Ranged hashes the bytes [Start, End) only; End beyond the end of
	// the file answers HashRange.
	Ranged     bool
	Start, End int64
	// MaxBytes bounds the bytes one request hashes; zero or less: no bound.
	MaxBytes int64
	// Rates are the limiters a download of the session would wait on.
	Rates [2]*rate.Limiter
	Cache *HashCache
	// Synth is the synthetic tree and the sink: a path under them is
	// hashed from its generator (hash_synth.go). Nil: none.
	Synth *synth.FS

	// open opens the file; nil is FS.Open. Tests count the opens with it.
	open func(vpath string) (*os.File, error)
}

// Run hashes the file. Runs on a worker.
func (j *HashJob) Run(ctx context.Context, _ Progress) Outcome {
	// The read permission of RETR: whoever may download a file may learn
	// its digest, and nobody else.
	if err := j.Access.Check("RETR", j.Path); err != nil {
		return Fail(err)
	}
	if n := j.Synth.Lookup(j.Path); n.Kind != synth.NotMine {
		return j.hashSynth(ctx, n)
	}
	fi, err := j.FS.Stat(j.Path)
	if err != nil {
		return Fail(err)
	}
	start, end, refused := j.bounds(fi)
	if refused.Kind != LocalError {
		return refused
	}
	key, keyed := keyOf(fi, j.Algo, start, end)
	if keyed {
		if sum, ok := j.Cache.get(key); ok {
			return j.reply(sum, start, end)
		}
	}
	var r hashResult
	if keyed {
		r = j.Cache.once(ctx, key, func() hashResult { return j.compute(ctx) })
	} else {
		r = j.compute(ctx)
	}
	if !r.ok {
		return r.refused
	}
	return j.reply(r.sum, r.start, r.end)
}

// compute opens the file, hashes the range and stores the digest. Runs on
// a worker.
func (j *HashJob) compute(ctx context.Context) hashResult {
	open := j.open
	if open == nil {
		open = j.FS.Open
	}
	f, err := open(j.Path)
	if err != nil {
		return hashResult{refused: Fail(err)}
	}
	defer f.Close()
	// What was opened may not be what Stat saw (a rename in between):
	// the checks and the key are made again on the open file.
	fi, err := f.Stat()
	if err != nil {
		return hashResult{refused: Fail(err)}
	}
	start, end, refused := j.bounds(fi)
	if refused.Kind != LocalError {
		return hashResult{refused: refused}
	}
	key, keyed := keyOf(fi, j.Algo, start, end)
	sum, err := j.digest(ctx, f, start, end)
	if err != nil {
		return hashResult{refused: Fail(err)}
	}
	// Stored only when the file did not change while it was read, so a
	// digest of half-written content is never served again.
	if after, err := f.Stat(); err == nil && keyed {
		if k, ok := keyOf(after, j.Algo, start, end); ok && k == key {
			j.Cache.add(key, sum)
		}
	}
	return hashResult{sum: sum, start: start, end: end, ok: true}
}

// bounds returns the range to hash in the file fi describes, or the
// outcome that refuses the request (Kind LocalError when there is none).
// Runs on a worker.
func (j *HashJob) bounds(fi os.FileInfo) (start, end int64, refused Outcome) {
	switch {
	case fi.Mode().IsRegular():
	case j.Draft:
		return 0, 0, Outcome{Kind: NotHashable}
	case fi.IsDir():
		return 0, 0, Outcome{Kind: IsDir}
	default:
		return 0, 0, Outcome{Kind: NotRegular}
	}
	start, end = 0, fi.Size()
	if j.Ranged {
		if j.End > end {
			return 0, 0, Outcome{Kind: HashRange}
		}
		start, end = j.Start, j.End
	}
	if j.MaxBytes > 0 && end-start > j.MaxBytes {
		if j.Draft {
			return 0, 0, Outcome{Kind: HashTooBig}
		}
		return 0, 0, Outcome{Kind: Denied}
	}
	return start, end, Outcome{}
}

// digest reads [start, end) of f through the throttle and returns its
// digest in lower-case hex. Runs on a worker.
func (j *HashJob) digest(ctx context.Context, f io.ReaderAt, start, end int64) (string, error) {
	h := newHash(j.Algo)
	th := NewThrottle(ctx, j.Rates[0], j.Rates[1])
	bp := getBuf()
	defer putBuf(bp)
	buf := (*bp)[:th.chunkSize(bufSize)]
	r := io.NewSectionReader(f, start, end-start)
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return "", connErr(err) // ABOR never reaches here; the session closing does
		}
		n, rerr := r.Read(buf)
		h.Write(buf[:n]) // a hash.Hash never fails to write
		total += int64(n)
		if err := th.wait(n); err != nil {
			return "", err
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return "", fmt.Errorf("xfer: hash %s: %w", j.Path, rerr)
		}
	}
	if total != end-start {
		return "", errHashChanged // the file shrank under the reader
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// reply is the outcome of a digest: for HASH, the draft's reply line, the
// range's end inclusive (0-99 for 100 bytes; 0-0 for an empty file); for
// the X* commands the digest in upper case, as mod_digest answers. Both
// come after the line mod_digest writes first ("Computing … digest").
func (j *HashJob) reply(sum string, start, end int64) Outcome {
	var b strings.Builder
	b.WriteString("Computing ")
	b.WriteString(j.Algo.String())
	b.WriteString(" digest\n")
	if !j.Draft {
		b.WriteString(strings.ToUpper(sum))
		return Outcome{Kind: XHashed, Path: j.Path, Text: b.String()}
	}
	last := max(end-1, start)
	b.WriteString(j.Algo.String())
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(start, 10))
	b.WriteByte('-')
	b.WriteString(strconv.FormatInt(last, 10))
	b.WriteByte(' ')
	b.WriteString(sum)
	b.WriteByte(' ')
	b.WriteString(j.Name)
	return Outcome{Kind: Hashed, Path: j.Path, Text: b.String()}
}

// newHash returns a fresh hash of the function a.
func newHash(a codec.HashAlgo) hash.Hash {
	switch a {
	case codec.HashSHA512:
		return sha512.New()
	case codec.HashSHA1:
		return sha1.New()
	case codec.HashMD5:
		return md5.New()
	case codec.HashCRC32:
		return crc32.NewIEEE()
	default:
		return sha256.New()
	}
}
