package main

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// errVerify is wrapped by every content check that fails.
var errVerify = errors.New("ftpsd-load: verify")

// generator is the content of one synthetic file, bytes from an offset.
// internal/synth's *Gen has this method: see newGenerator.
type generator interface {
	Fill(dst []byte, off int64)
}

// newGenerator is the hook --verify checks content with: the generator of
// the synthetic file whose base name is name, under seed.
//
// It is this command's own implementation of the definition ftpsd
// publishes (synthgen.go), not the server's: a check that shared the
// server's code would pass whatever bug they shared. To check against the
// server's package instead, set it to
// func(seed []byte, name string) generator { return synth.NewGen(seed, name) }.
var newGenerator = func(seed []byte, name string) generator { return newSynthGen(seed, name) }

// nameSize is the size a synthetic file's name spells, as ftpsd reads it:
// the base name's part before the first '.', after the last '-'
// ("1G.bin", "run7-100M.dat", "f000042-4K.bin").
func nameSize(p string) (int64, error) {
	s := path.Base(p)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		s = s[i+1:]
	}
	n, err := parseSize(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s spells no size: %w", errVerify, p, err)
	}
	return n, nil
}

// checker verifies one download against the generator while it arrives.
// One client's goroutine runs it; it is reset for every transfer.
type checker struct {
	seed    []byte
	gen     generator
	want    int64 // the size the name spells
	name    string
	off     int64
	bad     int64 // first offset that differs, -1 when none
	scratch []byte
}

func newChecker(seed []byte) *checker {
	return &checker{seed: seed, scratch: make([]byte, 64<<10), bad: -1}
}

// reset prepares a check of the file at path p.
func (c *checker) reset(p string) error {
	n, err := nameSize(p)
	if err != nil {
		return err
	}
	base := path.Base(p)
	if c.gen == nil || c.name != base {
		c.gen, c.name = newGenerator(c.seed, base), base
	}
	c.want, c.off, c.bad = n, 0, -1
	return nil
}

// seen compares one read with the expected bytes at its offset; it keeps
// only the first difference.
func (c *checker) seen(p []byte) {
	for len(p) > 0 {
		n := min(len(p), len(c.scratch))
		if c.bad < 0 {
			exp := c.scratch[:n]
			c.gen.Fill(exp, c.off)
			if string(exp) != string(p[:n]) {
				for i := range exp {
					if exp[i] != p[i] {
						c.bad = c.off + int64(i)
						break
					}
				}
			}
		}
		c.off += int64(n)
		p = p[n:]
	}
}

// result says whether the transfer carried the file exactly.
func (c *checker) result() error {
	switch {
	case c.bad >= 0 && c.bad < c.want: // bytes past the end are a length error
		return fmt.Errorf("%w: %s differs from the generator at offset %d", errVerify, c.name, c.bad)
	case c.off != c.want:
		return fmt.Errorf("%w: %s: %d bytes, the name spells %d", errVerify, c.name, c.off, c.want)
	}
	return nil
}
