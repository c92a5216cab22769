package codec

import (
	"bytes"
	"strconv"
)

// DefaultMaxLine is the longest command line a zero Framer accepts,
// excluding the line end. RFC 959 sets no limit; paths make the longest
// lines, and PATH_MAX on Linux is 4096.
const DefaultMaxLine = 4096

// Event says what Framer.Next found.
type Event uint8

const (
	// NeedMore: buf holds no complete line. Read more input; n bytes of buf
	// may still have been consumed while discarding an over-long line.
	NeedMore Event = iota
	// Line: a complete line was found.
	Line
	// TooLong: a line exceeded Max; reported once per line.
	TooLong
)

// String returns the event's name.
func (e Event) String() string {
	switch e {
	case NeedMore:
		return "NeedMore"
	case Line:
		return "Line"
	case TooLong:
		return "TooLong"
	}
	return "Event(" + strconv.Itoa(int(e)) + ")"
}

// Framer finds command lines in the byte stream of a control connection.
// The zero value is ready to use. A Framer belongs to one connection and is
// not safe for concurrent use.
//
// The caller keeps the unconsumed input in one buffer, calls Next on it,
// drops the n bytes Next consumed, handles the event, and calls Next again
// until it returns NeedMore:
//
//	for {
//		line, n, ev := f.Next(in)
//		... use line before changing in ...
//		in = in[n:]
//		if ev == NeedMore {
//			break
//		}
//	}
//
// The buffer never has to hold more than Max+1 bytes of a line: beyond that
// Next reports TooLong and consumes the bytes.
type Framer struct {
	// Max is the longest line accepted, excluding its line end. Zero or
	// less means DefaultMaxLine.
	Max int

	discarding bool        // inside an over-long line already reported
	tel        telnetState // Telnet state at the start of the next input while discarding
}

func (f *Framer) max() int {
	if f.Max <= 0 {
		return DefaultMaxLine
	}
	return f.Max
}

// Next looks at buf, the unconsumed input, and returns exactly one of:
//
//   - Line: line is the first line without its line end. "\r\n" and a bare
//     "\n" both end a line; a '\r' right before the '\n' is dropped, any other
//     '\r' stays in the line. Telnet sequences are removed in place (see
//     StripTelnet), so line aliases buf and is valid until the caller reuses
//     those bytes. n counts the bytes consumed including the '\n'. A '\n'
//     that is the option byte of IAC WILL/WONT/DO/DONT does not end a line.
//   - TooLong: the current line is longer than Max. n bytes are consumed now;
//     if the line's end was not in buf, the Framer keeps discarding silently
//     (NeedMore with n > 0) up to and including the '\n' that ends it, then
//     frames normally again.
//   - NeedMore: buf holds no complete line. n may be above zero while an
//     over-long line is being discarded.
//
// After the end of a discarded line Next goes on in the same call, so
// NeedMore always means that the rest of buf holds no complete line.
// When buf holds no line end and more than Max bytes, Next reports TooLong,
// except for exactly Max bytes followed by a '\r', which is a good line if
// '\n' comes next: so the caller must be able to hold Max+1 bytes plus what
// one read adds, and no more.
// Next does not allocate.
func (f *Framer) Next(buf []byte) (line []byte, n int, ev Event) {
	if f.discarding {
		i, st := scanLF(buf, f.tel)
		if i < 0 {
			f.tel = st
			return nil, len(buf), NeedMore
		}
		f.discarding, f.tel = false, telData
		line, n, ev = f.frame(buf[i+1:])
		return line, n + i + 1, ev
	}
	return f.frame(buf)
}

// frame handles buf starting at the beginning of a line.
func (f *Framer) frame(buf []byte) (line []byte, n int, ev Event) {
	max := f.max()
	win := buf
	if len(win) > max+2 {
		// Max bytes, a '\r' and the '\n' at most: a line end further on
		// belongs to an over-long line, so there is no need to look there.
		win = win[:max+2]
	}
	i, st := scanLF(win, telData)
	if i < 0 {
		if len(buf) <= max || len(buf) == max+1 && buf[max] == '\r' {
			// Max bytes and a '\r' may still be a good line if '\n' comes next.
			return nil, 0, NeedMore
		}
		// The line is too long. Consume as far as buf goes, through the
		// line's end if it is in buf.
		j, st := scanLF(buf[len(win):], st)
		if j >= 0 {
			return nil, len(win) + j + 1, TooLong
		}
		f.discarding, f.tel = true, st
		return nil, len(buf), TooLong
	}
	end := i
	if end > 0 && buf[end-1] == '\r' {
		end--
	}
	if end > max {
		return nil, i + 1, TooLong
	}
	return StripTelnet(buf[:end]), i + 1, Line
}

// scanLF returns the index of the first '\n' in b that ends a line, given
// the Telnet state at b[0], or -1 and the Telnet state after b.
func scanLF(b []byte, st telnetState) (int, telnetState) {
	if st == telData {
		// The common case: no IAC before the line end, so no Telnet state
		// to follow and IndexByte finds the answer.
		i := bytes.IndexByte(b, '\n')
		head := b
		if i >= 0 {
			head = b[:i]
		}
		if bytes.IndexByte(head, telnetIAC) < 0 {
			return i, telData
		}
	}
	for i, c := range b {
		if c == '\n' && st != telOption {
			return i, telData
		}
		st, _ = st.step(c)
	}
	return -1, st
}

// Reset forgets any over-long line being discarded, for a new connection or
// after CCC hands the rest of the stream back. Max is kept.
func (f *Framer) Reset() {
	f.discarding, f.tel = false, telData
}
