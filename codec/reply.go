package codec

import (
	"errors"
	"strings"
)

// ErrReply reports a reply that does not follow RFC 959 §4.2.
var ErrReply = errors.New("codec: malformed reply")

// AppendReply appends one complete reply with the given code and text to dst.
//
// A msg without a line break gives "ddd msg\r\n"; an empty msg gives
// "ddd \r\n" (the space is kept so every reply line has the same shape).
// A msg with line breaks gives a multi-line reply (RFC 959 §4.2):
// "ddd-first\r\n", the middle lines as they are, and "ddd last\r\n". "\r\n",
// "\n" and a lone "\r" each count as one line break, and one trailing line
// break is ignored, so "a\n" is the single-line reply "ddd a\r\n".
//
// A middle line that could be read as a reply line of its own — one that
// starts with three digits and then a space, a hyphen or the end of the
// line — gets one leading space, as RFC 959 §4.2 asks, so a client that ends
// a reply at any line of the form "ddd " cannot be fooled by, say, a file
// name. ParseReply returns such a line with that space.
//
// The code is written as three digits; pass a Valid code. AppendReply does
// not allocate when dst has room.
func AppendReply(dst []byte, code Code, msg string) []byte {
	return appendReply(dst, code, msg)
}

// AppendReplyBytes is AppendReply for a message held in a []byte.
func AppendReplyBytes(dst []byte, code Code, msg []byte) []byte {
	return appendReply(dst, code, msg)
}

func appendReply[S string | []byte](dst []byte, code Code, msg S) []byte {
	msg = trimBreak(msg)
	end, next := nextBreak(msg, 0)
	if end == len(msg) {
		dst = appendCode(dst, code)
		dst = append(dst, ' ')
		dst = append(dst, msg...)
		return append(dst, '\r', '\n')
	}
	dst = appendCode(dst, code)
	dst = append(dst, '-')
	dst = append(dst, msg[:end]...)
	dst = append(dst, '\r', '\n')
	for {
		start := next
		end, next = nextBreak(msg, start)
		if end == len(msg) {
			dst = appendCode(dst, code)
			dst = append(dst, ' ')
			dst = append(dst, msg[start:]...)
			return append(dst, '\r', '\n')
		}
		line := msg[start:end]
		if looksLikeReplyLine(line) {
			dst = append(dst, ' ')
		}
		dst = append(dst, line...)
		dst = append(dst, '\r', '\n')
	}
}

// trimBreak drops one trailing line break ("\r\n", "\n" or "\r").
func trimBreak[S string | []byte](s S) S {
	n := len(s)
	switch {
	case n >= 2 && s[n-2] == '\r' && s[n-1] == '\n':
		return s[:n-2]
	case n >= 1 && (s[n-1] == '\n' || s[n-1] == '\r'):
		return s[:n-1]
	}
	return s
}

// nextBreak finds the first line break at or after i. It returns the index
// where the line ends and the index where the next line starts; end is
// len(s) when there is no break.
func nextBreak[S string | []byte](s S, i int) (end, next int) {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\n':
			return i, i + 1
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				return i, i + 2
			}
			return i, i + 1
		}
	}
	return len(s), len(s)
}

// looksLikeReplyLine reports whether line starts with three digits followed
// by a space, a hyphen or nothing.
func looksLikeReplyLine[S string | []byte](line S) bool {
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) {
		return false
	}
	return len(line) == 3 || line[3] == ' ' || line[3] == '-'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// AppendQuoted appends s in double quotes with every '"' inside doubled, the
// form RFC 959 Appendix II gives for the path in a 257 reply: `"/a""b"`;
// control bytes in s are shown as '?' (AppendName).
func AppendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			break
		}
		dst = AppendName(dst, s[:i+1])
		dst = append(dst, '"')
		s = s[i+1:]
	}
	dst = AppendName(dst, s)
	return append(dst, '"')
}

// ParseReply parses one complete reply, single or multi-line, at the start
// of b. It is meant for clients and tests; the server never parses replies.
//
// It returns the code, the text lines joined by "\n" (the first and last
// without the code and its separator, the middle ones as sent), and n, the
// number of bytes the reply takes including its final line end. Lines may end in "\r\n" or a
// bare "\n". When b does not yet hold a complete reply, ParseReply returns
// n == 0 and a nil error: read more and call again. Malformed input gives
// ErrReply.
func ParseReply(b []byte) (code Code, msg string, n int, err error) {
	line, rest, ok := cutLine(b)
	if !ok {
		// Reject a bad start early so a client does not wait for a line end
		// that may never come; "ddd\r" is still a possible start.
		if len(b) >= 4 && b[3] != '\r' {
			if _, _, err := replyPrefix(b[:4]); err != nil {
				return 0, "", 0, err
			}
		}
		return 0, "", 0, nil
	}
	code, sep, err := replyPrefix(line)
	if err != nil {
		return 0, "", 0, err
	}
	first := line[min(len(line), 4):]
	if sep != '-' {
		return code, string(first), len(b) - len(rest), nil
	}
	text := make([]byte, 0, 2*len(first))
	text = append(text, first...)
	for {
		line, rest, ok = cutLine(rest)
		if !ok {
			return 0, "", 0, nil
		}
		text = append(text, '\n')
		if isEndLine(line, code) {
			text = append(text, line[min(len(line), 4):]...)
			return code, string(text), len(b) - len(rest), nil
		}
		text = append(text, line...)
	}
}

// cutLine splits b after its first '\n'; line excludes the line end and one
// '\r' before it.
func cutLine(b []byte) (line, rest []byte, ok bool) {
	for i, c := range b {
		if c == '\n' {
			line = b[:i]
			if i > 0 && b[i-1] == '\r' {
				line = b[:i-1]
			}
			return line, b[i+1:], true
		}
	}
	return nil, b, false
}

// replyPrefix checks the start of a reply's first line: three digits, the
// first 1 to 5, then a space, a hyphen or the end of the line.
func replyPrefix(line []byte) (Code, byte, error) {
	if len(line) < 3 || line[0] < '1' || line[0] > '5' || !isDigit(line[1]) || !isDigit(line[2]) {
		return 0, 0, ErrReply
	}
	code := Code(line[0]-'0')*100 + Code(line[1]-'0')*10 + Code(line[2]-'0')
	if len(line) == 3 {
		return code, ' ', nil
	}
	if line[3] != ' ' && line[3] != '-' {
		return 0, 0, ErrReply
	}
	return code, line[3], nil
}

// isEndLine reports whether line ends a multi-line reply with this code:
// the same three digits followed by a space or by nothing (RFC 959 §4.2).
func isEndLine(line []byte, code Code) bool {
	if len(line) < 3 || (len(line) > 3 && line[3] != ' ') {
		return false
	}
	var d [3]byte
	appendCode(d[:0], code)
	return line[0] == d[0] && line[1] == d[1] && line[2] == d[2]
}
