package ftplog

import (
	"strconv"
	"strings"
	"time"
)

// tfOp is one compiled strftime step: a literal run (code 0) or one
// conversion. Composite conversions (%T, %D, %F, %R, %c, %r, %x, %X) are
// expanded into their parts when the format is compiled.
type tfOp struct {
	code byte
	lit  string
}

// strftimeExpand gives each composite conversion in the C locale.
var strftimeExpand = map[byte]string{
	'T': "%H:%M:%S",
	'D': "%m/%d/%y",
	'F': "%Y-%m-%d",
	'R': "%H:%M",
	'r': "%I:%M:%S %p",
	'c': "%a %b %e %H:%M:%S %Y",
	'x': "%m/%d/%y",
	'X': "%H:%M:%S",
}

// strftimeSimple lists the conversions appendTime handles directly.
const strftimeSimple = "aAbBdehHIjklmMpsSuwyYCzZ"

// compileStrftime compiles a strftime format; base is its offset within
// the whole log format, for error messages.
func compileStrftime(s string, base int) ([]tfOp, error) {
	var ops []tfOp
	lit := make([]byte, 0, len(s))
	flush := func() {
		if len(lit) > 0 {
			ops = append(ops, tfOp{lit: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '%' {
			lit = append(lit, c)
			continue
		}
		if i+1 >= len(s) {
			return nil, &CompileError{Offset: base + i, Reason: "strftime conversion % at end of time format"}
		}
		i++
		c = s[i]
		switch {
		case c == '%':
			lit = append(lit, '%')
		case c == 'n':
			lit = append(lit, '\n')
		case c == 't':
			lit = append(lit, '\t')
		case strftimeExpand[c] != "":
			sub, _ := compileStrftime(strftimeExpand[c], 0)
			for _, o := range sub {
				if o.code == 0 {
					lit = append(lit, o.lit...)
					continue
				}
				flush()
				ops = append(ops, o)
			}
		case c < 0x80 && strings.IndexByte(strftimeSimple, c) >= 0:
			flush()
			ops = append(ops, tfOp{code: c})
		default:
			return nil, &CompileError{Offset: base + i - 1, Reason: "unknown strftime conversion " + quoteConv(s, i)}
		}
	}
	flush()
	return ops, nil
}

var (
	shortDays   = [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	longDays    = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	shortMonths = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	longMonths  = [12]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

// broken is a time taken apart once per time field, in the time's own
// location.
type broken struct {
	year, yday, day, hour, min, sec int
	month                           time.Month
	wday                            time.Weekday
	zone                            string
	off                             int // seconds east of UTC
	unix                            int64
}

func breakTime(t time.Time) broken {
	var b broken
	b.year, b.month, b.day = t.Date()
	b.hour, b.min, b.sec = t.Clock()
	b.yday = t.YearDay()
	b.wday = t.Weekday()
	b.zone, b.off = t.Zone()
	b.unix = t.Unix()
	return b
}

func appendStrftime(dst []byte, ops []tfOp, t time.Time) []byte {
	b := breakTime(t)
	for i := range ops {
		o := &ops[i]
		switch o.code {
		case 0:
			dst = append(dst, o.lit...)
		case 'a':
			dst = append(dst, shortDays[b.wday]...)
		case 'A':
			dst = append(dst, longDays[b.wday]...)
		case 'b', 'h':
			dst = append(dst, shortMonths[b.month-1]...)
		case 'B':
			dst = append(dst, longMonths[b.month-1]...)
		case 'd':
			dst = appendPadded(dst, b.day, 2, '0')
		case 'e':
			dst = appendPadded(dst, b.day, 2, ' ')
		case 'H':
			dst = appendPadded(dst, b.hour, 2, '0')
		case 'k':
			dst = appendPadded(dst, b.hour, 2, ' ')
		case 'I':
			dst = appendPadded(dst, hour12(b.hour), 2, '0')
		case 'l':
			dst = appendPadded(dst, hour12(b.hour), 2, ' ')
		case 'j':
			dst = appendPadded(dst, b.yday, 3, '0')
		case 'm':
			dst = appendPadded(dst, int(b.month), 2, '0')
		case 'M':
			dst = appendPadded(dst, b.min, 2, '0')
		case 'S':
			dst = appendPadded(dst, b.sec, 2, '0')
		case 'p':
			if b.hour < 12 {
				dst = append(dst, "AM"...)
			} else {
				dst = append(dst, "PM"...)
			}
		case 's':
			dst = strconv.AppendInt(dst, b.unix, 10)
		case 'u':
			wd := int(b.wday)
			if wd == 0 {
				wd = 7
			}
			dst = append(dst, byte('0'+wd))
		case 'w':
			dst = append(dst, byte('0'+b.wday))
		case 'y':
			dst = appendPadded(dst, mod(b.year, 100), 2, '0')
		case 'Y':
			dst = strconv.AppendInt(dst, int64(b.year), 10)
		case 'C':
			dst = appendPadded(dst, floorDiv(b.year, 100), 2, '0')
		case 'z':
			dst = appendOffset(dst, b.off)
		case 'Z':
			if b.zone == "" {
				dst = appendOffset(dst, b.off)
			} else {
				dst = append(dst, b.zone...)
			}
		}
	}
	return dst
}

// appendCLFTime appends Apache's %t: [02/Jan/2006:15:04:05 -0700].
func appendCLFTime(dst []byte, t time.Time) []byte {
	b := breakTime(t)
	dst = append(dst, '[')
	dst = appendPadded(dst, b.day, 2, '0')
	dst = append(dst, '/')
	dst = append(dst, shortMonths[b.month-1]...)
	dst = append(dst, '/')
	dst = strconv.AppendInt(dst, int64(b.year), 10)
	dst = append(dst, ':')
	dst = appendPadded(dst, b.hour, 2, '0')
	dst = append(dst, ':')
	dst = appendPadded(dst, b.min, 2, '0')
	dst = append(dst, ':')
	dst = appendPadded(dst, b.sec, 2, '0')
	dst = append(dst, ' ')
	dst = appendOffset(dst, b.off)
	return append(dst, ']')
}

func appendOffset(dst []byte, off int) []byte {
	sign := byte('+')
	if off < 0 {
		sign = '-'
		off = -off
	}
	off /= 60
	dst = append(dst, sign)
	dst = appendPadded(dst, off/60, 2, '0')
	return appendPadded(dst, off%60, 2, '0')
}

// appendPadded appends n right-aligned in width with pad; negative numbers
// (only years can be) are written plainly.
func appendPadded(dst []byte, n, width int, pad byte) []byte {
	if n < 0 {
		return strconv.AppendInt(dst, int64(n), 10)
	}
	digits := 1
	for v := n; v >= 10; v /= 10 {
		digits++
	}
	for ; digits < width; digits++ {
		dst = append(dst, pad)
	}
	return strconv.AppendInt(dst, int64(n), 10)
}

func hour12(h int) int {
	h %= 12
	if h == 0 {
		return 12
	}
	return h
}

func mod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
