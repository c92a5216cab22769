//go:build !race

package xfer

import (
	"bytes"
	"io"
	"testing"
)

// TestAllocs holds the per-chunk paths to zero allocations once their pooled
// buffers exist.
func TestAllocs(t *testing.T) {
	text := textSample(false)
	crlf := textSample(true)
	enc, dec := make([]byte, 0, 2*len(text)), make([]byte, 0, len(crlf)+1)
	var e CRLFEncoder
	var d CRLFDecoder
	var r bytes.Reader
	tests := []struct {
		name string
		fn   func()
	}{
		{"CRLFEncoder.Append", func() { enc = e.Append(enc[:0], text) }},
		{"CRLFDecoder.Append", func() { dec = d.Append(dec[:0], crlf) }},
		{"sendBuffered", func() { r.Reset(text); sendBuffered(io.Discard, &r, nil, nil) }},
		{"sendASCII", func() { r.Reset(text); sendASCII(io.Discard, &r, nil, nil) }},
		{"receiveASCII", func() { r.Reset(crlf); receiveASCII(io.Discard, &r, nil, nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.fn() // fill the pools
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Errorf("%v allocations per run, want 0", n)
			}
		})
	}
}
