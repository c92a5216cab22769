package codec

import (
	"bytes"
	"errors"
	"io/fs"
	"strconv"
	"time"
)

// ErrTime reports a time-val that is not "YYYYMMDDHHMMSS[.sss]" (RFC 3659
// §2.3).
var ErrTime = errors.New("codec: malformed time-val")

// Facts is a set of MLST/MLSD facts (RFC 3659 §7.5).
type Facts uint8

// The facts ftpsd can send, in the order they appear in FEAT and in each
// entry.
const (
	FactType     Facts = 1 << iota // RFC 3659 §7.5, "type"
	FactSize                       // RFC 3659 §7.5, "size"
	FactModify                     // RFC 3659 §7.5, "modify"
	FactPerm                       // RFC 3659 §7.5, "perm"
	FactUnique                     // RFC 3659 §7.5, "unique"
	FactUnixMode                   // "UNIX.mode", an OS-specific fact that RFC 3659's own examples use
)

// DefaultFacts are the facts sent until the client chooses with OPTS MLST
// (RFC 3659 §7.8): all but UNIX.mode.
const DefaultFacts = FactType | FactSize | FactModify | FactPerm | FactUnique

// factNames pairs each fact with its name as FEAT and OPTS MLST write it.
var factNames = [...]struct {
	f    Facts
	name string
}{
	{FactType, "type"},
	{FactSize, "size"},
	{FactModify, "modify"},
	{FactPerm, "perm"},
	{FactUnique, "unique"},
	{FactUnixMode, "UNIX.mode"},
}

// AppendFeatMLST appends the fact list of the MLST feature line (RFC 3659
// §7.8): every fact ftpsd supports followed by '*' when it is enabled, then
// ';': "type*;size*;modify*;perm*;unique*;UNIX.mode;".
func AppendFeatMLST(dst []byte, enabled Facts) []byte {
	for _, fn := range factNames {
		dst = append(dst, fn.name...)
		if enabled&fn.f != 0 {
			dst = append(dst, '*')
		}
		dst = append(dst, ';')
	}
	return dst
}

// AppendOptsMLST appends the facts in f as the 200 reply to OPTS MLST
// expects them (RFC 3659 §7.9): "type;size;", or nothing for no facts.
func AppendOptsMLST(dst []byte, f Facts) []byte {
	for _, fn := range factNames {
		if f&fn.f != 0 {
			dst = append(dst, fn.name...)
			dst = append(dst, ';')
		}
	}
	return dst
}

// ParseOptsMLST parses the fact list of OPTS MLST, "type;size;", into a set
// (RFC 3659 §7.9). Fact names match in any case; unknown names and empty
// entries are ignored, and no list at all selects no facts.
func ParseOptsMLST(arg []byte) Facts {
	var f Facts
	for len(arg) > 0 {
		var name []byte
		name, arg, _ = bytes.Cut(arg, []byte{';'})
		for _, fn := range factNames {
			if len(name) == len(fn.name) && equalFoldString(name, fn.name) {
				f |= fn.f
			}
		}
	}
	return f
}

