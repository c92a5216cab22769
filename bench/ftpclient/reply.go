package ftpclient

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/ftpsd/ftpsd/codec"
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
// codec.ParseReply does the parsing; ReadReply bounds the input, both the
// length of a line (the reader's buffer) and the number of lines.
func ReadReply(r *bufio.Reader) (Reply, error) {
	line, err := readLine(r)
	if err != nil {
		return Reply{}, err
	}
	// A single-line reply is parsed in the reader's buffer, without a copy.
	code, text, n, err := codec.ParseReply(line)
	if err != nil {
		return Reply{}, malformed(line, err)
	}
	if n > 0 {
		return Reply{Code: int(code), Text: text}, nil
	}
	buf := append([]byte(nil), line...)
	for k := 1; ; k++ {
		if k > MaxReplyLines {
			return Reply{}, fmt.Errorf("%w: more than %d lines", ErrMalformed, MaxReplyLines)
		}
		line, err := readLine(r)
		if err != nil {
			return Reply{}, err
		}
		buf = append(buf, line...)
		// Only a line that starts with the reply's code can end it; parsing
		// the whole reply again after every other line would make a long
		// reply cost time quadratic in its length.
		if !bytes.HasPrefix(line, buf[:3]) {
			continue
		}
		code, text, n, err := codec.ParseReply(buf)
		if err != nil {
			return Reply{}, malformed(buf, err)
		}
		if n > 0 {
			return Reply{Code: int(code), Text: text}, nil
		}
	}
}

// readLine returns the next line with its line end, in r's buffer: valid
// until the next read.
func readLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w: line longer than %d bytes", ErrMalformed, r.Size())
		}
		return nil, fmt.Errorf("ftpclient: reading reply: %w", err)
	}
	return line, nil
}

// malformed wraps codec's error so that callers can test for ErrMalformed,
// quoting the reply's first line.
func malformed(b []byte, err error) error {
	first, _, _ := bytes.Cut(b, []byte{'\n'})
	return fmt.Errorf("%w: %q: %w", ErrMalformed, bytes.TrimSuffix(first, []byte{'\r'}), err)
}

// ParseEPSV returns the port of a 229 reply: "Entering Extended Passive
// Mode (|||port|)" (RFC 2428 §3), using codec.ParseEPSV.
func ParseEPSV(text string) (uint16, error) {
	p, err := codec.ParseEPSV([]byte(text))
	if err != nil {
		return 0, fmt.Errorf("%w: EPSV %q: %w", ErrMalformed, text, err)
	}
	return p, nil
}

// ParsePASV returns the address of a 227 reply: "Entering Passive Mode
// (h1,h2,h3,h4,p1,p2)" (RFC 959 §4.1.2), using codec.ParsePASV; some servers
// omit the parentheses.
func ParsePASV(text string) (netip.AddrPort, error) {
	ap, err := codec.ParsePASV([]byte(text))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: PASV %q: %w", ErrMalformed, text, err)
	}
	return ap, nil
}
