package codec

import (
	"bytes"
	"errors"
	"strconv"
)

// CodeHashPolicy is the HASH command's refusal for policy reasons, such as a
// file larger than the server hashes (draft-bryan-ftpext-hash-02 §3.5).
const CodeHashPolicy Code = 556

// CodeHashNotFile is the HASH command's refusal for a directory or anything
// else that is not a regular file (draft-bryan-ftpext-hash-02 §3.5).
const CodeHashNotFile Code = CodeBadFileName

// HashAlgo is a hash function of the HASH command (draft-bryan-ftpext-hash)
// and of the checksum commands XSHA256, XSHA512, XSHA1, XMD5 and XCRC. The
// zero value, SHA-256, is the default a session starts with: the draft
// asks that the default be no weaker than SHA-1.
type HashAlgo uint8

// The hash functions, in the order FEAT lists them.
const (
	HashSHA256 HashAlgo = iota
	HashSHA512
	HashSHA1
	HashMD5
	HashCRC32

	HashAlgoCount // the number of hash functions
)

// hashNames are the names HASH, OPTS HASH and FEAT use: the IANA "Hash
// Function Textual Names" where there is one, CRC32 as ProFTPD's mod_digest
// names it otherwise.
var hashNames = [HashAlgoCount]string{"SHA-256", "SHA-512", "SHA-1", "MD5", "CRC32"}

func (a HashAlgo) String() string {
	if a < HashAlgoCount {
		return hashNames[a]
	}
	return "HashAlgo(" + strconv.Itoa(int(a)) + ")"
}

// hashAliases are the other spellings clients send in OPTS HASH: without
// the hyphen, and CRC (FluentFTP's name for CRC32).
var hashAliases = map[string]HashAlgo{
	"SHA256": HashSHA256, "SHA512": HashSHA512, "SHA1": HashSHA1, "CRC": HashCRC32,
}

// ParseHashAlgo returns the hash function a name (any case) stands for.
// It does not allocate for names up to 8 bytes.
func ParseHashAlgo(name []byte) (HashAlgo, bool) {
	if len(name) == 0 || len(name) > 8 {
		return 0, false
	}
	var buf [8]byte
	up := buf[:len(name)]
	for i, c := range name {
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	for a, n := range hashNames {
		if string(up) == n {
			return HashAlgo(a), true
		}
	}
	a, ok := hashAliases[string(up)]
	return a, ok
}

// AppendFeatHash appends the HASH command's FEAT line after "HASH ": every
// hash function, separated by semicolons, the selected one marked with an
// asterisk (draft-bryan-ftpext-hash-02 §3.1).
func AppendFeatHash(dst []byte, selected HashAlgo) []byte {
	for a, n := range hashNames {
		if a > 0 {
			dst = append(dst, ';')
		}
		dst = append(dst, n...)
		if HashAlgo(a) == selected {
			dst = append(dst, '*')
		}
	}
	return dst
}

// ErrHashArgs: the argument of a checksum command is malformed (501).
var ErrHashArgs = errors.New("codec: bad checksum command arguments")

// maxOffsetDigits bounds a range's numbers so they always fit an int64.
const maxOffsetDigits = 18

// HashArgs is the parsed argument of a checksum command: the path, and
// for the forms that give one, the byte range [Start, End).
type HashArgs struct {
	Path       []byte // aliases the argument
	Start, End int64  // when Ranged: the first byte and one past the last
	Ranged     bool
}

// ParseHashPath parses the argument of HASH: the path, whose surrounding
// double quotes, when it has both, are taken off, as FileZilla Server does
// for the quoted paths WinSCP sends when a name has a space (no escaping
// inside: a name that itself starts and ends with a quote cannot be named).
func ParseHashPath(arg []byte) ([]byte, error) {
	if p, ok := unquote(arg); ok {
		arg = p
	}
	if len(arg) == 0 {
		return nil, ErrHashArgs
	}
	return arg, nil
}

// ParseXHash parses the argument of XCRC, XMD5, XSHA1, XSHA256 and XSHA512
// in the forms ProFTPD's mod_digest takes, path [start end], with the path
// optionally in double quotes (WinSCP quotes a path with spaces):
//
//	"a file" 0 100   the bytes 0 to 99 of "a file"
//	file 0 100       the same for "file"
//	a file           the whole of "a file": unquoted, the path runs to the
//	                 end unless the last two words are both numbers
//
// End is one past the last byte hashed and must be greater than Start. A
// quoted path followed by one number (the "path end" form other servers
// read in different ways), or by anything but two numbers, gives
// ErrHashArgs, as mod_digest answers 501. Whether the range lies within the
// file is for the worker to check.
func ParseXHash(arg []byte) (HashArgs, error) {
	if len(arg) > 0 && arg[0] == '"' {
		if end := bytes.IndexByte(arg[1:], '"'); end >= 0 {
			path, rest := arg[1:1+end], arg[2+end:]
			if len(path) == 0 {
				return HashArgs{}, ErrHashArgs
			}
			if len(rest) == 0 {
				return HashArgs{Path: path}, nil
			}
			if rest[0] != ' ' {
				return HashArgs{}, ErrHashArgs
			}
			a, ok := parseRange(rest[1:])
			if !ok {
				return HashArgs{}, ErrHashArgs
			}
			a.Path = path
			return a, nil
		}
	}
	if len(arg) == 0 {
		return HashArgs{}, ErrHashArgs
	}
	// Unquoted: the last two words are the range when both are numbers
	// and a path comes before them.
	if i := bytes.LastIndexByte(arg, ' '); i > 0 {
		if j := bytes.LastIndexByte(arg[:i], ' '); j > 0 {
			if _, ok := parseOffset(arg[j+1 : i]); ok {
				if _, ok := parseOffset(arg[i+1:]); ok {
					a, ok := parseRange(arg[j+1:])
					if !ok {
						return HashArgs{}, ErrHashArgs
					}
					a.Path = arg[:j]
					return a, nil
				}
			}
		}
	}
	return HashArgs{Path: arg}, nil
}

// parseRange parses "start end" with End > Start.
func parseRange(b []byte) (HashArgs, bool) {
	s, e, ok := bytes.Cut(b, []byte(" "))
	if !ok {
		return HashArgs{}, false
	}
	start, ok1 := parseOffset(s)
	end, ok2 := parseOffset(e)
	if !ok1 || !ok2 || end <= start {
		return HashArgs{}, false
	}
	return HashArgs{Start: start, End: end, Ranged: true}, true
}

// parseOffset parses a byte offset: 1 to maxOffsetDigits decimal digits.
func parseOffset(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > maxOffsetDigits {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// unquote returns b without its surrounding double quotes, when it has
// both and something between them.
func unquote(b []byte) ([]byte, bool) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		return b[1 : len(b)-1], true
	}
	return b, false
}
