package synth

import (
	"errors"
	"strconv"
	"strings"
)

// ErrNoSize: a name that spells no size; ErrTooLarge: one above the
// configured maximum (or beyond int64).
var (
	ErrNoSize   = errors.New("synth: the name spells no size")
	ErrTooLarge = errors.New("synth: size above the configured maximum")
)

// ParseSize reads the size a synthetic file's base name spells: the part
// before the first '.', after the last '-' (so "1G.bin", "run7-100M.dat" and
// "f000042-4K.bin" are 1 GiB, 100 MiB and 4 KiB), decimal digits with an
// optional suffix K, M, G or T (either case) for binary multiples: K is
// 1024 bytes. No suffix is bytes ("512.bin"). Sizes that overflow int64
// give ErrTooLarge; anything else that is not this form ErrNoSize.
func ParseSize(name string) (int64, error) {
	s := name
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		s = s[i+1:]
	}
	return ParseBytes(s)
}

// ParseBytes reads a size as synthetic names spell it, alone: decimal
// digits with an optional K, M, G or T (either case, binary multiples).
// Errors as ParseSize's. ftpsd-load reads its sizes with it, so the two
// spell sizes alike.
func ParseBytes(s string) (int64, error) {
	shift := 0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K', 'k':
			shift = 10
		case 'M', 'm':
			shift = 20
		case 'G', 'g':
			shift = 30
		case 'T', 't':
			shift = 40
		}
		if shift != 0 {
			s = s[:n-1]
		}
	}
	if s == "" || len(s) > 19 {
		if len(s) > 19 && allDigits(s) {
			return 0, ErrTooLarge
		}
		return 0, ErrNoSize
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrNoSize
		}
		v = v*10 + uint64(c-'0')
	}
	if v > (1<<63-1)>>shift {
		return 0, ErrTooLarge
	}
	return int64(v << shift), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatSize spells n the way ParseSize reads it, with the largest suffix
// that divides it exactly: 1073741824 is "1G", while 1536 has no exact
// suffix and stays "1536".
func FormatSize(n int64) string {
	suffix := ""
	for _, s := range []string{"K", "M", "G", "T"} {
		if n == 0 || n%1024 != 0 {
			break
		}
		n /= 1024
		suffix = s
	}
	return strconv.FormatInt(n, 10) + suffix
}
