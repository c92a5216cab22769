package xfer

import "bytes"

// CRLFEncoder converts a file's LF line ends to the network's CRLF for a
// TYPE A send (RFC 959 §3.1.1.1). An LF already preceded by CR is left alone,
// so a file that already has CRLF line ends goes out unchanged; the CR may
// have ended the previous chunk. The zero value is ready to use; an encoder
// belongs to one transfer.
type CRLFEncoder struct {
	cr bool // the last byte seen was '\r'
}

// Append appends src, converted, to dst and returns the extended slice. The
// output is at most twice as long as src.
func (e *CRLFEncoder) Append(dst, src []byte) []byte {
	for len(src) > 0 {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			e.cr = src[len(src)-1] == '\r'
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		if i > 0 && src[i-1] != '\r' || i == 0 && !e.cr {
			dst = append(dst, '\r')
		}
		dst = append(dst, '\n')
		e.cr = false
		src = src[i+1:]
	}
	return dst
}

// CRLFDecoder converts the network's CRLF line ends to LF for a TYPE A
// upload. A CR not followed by LF is kept. A CR that ends a chunk is held back
// until the next chunk shows what follows it, so call Flush at the end of the
// data. The zero value is ready to use; a decoder belongs to one transfer.
type CRLFDecoder struct {
	cr bool // a '\r' from the previous chunk is held back
}

// Append appends src, converted, to dst and returns the extended slice. The
// output is at most one byte longer than src (a held-back CR).
func (d *CRLFDecoder) Append(dst, src []byte) []byte {
	if len(src) == 0 {
		return dst
	}
	if d.cr {
		d.cr = false
		if src[0] != '\n' {
			dst = append(dst, '\r')
		}
	}
	for {
		i := bytes.IndexByte(src, '\r')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		if i == len(src)-1 {
			d.cr = true
			return dst
		}
		if src[i+1] != '\n' {
			dst = append(dst, '\r')
		}
		src = src[i+1:]
	}
}

// Flush appends a CR still held back (the data ended with a lone CR) to dst.
func (d *CRLFDecoder) Flush(dst []byte) []byte {
	if d.cr {
		d.cr = false
		dst = append(dst, '\r')
	}
	return dst
}
