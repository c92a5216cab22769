package ftpclient

import (
	"bufio"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// MaxReplyLines bounds a multi-line reply (FEAT, HELP, STAT) so that a
// misbehaving server cannot make the generator buffer without end.
const MaxReplyLines = 1000

// Reply is one FTP reply: its three-digit code and its text, the lines of a
// multi-line reply joined by "\n".
type Reply struct {
	Code int
	Text string
}

// Class is the first digit of the code: 1 preliminary, 2 completion,
// 3 intermediate, 4 transient failure, 5 permanent failure.
func (r Reply) Class() int { return r.Code / 100 }

func (r Reply) String() string { return strconv.Itoa(r.Code) + " " + r.Text }

// ErrMalformed reports a reply line that is not "DDD text" or "DDD-text".
var ErrMalformed = errors.New("ftpclient: malformed reply")

// ReplyError is a reply that was not the one the client needed.
type ReplyError struct {
	Cmd   string // the command sent, without arguments that could hold a password
	Reply Reply
}

func (e *ReplyError) Error() string {
	return fmt.Sprintf("ftpclient: %s: %d %s", e.Cmd, e.Reply.Code, e.Reply.Text)
}

// ReadReply reads one reply (RFC 959 §4.2): a single line "DDD text", or a
// first line "DDD-text", any lines, and a last line starting "DDD ".
func ReadReply(r *bufio.Reader) (Reply, error) {
	line, err := readLine(r)
	if err != nil {
		return Reply{}, err
	}
	code, sep, text, err := splitLine(line)
	if err != nil {
		return Reply{}, err
	}
	if sep == ' ' {
		return Reply{Code: code, Text: text}, nil
	}
	var b strings.Builder
	b.WriteString(text)
	for n := 1; ; n++ {
		if n > MaxReplyLines {
			return Reply{}, fmt.Errorf("%w: more than %d lines", ErrMalformed, MaxReplyLines)
		}
		line, err := readLine(r)
		if err != nil {
			return Reply{}, err
		}
		if c, s, t, err := splitLine(line); err == nil && c == code && s == ' ' {
			b.WriteByte('\n')
			b.WriteString(t)
			return Reply{Code: code, Text: b.String()}, nil
		}
		b.WriteByte('\n')
		b.WriteString(line)
	}
}

func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return "", fmt.Errorf("%w: line longer than %d bytes", ErrMalformed, r.Size())
		}
		return "", fmt.Errorf("ftpclient: reading reply: %w", err)
	}
	s := string(line[:len(line)-1])
	return strings.TrimSuffix(s, "\r"), nil
}

// splitLine splits "DDD text" or "DDD-text".
func splitLine(line string) (code int, sep byte, text string, err error) {
	if len(line) < 3 {
		return 0, 0, "", fmt.Errorf("%w: %q", ErrMalformed, line)
	}
	for i := range 3 {
		if line[i] < '0' || line[i] > '9' {
			return 0, 0, "", fmt.Errorf("%w: %q", ErrMalformed, line)
		}
	}
	if line[0] < '1' || line[0] > '5' {
		return 0, 0, "", fmt.Errorf("%w: %q", ErrMalformed, line)
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	if len(line) == 3 {
		return code, ' ', "", nil
	}
	if line[3] != ' ' && line[3] != '-' {
		return 0, 0, "", fmt.Errorf("%w: %q", ErrMalformed, line)
	}
	return code, line[3], line[4:], nil
}

// ParseEPSV returns the port of a 229 reply: "Entering Extended Passive
// Mode (|||port|)" (RFC 2428 §3). The delimiter is the character after
// the opening parenthesis.
func ParseEPSV(text string) (uint16, error) {
	open := strings.IndexByte(text, '(')
	if open < 0 || open+1 >= len(text) {
		return 0, fmt.Errorf("%w: EPSV %q", ErrMalformed, text)
	}
	d := text[open+1]
	rest := text[open+1:]
	end := strings.IndexByte(rest, ')')
	if end < 0 {
		return 0, fmt.Errorf("%w: EPSV %q", ErrMalformed, text)
	}
	fields := strings.Split(rest[:end], string(d))
	// "|||port|" splits into "", "", "", "port", "".
	if len(fields) != 5 || fields[1] != "" || fields[2] != "" || fields[4] != "" {
		return 0, fmt.Errorf("%w: EPSV %q", ErrMalformed, text)
	}
	p, err := strconv.ParseUint(fields[3], 10, 16)
	if err != nil || p == 0 {
		return 0, fmt.Errorf("%w: EPSV port %q", ErrMalformed, fields[3])
	}
	return uint16(p), nil
}

// ParsePASV returns the address of a 227 reply: "Entering Passive Mode
// (h1,h2,h3,h4,p1,p2)" (RFC 959 §4.1.2); some servers omit the parentheses.
func ParsePASV(text string) (netip.AddrPort, error) {
	start := strings.IndexAny(text, "0123456789")
	if start < 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: PASV %q", ErrMalformed, text)
	}
	end := start
	for end < len(text) && (text[end] == ',' || (text[end] >= '0' && text[end] <= '9')) {
		end++
	}
	parts := strings.Split(text[start:end], ",")
	if len(parts) != 6 {
		return netip.AddrPort{}, fmt.Errorf("%w: PASV %q", ErrMalformed, text)
	}
	var b [6]byte
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 10, 8)
		if err != nil {
			return netip.AddrPort{}, fmt.Errorf("%w: PASV %q", ErrMalformed, text)
		}
		b[i] = byte(v)
	}
	addr := netip.AddrFrom4([4]byte{b[0], b[1], b[2], b[3]})
	return netip.AddrPortFrom(addr, uint16(b[4])<<8|uint16(b[5])), nil
}
