package ftplog

import "unicode/utf8"

// appendEscaped appends s with the bytes that could forge or garble a log
// line escaped the way Apache's ap_escape_logitem does: \b \n \r \t \v by
// name, '"' and '\' with a backslash, any other control byte (including
// DEL) as \xhh. Apache also escapes every byte >= 0x80; here valid UTF-8
// passes through so non-ASCII file names stay readable, while bytes that are
// not valid UTF-8, and the runes that can make a line lie to a terminal or
// editor (C1 controls, U+2028/U+2029 line and paragraph separators, bidi
// overrides and isolates), are escaped byte by byte as \xhh.
func appendEscaped(dst []byte, s string) []byte {
	start := 0 // first byte of the current run of safe bytes
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != 0x7f && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscByte(dst, c)
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || escapeRune(r) {
			dst = append(dst, s[start:i]...)
			for j := i; j < i+n; j++ {
				dst = appendHex(dst, s[j])
			}
			i += n
			start = i
			continue
		}
		i += n
	}
	return append(dst, s[start:]...)
}

// appendField appends s escaped, or "-" when s is empty: an empty field
// would shift every later field of a space-separated line.
func appendField(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return appendEscaped(dst, s)
}

// appendPathField is appendField for a transfer's file name, with each
// space written as '_': xferlog's convention (wu-ftpd, vsftpd and ProFTPD
// all do it), so the name stays one field of a space-separated line and
// tools that split xferlog on spaces keep working. The name is for reading,
// not for finding the file again: "a b" and "a_b" log alike.
func appendPathField(dst []byte, s string) []byte {
	start := len(dst)
	dst = appendField(dst, s)
	for i := start; i < len(dst); i++ {
		if dst[i] == ' ' {
			dst[i] = '_'
		}
	}
	return dst
}

func appendEscByte(dst []byte, c byte) []byte {
	switch c {
	case '\b':
		return append(dst, '\\', 'b')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	case '\v':
		return append(dst, '\\', 'v')
	case '\\', '"':
		return append(dst, '\\', c)
	}
	return appendHex(dst, c)
}

const hexDigits = "0123456789abcdef"

func appendHex(dst []byte, c byte) []byte {
	return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}

// escapeRune reports the valid non-ASCII runes that must not reach a log
// file raw.
func escapeRune(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls, NEL among them
		return true
	case r == 0x2028 || r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e: // bidi embeddings and overrides
		return true
	case r >= 0x2066 && r <= 0x2069: // bidi isolates
		return true
	}
	return false
}
