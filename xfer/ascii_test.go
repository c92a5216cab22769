package xfer

import (
	"bytes"
	"testing"
)

// encodeSplit runs the encoder over src cut at the given offsets.
func encodeSplit(src []byte, cuts ...int) []byte {
	var e CRLFEncoder
	var out []byte
	prev := 0
	for _, c := range append(cuts, len(src)) {
		out = e.Append(out, src[prev:c])
		prev = c
	}
	return out
}

func decodeSplit(src []byte, cuts ...int) []byte {
	var d CRLFDecoder
	var out []byte
	prev := 0
	for _, c := range append(cuts, len(src)) {
		out = d.Append(out, src[prev:c])
		prev = c
	}
	return d.Flush(out)
}

var encodeCases = []struct{ name, in, want string }{
	{"empty", "", ""},
	{"no newline", "abc", "abc"},
	{"one line", "a\n", "a\r\n"},
	{"leading LF", "\nx", "\r\nx"},
	{"blank lines", "\n\n", "\r\n\r\n"},
	{"already CRLF", "a\r\nb\r\n", "a\r\nb\r\n"},
	{"mixed", "a\nb\r\nc\n", "a\r\nb\r\nc\r\n"},
	{"lone CR kept", "a\rb\n", "a\rb\r\n"},
	{"CR CR LF", "\r\r\n", "\r\r\n"},
	{"trailing CR", "a\r", "a\r"},
}

var decodeCases = []struct{ name, in, want string }{
	{"empty", "", ""},
	{"no newline", "abc", "abc"},
	{"one line", "a\r\n", "a\n"},
	{"bare LF kept", "a\nb", "a\nb"},
	{"lone CR kept", "a\rb", "a\rb"},
	{"trailing CR kept", "a\r", "a\r"},
	{"only CR", "\r", "\r"},
	{"CR CR LF", "a\r\r\nb", "a\r\nb"},
	{"CR LF LF", "\r\n\n", "\n\n"},
	{"many lines", "x\r\ny\r\nz\r\n", "x\ny\nz\n"},
	{"CR run", "\r\r\r", "\r\r\r"},
}

func TestCRLFEncoder(t *testing.T) {
	for _, tt := range encodeCases {
		t.Run(tt.name, func(t *testing.T) {
			// Every way of cutting the input in two or three pieces, so a CR
			// ends a chunk and its LF starts the next.
			for i := 0; i <= len(tt.in); i++ {
				for j := i; j <= len(tt.in); j++ {
					if got := encodeSplit([]byte(tt.in), i, j); string(got) != tt.want {
						t.Fatalf("cut at %d,%d: got %q, want %q", i, j, got, tt.want)
					}
				}
			}
		})
	}
}

func TestCRLFDecoder(t *testing.T) {
	for _, tt := range decodeCases {
		t.Run(tt.name, func(t *testing.T) {
			for i := 0; i <= len(tt.in); i++ {
				for j := i; j <= len(tt.in); j++ {
					if got := decodeSplit([]byte(tt.in), i, j); string(got) != tt.want {
						t.Fatalf("cut at %d,%d: got %q, want %q", i, j, got, tt.want)
					}
				}
			}
		})
	}
}

// FuzzCRLF checks that cutting never changes a conversion and that text
// without CR survives a round trip.
func FuzzCRLF(f *testing.F) {
	for _, c := range encodeCases {
		f.Add([]byte(c.in), uint8(1))
	}
	for _, c := range decodeCases {
		f.Add([]byte(c.in), uint8(2))
	}
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		at := int(cut) % (len(in) + 1)
		enc, dec := encodeSplit(in), decodeSplit(in)
		if got := encodeSplit(in, at); !bytes.Equal(got, enc) {
			t.Fatalf("encode cut at %d: %q, whole: %q", at, got, enc)
		}
		if got := decodeSplit(in, at); !bytes.Equal(got, dec) {
			t.Fatalf("decode cut at %d: %q, whole: %q", at, got, dec)
		}
		if len(enc) > 2*len(in) || len(dec) > len(in) {
			t.Fatalf("output too long: %d and %d from %d", len(enc), len(dec), len(in))
		}
		if !bytes.Contains(in, []byte{'\r'}) {
			if rt := decodeSplit(enc); !bytes.Equal(rt, in) {
				t.Fatalf("round trip %q -> %q -> %q", in, enc, rt)
			}
		}
	})
}

// textSample is 64 KiB of short lines, the shape of TYPE A traffic.
func textSample(crlf bool) []byte {
	line := "the quick brown fox jumps over the lazy dog 0123456789\n"
	if crlf {
		line = line[:len(line)-1] + "\r\n"
	}
	return bytes.Repeat([]byte(line), 64<<10/len(line))
}

func BenchmarkCRLFEncoder(b *testing.B) {
	src := textSample(false)
	dst := make([]byte, 0, 2*len(src))
	var e CRLFEncoder
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst = e.Append(dst[:0], src)
	}
}

func BenchmarkCRLFDecoder(b *testing.B) {
	src := textSample(true)
	dst := make([]byte, 0, len(src)+1)
	var d CRLFDecoder
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		dst = d.Append(dst[:0], src)
	}
}
