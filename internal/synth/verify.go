package synth

import "io"

// Reader reads a synthetic file from an offset to its end. Each Read fills
// the caller's buffer straight from the generator: no copy.
type Reader struct {
	g        *Gen
	off, end int64
}

// NewReader reads the stream of g from off (REST) to size.
func NewReader(g *Gen, off, size int64) *Reader { return &Reader{g: g, off: off, end: size} }

func (r *Reader) Read(p []byte) (int, error) {
	if r.off >= r.end {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.end-r.off))
	r.g.Fill(p[:n], r.off)
	r.off += int64(n)
	return n, nil
}

// ReaderAt is a synthetic file as an io.ReaderAt (io.NewSectionReader,
// HASH of a range): reads at any offset, io.EOF at its size.
type ReaderAt struct {
	g    *Gen
	size int64
}

// NewReaderAt reads the stream of g, size bytes long, at any offset.
func NewReaderAt(g *Gen, size int64) ReaderAt { return ReaderAt{g: g, size: size} }

func (r ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off >= r.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.size-off))
	r.g.Fill(p[:n], off)
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Verdict is how an upload compared with the synthetic content its name
// spells.
type Verdict uint8

const (
	Match     Verdict = iota // every byte matched and the length is right
	Differs                  // a byte differs, at Offset
	Short                    // the upload ended at Offset, before the size
	Long                     // the upload went on past the size, which is Offset
	Unchecked                // the name spells no size: counted only
)

// Verifier is an io.Writer that compares what is written with a synthetic
// file from an offset (REST) and remembers the first offset that differs.
// It accepts and discards every byte whatever it finds, so the upload runs
// to its end and the client gets the verdict in the final reply. Used by
// one worker at a time.
type Verifier struct {
	g       *Gen // nil: Unchecked
	off     int64
	size    int64
	bad     int64 // first offset that differs; -1 none
	long    bool
	scratch []byte
}

// NewVerifier checks a stream that should be g's bytes from off to size,
// comparing through scratch (any length above zero; BlockSize is best). A
// nil g only counts.
func NewVerifier(g *Gen, off, size int64, scratch []byte) *Verifier {
	return &Verifier{g: g, off: off, size: size, bad: -1, scratch: scratch}
}

func (v *Verifier) Write(b []byte) (int, error) {
	n := len(b)
	if v.g != nil && v.bad < 0 && !v.long {
		in := b
		if rest := v.size - v.off; int64(len(in)) > rest {
			in = in[:max(rest, 0)]
			v.long = true
		}
		if i := v.g.Mismatch(in, v.off, v.scratch); i >= 0 {
			v.bad, v.long = v.off+int64(i), false
		}
	}
	v.off += int64(n)
	return n, nil
}

// Verdict says how the stream compared once it ended, and at which offset
// it went wrong (for Differs, Short and Long).
func (v *Verifier) Verdict() (Verdict, int64) {
	switch {
	case v.g == nil:
		return Unchecked, v.off
	case v.bad >= 0:
		return Differs, v.bad
	case v.long:
		return Long, v.size
	case v.off < v.size:
		return Short, v.off
	}
	return Match, v.off
}