func equalFoldString(b []byte, s string) bool {
	for i := range len(b) {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// AppendMLSx appends one MLSD entry for fi (RFC 3659 §7.2):
//
//	type=file;size=12;modify=20261125012100;perm=rw;unique=803g1a2b; name\r\n
//
// Only the facts in f are written, in the order of the Fact constants:
//   - type is dir for a directory and file for anything else;
//   - size only for a regular file, since RFC 3659 §7.5 leaves the size
//     of a directory undefined;
//   - modify is the modification time in UTC (AppendTime);
//   - perm is the caller's perm string ("r", "adfrw", "elr", "cdeflmp"),
//     written as given, even if empty;
//   - unique is the device and inode from a *syscall.Stat_t in lower-case
//     hex as "<dev>g<ino>", and is left out when fi.Sys() holds none;
//   - UNIX.mode is the permission bits in octal with a leading zero, "0644",
//     with the setuid, setgid and sticky bits when set ("04755").
//
// An MLST reply (RFC 3659 §7.2) sends the same entry on the control
// connection after a leading space and without the "\r\n", which is always
// the last two bytes, so the caller trims it. name is written with its
// control bytes as '?' (AppendName); one holding '\r' or '\n' cannot be
// listed, and the caller skips it.
// AppendMLSx does not allocate when dst has room.
func AppendMLSx(dst []byte, fi fs.FileInfo, name string, f Facts, perm string) []byte {
	typ := "file"
	if fi.IsDir() {
		typ = "dir"
	}
	return AppendMLSxType(dst, fi, name, typ, f, perm)
}

// AppendMLSxType is AppendMLSx with the value of the type fact given by the
// caller: "cdir" for the listed directory itself and "pdir" for its parent
// (RFC 3659 §7.5).
func AppendMLSxType(dst []byte, fi fs.FileInfo, name, typ string, f Facts, perm string) []byte {
	if f&FactType != 0 {
		dst = append(dst, "type="...)
		dst = append(dst, typ...)
		dst = append(dst, ';')
	}
	if f&FactSize != 0 && fi.Mode().IsRegular() {
		dst = append(dst, "size="...)
		dst = strconv.AppendInt(dst, max(fi.Size(), 0), 10)
		dst = append(dst, ';')
	}
	if f&FactModify != 0 {
		dst = append(dst, "modify="...)
		dst = AppendTime(dst, fi.ModTime())
		dst = append(dst, ';')
	}
	if f&FactPerm != 0 {
		dst = append(dst, "perm="...)
		dst = append(dst, perm...)
		dst = append(dst, ';')
	}
	if f&FactUnique != 0 {
		if _, dev, ino, ok := statOf(fi); ok {
			dst = append(dst, "unique="...)
			dst = strconv.AppendUint(dst, dev, 16)
			dst = append(dst, 'g')
			dst = strconv.AppendUint(dst, ino, 16)
			dst = append(dst, ';')
		}
	}
	if f&FactUnixMode != 0 {
		dst = append(dst, "UNIX.mode=0"...)
		dst = strconv.AppendUint(dst, uint64(unixMode(fi.Mode())), 8)
		dst = append(dst, ';')
	}
	dst = append(dst, ' ')
	dst = AppendName(dst, name)
	return append(dst, '\r', '\n')
}

// unixMode gives the st_mode permission and special bits of m.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		u |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		u |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		u |= 0o1000
	}
	return u
}

// AppendTime appends t in UTC as "YYYYMMDDHHMMSS", the time-val of RFC 3659
// §2.3 used by MDTM and the modify fact. Times outside years 0 to 9999,
// which the form cannot hold, are clamped to its first or last second.
func AppendTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	switch {
	case year < 0:
		return append(dst, "00000101000000"...)
	case year > 9999:
		return append(dst, "99991231235959"...)
	}
	dst = append2(dst, year/100)
	dst = append2(dst, year%100)
	dst = append2(dst, int(month))
	dst = append2(dst, day)
	dst = append2(dst, hour)
	dst = append2(dst, minute)
	return append2(dst, sec)
}

// ParseTime parses an RFC 3659 §2.3 time-val, "YYYYMMDDHHMMSS" optionally
// followed by '.' and one or more digits of fraction, as a UTC time. It is
// strict: exactly fourteen digits, a real calendar date, hours 0 to 23,
// minutes 0 to 59 and seconds 0 to 60 (60 for a leap second, which becomes
// the next minute's 00). Digits of fraction beyond nanoseconds are dropped.
func ParseTime(b []byte) (time.Time, error) {
	if len(b) < 14 {
		return time.Time{}, ErrTime
	}
	var v [7]int
	widths := [6]int{4, 2, 2, 2, 2, 2}
	p := b[:14]
	for k, w := range widths {
		for _, c := range p[:w] {
			if !isDigit(c) {
				return time.Time{}, ErrTime
			}
			v[k] = v[k]*10 + int(c-'0')
		}
		p = p[w:]
	}
	frac := b[14:]
	if len(frac) > 0 {
		if frac[0] != '.' || len(frac) == 1 {
			return time.Time{}, ErrTime
		}
		scale := 100000000
		for _, c := range frac[1:] {
			if !isDigit(c) {
				return time.Time{}, ErrTime
			}
			v[6] += int(c-'0') * scale
			scale /= 10
		}
	}
	year, month, day, hour, minute, sec := v[0], v[1], v[2], v[3], v[4], v[5]
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, ErrTime
	}
	// time.Date normalises 31 February to 3 March; refuse dates that moved.
	if d := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC); d.Day() != day {
		return time.Time{}, ErrTime
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, v[6], time.UTC), nil
}
