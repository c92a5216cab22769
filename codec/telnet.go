package codec

import "bytes"

// Telnet bytes the control channel may carry (RFC 854). FTP uses the Telnet
// protocol on the control connection (RFC 959 §4.1), but only clients that
// send an urgent abort ("IAC IP IAC DM ABOR", RFC 959 §4.1.3) still use it.
const (
	telnetIAC  = 255 // interpret as command
	telnetWILL = 251 // first of WILL, WONT, DO, DONT: each takes one option byte
	telnetDONT = 254
	telnetSE   = 240 // lowest command byte
)

// telnetState is where a Telnet scanner stands between two bytes.
type telnetState uint8

const (
	telData   telnetState = iota // plain data
	telIAC                       // after an IAC
	telOption                    // after IAC WILL/WONT/DO/DONT: the next byte is an option code
)

// step moves the scanner over c and reports whether c is plain data.
func (s telnetState) step(c byte) (telnetState, bool) {
	switch s {
	case telIAC:
		switch {
		case c == telnetIAC:
			return telData, true // IAC IAC is a data 0xFF
		case c >= telnetWILL:
			return telOption, false
		case c >= telnetSE:
			return telData, false
		}
		// A data byte after IAC: the IAC alone is dropped. This happens when
		// the Synch's DM was taken out of band by the urgent pointer.
		return telData, true
	case telOption:
		return telData, false
	}
	if c == telnetIAC {
		return telIAC, false
	}
	return telData, true
}

// StripTelnet removes Telnet command sequences from b in place and returns
// the shortened slice (RFC 854):
//   - IAC IAC becomes one 0xFF data byte;
//   - IAC WILL, WONT, DO or DONT and its option byte are removed;
//   - IAC and any other command byte (240 to 250) are removed;
//   - an IAC followed by a byte below 240 is removed, the byte is kept;
//   - an IAC or IAC WILL/WONT/DO/DONT at the end of b is removed.
//
// So "IAC IP IAC DM ABOR", the urgent abort of RFC 959 §4.1.3, comes out as
// "ABOR". Subnegotiation (IAC SB … IAC SE) is not tracked: FTP servers never
// offer options, so clients do not start one.
func StripTelnet(b []byte) []byte {
	r := bytes.IndexByte(b, telnetIAC)
	if r < 0 {
		return b
	}
	w := r
	st := telData
	for ; r < len(b); r++ {
		c := b[r]
		var data bool
		st, data = st.step(c)
		if data {
			b[w] = c
			w++
		}
	}
	return b[:w]
}
