package codec

import (
	"bytes"
	"errors"
	"net/netip"
	"strconv"
)

// Errors from the host-port codecs. The loop answers ErrHostPort with 501
// and ErrNetProto with 522 (RFC 2428 §2, §3).
var (
	ErrHostPort = errors.New("codec: malformed host-port")
	ErrNetProto = errors.New("codec: network protocol not supported")
)

// ParsePORT parses the argument of PORT (RFC 959 §4.1.2),
// "h1,h2,h3,h4,p1,p2": six decimal numbers of one to three digits, each 0 to
// 255, with no spaces between them; spaces around the whole argument are
// allowed. Port 0 is refused. The address is not checked: the caller compares
// it with the control connection's peer (no FTP bounce).
func ParsePORT(arg []byte) (netip.AddrPort, error) {
	var v [6]byte
	rest, ok := parseHostPort(trimSpace(arg), &v)
	if !ok || len(rest) != 0 {
		return netip.AddrPort{}, ErrHostPort
	}
	return hostPort(v)
}

// parseHostPort reads "h1,h2,h3,h4,p1,p2" from the start of b into v and
// returns what follows.
func parseHostPort(b []byte, v *[6]byte) (rest []byte, ok bool) {
	for k := range v {
		if k > 0 {
			if len(b) == 0 || b[0] != ',' {
				return b, false
			}
			b = b[1:]
		}
		n, i := 0, 0
		for i < len(b) && i < 4 && isDigit(b[i]) {
			n = n*10 + int(b[i]-'0')
			i++
		}
		if i == 0 || i > 3 || n > 255 {
			return b, false
		}
		v[k] = byte(n)
		b = b[i:]
	}
	return b, true
}

func hostPort(v [6]byte) (netip.AddrPort, error) {
	port := uint16(v[4])<<8 | uint16(v[5])
	if port == 0 {
		return netip.AddrPort{}, ErrHostPort
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte{v[0], v[1], v[2], v[3]}), port), nil
}

// AppendPASV appends ap as "h1,h2,h3,h4,p1,p2", the address form of the 227
// reply (RFC 959 §4.1.2) and of the PORT argument. ap must hold an IPv4 or
// IPv4-mapped IPv6 address; the caller checks, and any other address is
// written as 0,0,0,0.
func AppendPASV(dst []byte, ap netip.AddrPort) []byte {
	var a4 [4]byte
	if a := ap.Addr().Unmap(); a.Is4() {
		a4 = a.As4()
	}
	for _, b := range a4 {
		dst = strconv.AppendUint(dst, uint64(b), 10)
		dst = append(dst, ',')
	}
	dst = strconv.AppendUint(dst, uint64(ap.Port()>>8), 10)
	dst = append(dst, ',')
	return strconv.AppendUint(dst, uint64(ap.Port()&0xff), 10)
}

// ParsePASV finds the address in the text of a 227 reply, for the client
// side: the first run of "h1,h2,h3,h4,p1,p2" in text, in parentheses or not
// ("Entering Passive Mode (192,168,1,2,19,137)."). RFC 959 leaves the rest of
// the text free. Port 0 is refused.
func ParsePASV(text []byte) (netip.AddrPort, error) {
	for i := 0; i < len(text); i++ {
		// Start only at a number that does not continue a longer list, so
		// "1,2,3,4,5,6,7" is refused rather than read from its second field.
		if !isDigit(text[i]) || (i > 0 && (isDigit(text[i-1]) || text[i-1] == ',')) {
			continue
		}
		var v [6]byte
		rest, ok := parseHostPort(text[i:], &v)
		if ok && (len(rest) == 0 || (rest[0] != ',' && !isDigit(rest[0]))) {
			return hostPort(v)
		}
	}
	return netip.AddrPort{}, ErrHostPort
}

// ParseEPRT parses the argument of EPRT (RFC 2428 §2),
// "<d><af><d><addr><d><port><d>", where d is any ASCII character from 33 to
// 126 that does not occur in the fields. af 1 needs an IPv4 address in dotted
// form, af 2 an IPv6 address (an IPv4-mapped one is kept as given); another
// number gives ErrNetProto so the caller can answer 522. The port must be 1
// to 65535. Zones are refused. Spaces around the argument are allowed.
func ParseEPRT(arg []byte) (netip.AddrPort, error) {
	arg = trimSpace(arg)
	if len(arg) < 2 || arg[0] < 33 || arg[0] > 126 || arg[len(arg)-1] != arg[0] {
		return netip.AddrPort{}, ErrHostPort
	}
	d := arg[0]
	fields := arg[1 : len(arg)-1]
	af, fields, ok1 := bytes.Cut(fields, []byte{d})
	addr, port, ok2 := bytes.Cut(fields, []byte{d})
	if !ok1 || !ok2 || bytes.IndexByte(port, d) >= 0 {
		return netip.AddrPort{}, ErrHostPort
	}
	proto, err := parseNetProto(af)
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, ok := parsePort(port)
	if !ok {
		return netip.AddrPort{}, ErrHostPort
	}
	var a netip.Addr
	if proto == 1 {
		a, ok = parseIPv4(addr)
	} else {
		a, ok = parseIPv6(addr)
	}
	if !ok {
		return netip.AddrPort{}, ErrHostPort
	}
	return netip.AddrPortFrom(a, p), nil
}

