package codec

// Names the server shows (listings, and paths echoed in replies) come from
// the disk, where any byte but '/' and NUL may sit in a name. A control
// byte there could move a client's terminal cursor, recolour it, or, in a
// reply, pass for the end of one; new names with control bytes are refused
// (553), and existing ones are shown with each control byte (below 0x20,
// and DEL) replaced by '?', as `ls -q` and Pure-FTPd do. Such a name is
// shown, not usable: the client cannot send the '?' back for it.
//
// Names holding CR or LF are not listed at all (see AppendList), so no
// listing line is split; in a reply, AppendReply's line breaking already
// keeps them from forging a reply line, and they are escaped here as well.

// isControl reports whether c is a byte a shown name must not carry.
func isControl(c byte) bool { return c < 0x20 || c == 0x7f }

// needsEscape reports whether name holds a control byte.
func needsEscape[S string | []byte](name S) bool {
	for i := 0; i < len(name); i++ {
		if isControl(name[i]) {
			return true
		}
	}
	return false
}

// AppendName appends name as a listing or reply shows it: control bytes
// become '?'. It does not allocate when dst has room.
func AppendName(dst []byte, name string) []byte {
	if !needsEscape(name) {
		return append(dst, name...)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if isControl(c) {
			c = '?'
		}
		dst = append(dst, c)
	}
	return dst
}

// ShownName is AppendName for a reply's text: name itself (no allocation)
// when it holds no control byte, else a copy with them replaced.
func ShownName(name string) string {
	if !needsEscape(name) {
		return name
	}
	return string(AppendName(make([]byte, 0, len(name)), name))
}
