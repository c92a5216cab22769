package codec

import (
	"bytes"
	"errors"
)

// Errors from ParseCommand. The loop answers ErrEmpty and ErrVerb with 500
// and ErrBadChar with 501.
var (
	ErrEmpty   = errors.New("codec: empty command")
	ErrVerb    = errors.New("codec: malformed verb")
	ErrBadChar = errors.New("codec: NUL or CR in command")
)

// MaxVerb is the longest verb ParseCommand accepts. RFC 959 verbs have three
// or four letters; extensions such as the ones RFC 2389 allows may be longer,
// so a little room is left.
const MaxVerb = 8

// ParseCommand splits a framed line (without its line end) into verb and
// argument, in place. The verb, 1 to MaxVerb ASCII letters and digits from
// the start of the line, a letter first (XSHA256 has digits), is upper-cased
// in line itself. The argument is everything after the single space that
// follows the verb, with its own leading and trailing spaces kept, because
// file names may begin or end with spaces; a line that is only the verb
// gives an empty argument. Both results alias line.
//
// An empty line or one of only spaces and tabs gives ErrEmpty; a verb that
// is not 1 to MaxVerb letters or digits, starting with a letter, followed by
// a space or the end of the line gives ErrVerb; a NUL or CR anywhere in the
// line gives ErrBadChar, checked first, since neither can be part of a valid
// command or path (RFC 959 §3.1.1 ends lines with CRLF, and a NUL would
// truncate the path in the kernel). ParseCommand does not allocate.
func ParseCommand(line []byte) (verb, arg []byte, err error) {
	if bytes.IndexByte(line, 0) >= 0 || bytes.IndexByte(line, '\r') >= 0 {
		return nil, nil, ErrBadChar
	}
	if isBlank(line) {
		return nil, nil, ErrEmpty
	}
	i := 0
	// A letter first, then letters or digits: the checksum commands
	// clients send (XSHA1, XSHA256, XSHA512) carry digits.
	for i < len(line) && i <= MaxVerb && (isLetter(line[i]) || i > 0 && isDigit(line[i])) {
		i++
	}
	if i == 0 || i > MaxVerb || (i < len(line) && line[i] != ' ') {
		return nil, nil, ErrVerb
	}
	// Upper-case only once the verb is known good, so a rejected line is
	// left as it came.
	for j := range i {
		if isLetter(line[j]) {
			line[j] &^= 'a' - 'A'
		}
	}
	if i == len(line) {
		return line, nil, nil
	}
	return line[:i], line[i+1:], nil
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}