// parseNetProto reads an RFC 2428 address family number: 1 or 2.
func parseNetProto(b []byte) (int, error) {
	if len(b) == 1 && (b[0] == '1' || b[0] == '2') {
		return int(b[0] - '0'), nil
	}
	if len(b) == 0 {
		return 0, ErrHostPort
	}
	for _, c := range b {
		if !isDigit(c) {
			return 0, ErrHostPort
		}
	}
	return 0, ErrNetProto
}

// parsePort reads a decimal TCP port, 1 to 65535.
func parsePort(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 5 {
		return 0, false
	}
	n := 0
	for _, c := range b {
		if !isDigit(c) {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if n < 1 || n > 65535 {
		return 0, false
	}
	return uint16(n), true
}

// parseIPv4 reads a dotted-quad IPv4 address without allocating: four
// numbers of one to three digits, each 0 to 255.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var a [4]byte
	for k := range a {
		if k > 0 {
			if len(b) == 0 || b[0] != '.' {
				return netip.Addr{}, false
			}
			b = b[1:]
		}
		n, i := 0, 0
		for i < len(b) && i < 4 && isDigit(b[i]) {
			n = n*10 + int(b[i]-'0')
			i++
		}
		if i == 0 || i > 3 || n > 255 {
			return netip.Addr{}, false
		}
		a[k] = byte(n)
		b = b[i:]
	}
	return netip.AddrFrom4(a), len(b) == 0
}

// parseIPv6 reads an IPv6 address in any RFC 4291 §2.2 text form, without a
// zone.
func parseIPv6(b []byte) (netip.Addr, bool) {
	if len(b) == 0 || len(b) > len("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") ||
		bytes.IndexByte(b, '%') >= 0 || bytes.IndexByte(b, ':') < 0 {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(string(b))
	if err != nil || !a.Is6() {
		return netip.Addr{}, false
	}
	return a, true
}

// AppendEPRT appends ap as an EPRT argument with '|' as the delimiter (RFC
// 2428 §2): "|1|132.235.1.2|6275|" or "|2|1080::8:800:200c:417a|5282|".
// An IPv4-mapped IPv6 address is written with af 2, as it is given.
func AppendEPRT(dst []byte, ap netip.AddrPort) []byte {
	a := ap.Addr().WithZone("")
	if a.Is4() {
		dst = append(dst, "|1|"...)
	} else {
		dst = append(dst, "|2|"...)
	}
	dst = a.AppendTo(dst)
	dst = append(dst, '|')
	dst = strconv.AppendUint(dst, uint64(ap.Port()), 10)
	return append(dst, '|')
}

// AppendEPSV appends the address part of the 229 reply (RFC 2428 §3):
// "(|||port|)".
func AppendEPSV(dst []byte, port uint16) []byte {
	dst = append(dst, "(|||"...)
	dst = strconv.AppendUint(dst, uint64(port), 10)
	return append(dst, "|)"...)
}

// ParseEPSV finds the port in the text of a 229 reply, for the client side:
// "Entering Extended Passive Mode (|||6446|)". Any delimiter from 33 to 126
// is accepted, as RFC 2428 §3 allows, as long as all four are the same.
func ParseEPSV(text []byte) (uint16, error) {
	for i := 0; i < len(text); i++ {
		if text[i] != '(' || len(text)-i < len("(|||1|)") {
			continue
		}
		d := text[i+1]
		if d < 33 || d > 126 || text[i+2] != d || text[i+3] != d {
			continue
		}
		rest := text[i+4:]
		j := bytes.IndexByte(rest, d)
		if j < 0 || j+1 >= len(rest) || rest[j+1] != ')' {
			continue
		}
		if p, ok := parsePort(rest[:j]); ok {
			return p, nil
		}
	}
	return 0, ErrHostPort
}

// ParseEPSVArg parses the argument of EPSV (RFC 2428 §3): none gives
// (false, 0); "ALL" in any case gives all; "1" or "2" gives that network
// protocol; any other number gives ErrNetProto (answer 522) and anything else
// ErrHostPort. Spaces around the argument are allowed.
func ParseEPSVArg(arg []byte) (all bool, proto int, err error) {
	arg = trimSpace(arg)
	switch {
	case len(arg) == 0:
		return false, 0, nil
	case bytes.EqualFold(arg, []byte("ALL")):
		return true, 0, nil
	}
	proto, err = parseNetProto(arg)
	if err != nil {
		return false, 0, err
	}
	return false, proto, nil
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}
