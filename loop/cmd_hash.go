package loop

import (
	"bytes"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/xfer"
)

// DefaultHashCacheEntries is Limits.HashCacheEntries' default: digests
// of a few thousand files (a few hundred bytes each) for a mirror's
// popular ones.
const DefaultHashCacheEntries = 4096

func (l *Limits) hashCacheEntries() int {
	return orNone(l.HashCacheEntries, DefaultHashCacheEntries)
}

// hashMaxBytes is Limits.HashMaxBytes, zero (no bound) when negative.
func (l *Limits) hashMaxBytes() int64 { return max(l.HashMaxBytes, 0) }

// hashJob builds the job of a checksum command on path, as the client
// wrote it (HASH's reply repeats it). The worker that runs it must not
// read session fields: it gets the session's view, Authorizer and
// transfer rate limits here, so hashing is paced as the session's
// downloads are.
func (s *Session) hashJob(algo codec.HashAlgo, draft bool, path []byte) *xfer.HashJob {
	j := &xfer.HashJob{FS: s.fs, Path: codec.Join(s.cwd, string(path)), Name: string(path), Access: s.acc,
		Algo: algo, Draft: draft, MaxBytes: s.srv.cfg.hashMaxBytes(), Cache: s.srv.hashes, Synth: s.srv.cfg.Synth}
	j.Rates[0], j.Rates[1] = s.rates()
	return j
}

// HASH answers the digest of a whole file with the session's function
// (draft-bryan-ftpext-hash-02 §3). It runs as a file-system job: commands
// sent meanwhile wait for its reply, ABOR included, since there is no data
// connection to abort; closing the connection stops it. The draft's
// partial hashes need RANG (draft-bryan-ftp-range), which would change
// what RETR and STOR send too: ftpsd does not implement it, so HASH
// hashes the whole file; the X* commands take a range.
func cmdHASH(s *Session, arg []byte) Reply {
	path, err := codec.ParseHashPath(arg)
	if err != nil {
		return Reply{codec.CodeArgSyntax, "Syntax: HASH pathname."}
	}
	return s.startJob(false, nil, s.hashJob(s.hashAlgo, true, path))
}

// xhash returns the handler of one of mod_digest's checksum commands
// (XCRC, XMD5, XSHA1, XSHA256, XSHA512): the digest with algo of a file,
// or of the bytes [start, end) of it.
func xhash(algo codec.HashAlgo) func(*Session, []byte) Reply {
	return func(s *Session, arg []byte) Reply {
		a, err := codec.ParseXHash(arg)
		if err != nil {
			return Reply{codec.CodeArgSyntax, "Syntax: " + s.verb + " pathname [start end]."}
		}
		j := s.hashJob(algo, false, a.Path)
		j.Ranged, j.Start, j.End = a.Ranged, a.Start, a.End
		return s.startJob(false, nil, j)
	}
}

// xhashSyntax is the HELP text of an X* checksum command.
func xhashSyntax(verb string) string {
	return verb + " <sp> pathname [<sp> start <sp> end]"
}

// xhashFeat is the FEAT line of an X* checksum command, as mod_digest
// announces it.
func xhashFeat(verb string) string { return verb + " filename;start;end" }

// featHASH is HASH's FEAT line: every function, the session's marked.
func featHASH(s *Session) string {
	return "HASH " + string(codec.AppendFeatHash(nil, s.hashAlgo))
}

// optsHASH answers OPTS HASH: without a name the session's function, with
// one it selects it for this session until REIN (the draft's §3.2).
func optsHASH(s *Session, val []byte) Reply {
	switch {
	case len(val) == 0:
		return Reply{codec.CodeOK, s.hashAlgo.String()}
	case bytes.IndexByte(val, ' ') >= 0:
		return Reply{codec.CodeArgSyntax, "OPTS HASH: wrong number of parameters."}
	}
	a, ok := codec.ParseHashAlgo(val)
	if !ok {
		return Reply{codec.CodeArgSyntax, "Unknown algorithm, current selection not changed."}
	}
	s.hashAlgo = a
	return Reply{codec.CodeOK, a.String()}
}
