package tlsstate

import "sync"

// Buffers for the pipe come from size-classed pools so that a busy connection does not allocate per
// read or write, and an idle one gives its buffers back. The pools hold *[]byte so that Put does not
// allocate; the pipe keeps the pointer for as long as it owns the buffer.

var bufClasses = [...]int{512, 2 << 10, 8 << 10, 32 << 10, 128 << 10}

var bufPools [len(bufClasses)]sync.Pool

// getBuf returns an empty buffer with capacity of at least n.
func getBuf(n int) *[]byte {
	for i, size := range bufClasses {
		if n <= size {
			if p, ok := bufPools[i].Get().(*[]byte); ok {
				*p = (*p)[:0]
				return p
			}
			b := make([]byte, 0, size)
			return &b
		}
	}
	b := make([]byte, 0, n)
	return &b
}

// putBuf returns a buffer to its pool. Nothing may touch the buffer afterwards.
func putBuf(p *[]byte) {
	if p == nil {
		return
	}
	for i, size := range bufClasses {
		if cap(*p) == size {
			*p = (*p)[:0]
			bufPools[i].Put(p)
			return
		}
	}
}

// appendBuf appends b to the pooled buffer *pp, moving to a larger pooled buffer when needed.
func appendBuf(pp **[]byte, b []byte) {
	p := *pp
	if p == nil {
		p = getBuf(len(b))
		*pp = p
	}
	if len(*p)+len(b) > cap(*p) {
		q := getBuf(len(*p) + len(b))
		*q = append(*q, *p...)
		putBuf(p)
		p = q
		*pp = p
	}
	*p = append(*p, b...)
}
