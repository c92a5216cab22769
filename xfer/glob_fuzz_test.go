package xfer

import (
	"errors"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// FuzzGlob matches random patterns, as a client would type them after
// NLST, against a fixed tree. Whatever the pattern: no panic; a bad one
// is ErrBadPattern exactly when path.Match refuses it or it is too long;
// every match is a name in the directory the pattern is in, matches the
// pattern, is no upload temporary, and is a dot file only when asked for;
// and the listing never leaves the root.
func FuzzGlob(f *testing.F) {
	for _, seed := range []string{
		"*.txt", "f1*", "?", "[ab]*", "[^a]*", "[a-c].txt", `a\*b`, ".*", "*", "sub/*.txt", "/sub/?.dat",
		"../*", "../../etc/*", "dirlink/*", "outlink/*", ".ftpsd-*.part", "[", `\`, "[]a]", "[a-]", "**",
		"*a*a*a*a*a*a*a*b", strings.Repeat("*", MaxPatternLen+1), "s*/x.txt", "a*b", "\x00*", "*\r\n*",
	} {
		f.Add(seed, false)
	}
	root, dir := globRoot(f)
	f.Fuzz(func(t *testing.T, arg string, hidden bool) {
		vpath := codec.Join("/", arg)
		dirPath, pattern, isGlob := splitGlob(vpath)
		if !isGlob {
			return
		}
		names, err := Glob(root, dirPath, pattern, hidden, 0)
		_, matchErr := path.Match(pattern, "")
		bad := matchErr != nil || len(pattern) > MaxPatternLen
		if bad != errors.Is(err, ErrBadPattern) {
			t.Fatalf("Glob(%q, %q): %v; path.Match says %v", dirPath, pattern, err, matchErr)
		}
		if err != nil {
			return
		}
		if !slices.IsSorted(names) {
			t.Errorf("matches %q not sorted", names)
		}
		for _, n := range names {
			if ok, _ := path.Match(pattern, n); !ok {
				t.Errorf("%q does not match %q", n, pattern)
			}
			if fsys.IsTemp(n) || strings.ContainsAny(n, "\r\n/") {
				t.Errorf("%q matched", n)
			}
			if n[0] == '.' && !hidden && pattern[0] != '.' {
				t.Errorf("dot file %q matched %q", n, pattern)
			}
			if _, err := root.Lstat(path.Join(dirPath, n)); err != nil {
				t.Errorf("match %q is not in %s of %s: %v", n, dirPath, dir, err)
			}
		}
		_, statErr := root.Stat(vpath)
		if statErr == nil {
			return // a name that exists as typed is never a pattern (and expandGlob is not asked)
		}
		if g, err := expandGlob(root, vpath, statErr, ListOptions{Format: FormatNLST, Arg: arg}); err == nil {
			for _, n := range g.names {
				if !slices.Contains(names, n) {
					t.Errorf("expandGlob matched %q, Glob did not", n)
				}
			}
		}
	})
}
