package ftplog

import (
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxFormatLen bounds the length of a format string given to Compile.
const MaxFormatLen = 4096

// ErrFormat is what every Compile error matches with errors.Is.
var ErrFormat = errors.New("ftplog: bad log format")

// CompileError reports where and why a format string does not compile.
type CompileError struct {
	Offset int    // byte offset of the offending %: the directive's, or a strftime conversion's
	Reason string // what is wrong, naming the directive
}

func (e *CompileError) Error() string {
	return "ftplog: log format offset " + strconv.Itoa(e.Offset) + ": " + e.Reason
}

// Unwrap makes errors.Is(err, ErrFormat) true.
func (e *CompileError) Unwrap() error { return ErrFormat }

// Format is a compiled LogFormat string. It is immutable after Compile and
// safe for concurrent use by any number of goroutines.
type Format struct {
	src string
	ops []op
}

// String returns the format string Compile was given.
func (f *Format) String() string { return f.src }

type opKind uint8

const (
	opLit          opKind = iota // literal text
	opDash                       // an Apache letter with no FTP meaning: "-"
	opEmpty                      // %q: always empty (FTP has no query string)
	opClientIP                   // %a %h
	opLocalIP                    // %A
	opLocalPort                  // %p %{local}p %{canonical}p
	opRemotePort                 // %{remote}p
	opUser                       // %u
	opRequest                    // %r
	opMethod                     // %m
	opPath                       // %U
	opFilename                   // %f
	opProto                      // %H
	opStatus                     // %s %>s %<s
	opTimeCLF                    // %t
	opTimeFmt                    // %{strftime}t
	opTimeSec                    // %{sec}t
	opTimeMsec                   // %{msec}t
	opTimeUsec                   // %{usec}t
	opTimeMsecFrac               // %{msec_frac}t
	opTimeUsecFrac               // %{usec_frac}t
	opDurSec                     // %T %{s}T
	opDurMs                      // %{ms}T
	opDurUs                      // %D %{us}T
	opBytes                      // %B
	opBytesCLF                   // %b
	opBytesIn                    // %I
	opBytesOut                   // %O
	opServer                     // %v %V
	opPid                        // %P
	opEnvHTTPS                   // %{HTTPS}e
	opEnvTransfer                // %{do_transfer_log}e
	opXferType                   // %M
	opXferFlag                   // %F
	opXferDir                    // %d
	opXferMode                   // %W
	opService                    // %S
	opAuthMethod                 // %Z
	opAuthUser                   // %Y
	opXferStatus                 // %y
)

type op struct {
	kind  opKind
	end   bool     // time ops: %{end:...}t
	neg   bool     // conds lists the codes that turn the field into "-"
	lit   string   // opLit
	tf    []tfOp   // opTimeFmt
	conds []uint16 // Apache's %400,501x status conditions
}

// Compile compiles an Apache mod_log_config format string once, for
// AppendCommand and AppendTransfer to run many times. See the package
// documentation for the letters. Literal text keeps Apache's \n, \t, \r and
// \\ escapes. Errors are *CompileError and match ErrFormat.
func Compile(format string) (*Format, error) {
	if len(format) > MaxFormatLen {
		return nil, &CompileError{Offset: MaxFormatLen, Reason: "format longer than " + strconv.Itoa(MaxFormatLen) + " bytes"}
	}
	f := &Format{src: format}
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			f.ops = append(f.ops, op{kind: opLit, lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(format); {
		c := format[i]
		if c == '\\' && i+1 < len(format) {
			switch format[i+1] {
			case 'n':
				lit = append(lit, '\n')
			case 't':
				lit = append(lit, '\t')
			case 'r':
				lit = append(lit, '\r')
			case '\\':
				lit = append(lit, '\\')
			default:
				lit = append(lit, '\\')
				i++
				continue
			}
			i += 2
			continue
		}
		if c != '%' {
			lit = append(lit, c)
			i++
			continue
		}
		if i+1 < len(format) && format[i+1] == '%' {
			lit = append(lit, '%')
			i += 2
			continue
		}
		o, next, err := parseDirective(format, i)
		if err != nil {
			return nil, err
		}
		flush()
		f.ops = append(f.ops, o)
		i = next
	}
	flush()
	return f, nil
}

// parseDirective parses the % directive at format[start] the way Apache's
// parse_log_item does: any mix of '!', '<', '>', ',', status codes and one
// {argument}, then the letter. It returns the op and the offset after it.
func parseDirective(format string, start int) (op, int, error) {
	var o op
	var arg string
	hasArg := false
	argOff := 0
	i := start + 1
	for {
		if i >= len(format) {
			return o, 0, &CompileError{Offset: start, Reason: "incomplete % directive at end of format"}
		}
		c := format[i]
		switch {
		case c == '!':
			o.neg = true
			i++
		case c == '<' || c == '>' || c == ',':
			i++
		case c == '{':
			if hasArg {
				return o, 0, &CompileError{Offset: start, Reason: "two {arguments} in one % directive"}
			}
			j := strings.IndexByte(format[i+1:], '}')
			if j < 0 {
				return o, 0, &CompileError{Offset: start, Reason: "unterminated { in % directive"}
			}
			arg, hasArg, argOff = format[i+1:i+1+j], true, i+1
			i += j + 2
		case c >= '0' && c <= '9':
			n := 0
			for i < len(format) && format[i] >= '0' && format[i] <= '9' && n < 1000 {
				n = n*10 + int(format[i]-'0')
				i++
			}
			if n < 100 || n > 999 {
				return o, 0, &CompileError{Offset: start, Reason: "status condition must be a three-digit reply code"}
			}
			o.conds = append(o.conds, uint16(n))
		default:
			letter, size := utf8.DecodeRuneInString(format[i:])
			kind, err := letterOp(&o, letter, arg, hasArg, argOff)
			if ce, ok := err.(*CompileError); ok {
				return o, 0, ce // a strftime conversion, with its own offset
			}
			if err != nil {
				return o, 0, &CompileError{Offset: start, Reason: err.Error()}
			}
			o.kind = kind
			return o, i + size, nil
		}
	}
}

// letterOp maps a letter and its argument to an op kind, filling the time
// fields of o where the letter needs them.
func letterOp(o *op, letter rune, arg string, hasArg bool, argOff int) (opKind, error) {
	name := "%" + string(letter)
	noArg := func(k opKind) (opKind, error) {
		if hasArg {
			return 0, errors.New(name + " takes no {argument}")
		}
		return k, nil
	}
	badArg := func() (opKind, error) {
		return 0, errors.New("unknown argument {" + arg + "} to " + name)
	}
	switch letter {
	case 'a', 'h':
		if arg == "" || arg == "c" {
			return opClientIP, nil
		}
		return badArg()
	case 'A':
		return noArg(opLocalIP)
	case 'p':
		switch arg {
		case "", "canonical", "local":
			return opLocalPort, nil
		case "remote":
			return opRemotePort, nil
		}
		return badArg()
	case 'u':
		return noArg(opUser)
	case 'l':
		return noArg(opDash)
	case 'r':
		return noArg(opRequest)
	case 'm':
		return noArg(opMethod)
	case 'U':
		return noArg(opPath)
	case 'f':
		return noArg(opFilename)
	case 'q':
		return noArg(opEmpty)
	case 'H':
		return noArg(opProto)
	case 's':
		return noArg(opStatus)
	case 't':
		return timeOp(o, arg, argOff)
	case 'T':
		switch arg {
		case "", "s":
			return opDurSec, nil
		case "ms":
			return opDurMs, nil
		case "us":
			return opDurUs, nil
		}
		return badArg()
	case 'D':
		return noArg(opDurUs)
	case 'B':
		return noArg(opBytes)
	case 'b':
		return noArg(opBytesCLF)
	case 'I':
		return noArg(opBytesIn)
	case 'O':
		return noArg(opBytesOut)
	case 'v', 'V':
		return noArg(opServer)
	case 'P':
		switch arg {
		case "", "pid":
			return opPid, nil
		case "tid", "hextid":
			return opDash, nil
		}
		return badArg()
	case 'e':
		switch arg {
		case "HTTPS":
			return opEnvHTTPS, nil
		case "do_transfer_log":
			return opEnvTransfer, nil
		}
		return opDash, nil
	case 'i', 'o', 'n', 'C':
		return opDash, nil // FTP has no headers, notes or cookies
	case 'M':
		return noArg(opXferType)
	case 'F':
		return noArg(opXferFlag)
	case 'd':
		return noArg(opXferDir)
	case 'W':
		return noArg(opXferMode)
	case 'S':
		return noArg(opService)
	case 'Z':
		return noArg(opAuthMethod)
	case 'Y':
		return noArg(opAuthUser)
	case 'y':
		return noArg(opXferStatus)
	}
	if letter == utf8.RuneError {
		return 0, errors.New("unknown format letter (invalid UTF-8)")
	}
	return 0, errors.New("unknown format letter " + strconv.Quote(name))
}

func timeOp(o *op, arg string, argOff int) (opKind, error) {
	if a, ok := strings.CutPrefix(arg, "begin:"); ok {
		arg, argOff = a, argOff+len("begin:")
	} else if a, ok := strings.CutPrefix(arg, "end:"); ok {
		arg, argOff, o.end = a, argOff+len("end:"), true
	}
	switch arg {
	case "":
		return opTimeCLF, nil
	case "sec":
		return opTimeSec, nil
	case "msec":
		return opTimeMsec, nil
	case "usec":
		return opTimeUsec, nil
	case "msec_frac":
		return opTimeMsecFrac, nil
	case "usec_frac":
		return opTimeUsecFrac, nil
	}
	tf, err := compileStrftime(arg, argOff)
	if err != nil {
		return 0, err
	}
	o.tf = tf
	return opTimeFmt, nil
}

// quoteConv names the strftime conversion at s[i] for an error message.
func quoteConv(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	if r == utf8.RuneError {
		return "(invalid UTF-8)"
	}
	return strconv.Quote("%" + string(r))
}

// pid is formatted once: the process does not change it.
var pid = strconv.Itoa(os.Getpid())

// rec is the common view of a Command or a Transfer that the ops read.
type rec struct {
	c      *Command
	x      *Transfer
	peer   netip.AddrPort
	local  netip.AddrPort
	user   string
	server string
	status int
	secure bool
	dur    time.Duration
}

// AppendCommand appends one command-log line, ending in '\n', to dst. It
// does not allocate when dst has room. c must not be nil.
func (f *Format) AppendCommand(dst []byte, c *Command) []byte {
	r := rec{c: c, peer: c.Peer, local: c.Local, user: c.User, server: c.ServerName,
		status: c.Status, secure: c.Secure, dur: c.Duration}
	return f.append(dst, &r)
}

// AppendTransfer appends one transfer-log line, ending in '\n', to dst. It
// does not allocate when dst has room. t must not be nil.
func (f *Format) AppendTransfer(dst []byte, t *Transfer) []byte {
	r := rec{x: t, peer: t.Peer, local: t.Local, user: t.User, server: t.ServerName,
		status: t.Status, secure: t.Secure, dur: t.Duration}
	return f.append(dst, &r)
}

func (f *Format) append(dst []byte, r *rec) []byte {
	for i := range f.ops {
		o := &f.ops[i]
		if len(o.conds) > 0 && hasCode(o.conds, r.status) == o.neg {
			dst = append(dst, '-')
			continue
		}
		dst = o.append(dst, r)
	}
	return append(dst, '\n')
}

func hasCode(codes []uint16, status int) bool {
	for _, c := range codes {
		if int(c) == status {
			return true
		}
	}
	return false
}

func (o *op) append(dst []byte, r *rec) []byte {
	switch o.kind {
	case opLit:
		return append(dst, o.lit...)
	case opEmpty:
		return dst
	case opClientIP:
		return appendIP(dst, r.peer)
	case opLocalIP:
		return appendIP(dst, r.local)
	case opLocalPort:
		return appendPort(dst, r.local)
	case opRemotePort:
		return appendPort(dst, r.peer)
	case opUser:
		return appendField(dst, r.user)
	case opRequest:
		if r.c == nil || r.c.Verb == "" {
			break
		}
		dst = appendEscaped(dst, r.c.Verb)
		if arg := commandArg(r.c); arg != "" {
			dst = append(dst, ' ')
			dst = appendEscaped(dst, arg)
		}
		return dst
	case opMethod:
		if r.c != nil {
			return appendField(dst, r.c.Verb)
		}
	case opPath:
		if r.c != nil {
			return appendField(dst, commandArg(r.c))
		}
		return appendPathField(dst, r.x.Path)
	case opFilename:
		if r.x != nil {
			return appendPathField(dst, r.x.Path)
		}
	case opProto:
		return append(dst, "FTP"...)
	case opStatus:
		if r.status > 0 {
			return strconv.AppendInt(dst, int64(r.status), 10)
		}
	case opTimeCLF:
		return appendCLFTime(dst, r.time(o.end))
	case opTimeFmt:
		return appendStrftime(dst, o.tf, r.time(o.end))
	case opTimeSec:
		return strconv.AppendInt(dst, r.time(o.end).Unix(), 10)
	case opTimeMsec:
		return strconv.AppendInt(dst, r.time(o.end).UnixMilli(), 10)
	case opTimeUsec:
		return strconv.AppendInt(dst, r.time(o.end).UnixMicro(), 10)
	case opTimeMsecFrac:
		return appendPadded(dst, r.time(o.end).Nanosecond()/1e6, 3, '0')
	case opTimeUsecFrac:
		return appendPadded(dst, r.time(o.end).Nanosecond()/1e3, 6, '0')
	case opDurSec:
		return strconv.AppendInt(dst, int64(r.dur/time.Second), 10)
	case opDurMs:
		return strconv.AppendInt(dst, r.dur.Milliseconds(), 10)
	case opDurUs:
		return strconv.AppendInt(dst, r.dur.Microseconds(), 10)
	case opBytes:
		if r.x != nil {
			return strconv.AppendInt(dst, r.x.Bytes, 10)
		}
		return append(dst, '0')
	case opBytesCLF:
		if r.x != nil && r.x.Bytes != 0 {
			return strconv.AppendInt(dst, r.x.Bytes, 10)
		}
	case opBytesIn:
		if r.x != nil {
			return appendDirBytes(dst, r.x, DirIncoming)
		}
	case opBytesOut:
		if r.x != nil {
			return appendDirBytes(dst, r.x, DirOutgoing)
		}
	case opServer:
		return appendField(dst, r.server)
	case opPid:
		return append(dst, pid...)
	case opEnvHTTPS:
		if r.secure {
			return append(dst, "on"...)
		}
	case opEnvTransfer:
		if r.x != nil {
			return append(dst, '1')
		}
	case opService:
		return append(dst, "ftp"...)
	case opAuthMethod:
		return append(dst, '0')
	case opXferType:
		if r.x != nil {
			if r.x.ASCII {
				return append(dst, 'a')
			}
			return append(dst, 'b')
		}
	case opXferFlag:
		if r.x != nil {
			return append(dst, '_')
		}
	case opXferDir:
		if r.x != nil {
			switch d := r.x.Direction; d {
			case DirOutgoing, DirIncoming, DirDeleted:
				return append(dst, d)
			}
		}
	case opXferMode:
		if r.x != nil {
			if r.x.Anonymous {
				return append(dst, 'a')
			}
			return append(dst, 'r')
		}
	case opAuthUser:
		if r.x != nil {
			if r.x.AuthUser == "" {
				return append(dst, '*')
			}
			return appendEscaped(dst, r.x.AuthUser)
		}
	case opXferStatus:
		if r.x != nil {
			if r.x.Complete {
				return append(dst, 'c')
			}
			return append(dst, 'i')
		}
	}
	return append(dst, '-') // opDash, and letters without meaning for r
}

// commandArg is the argument a log may show: never PASS's, whatever the
// caller passed.
func commandArg(c *Command) string {
	if strings.EqualFold(c.Verb, "PASS") {
		return ""
	}
	return c.Arg
}

func (r *rec) time(end bool) time.Time {
	if r.c != nil {
		if end {
			return r.c.end()
		}
		return r.c.begin()
	}
	if end {
		return r.x.end()
	}
	return r.x.begin()
}

// appendIP writes an IPv4-mapped IPv6 address (from a dual-stack
// listener) as plain IPv4, as a log reader expects.
func appendIP(dst []byte, ap netip.AddrPort) []byte {
	a := ap.Addr()
	if !a.IsValid() {
		return append(dst, '-')
	}
	return a.Unmap().AppendTo(dst)
}

func appendPort(dst []byte, ap netip.AddrPort) []byte {
	if !ap.IsValid() {
		return append(dst, '-')
	}
	return strconv.AppendUint(dst, uint64(ap.Port()), 10)
}

func appendDirBytes(dst []byte, x *Transfer, dir byte) []byte {
	if x.Direction == dir {
		return strconv.AppendInt(dst, x.Bytes, 10)
	}
	return append(dst, '0')
}
