package codec

import (
	"io/fs"
	"strconv"
	"time"
)

// recentWindow is how old a file may be and still have its time of day
// listed instead of its year: half a Gregorian year, as GNU ls uses.
const recentWindow = 31556952 * time.Second / 2

// futureWindow is how far in the future a modification time may lie and
// still count as recent, so small clock skew between hosts does not switch a
// new file to the year form.
const futureWindow = time.Hour

// AppendList appends one LIST line for fi in the `ls -l` form vsftpd sends
// with hide_ids, which every FTP client parses:
//
//	drwxr-xr-x    2 ftp      ftp          4096 Nov 25 01:21 name\r\n
//
// The fields are the mode (AppendMode), the link count right-aligned in 4
// columns, owner and group "ftp" left-aligned in 8, the size right-aligned
// in 8, the modification time in UTC as "Jan _2 15:04" when it lies within
// six months before now and one hour after it, else as "Jan _2  2006", and
// the name. A non-empty linkTarget adds " -> target". The link count comes
// from fi.Sys() when it is a *syscall.Stat_t, else it is 1.
//
// name and linkTarget are written with their control bytes as '?'
// (AppendName); a name holding '\r' or '\n' cannot be listed faithfully,
// and the caller decides whether to skip it.
// Unlike vsftpd, which writes the day as "%d" ("Nov 05"), the day is padded
// with a space as ls does. AppendList does not allocate when dst has room.
func AppendList(dst []byte, fi fs.FileInfo, name, linkTarget string, now time.Time) []byte {
	return appendList(dst, fi, name, linkTarget, now, true)
}

// AppendListNoIDs is AppendList without the owner and group columns
// (mod_ftp's FTPOptions RemoveUserGroup).
func AppendListNoIDs(dst []byte, fi fs.FileInfo, name, linkTarget string, now time.Time) []byte {
	return appendList(dst, fi, name, linkTarget, now, false)
}

func appendList(dst []byte, fi fs.FileInfo, name, linkTarget string, now time.Time, ids bool) []byte {
	dst = AppendMode(dst, fi.Mode())
	nlink, _, _, ok := statOf(fi)
	if !ok {
		nlink = 1
	}
	dst = append(dst, ' ')
	dst = appendPadUint(dst, nlink, 4)
	if ids {
		dst = append(dst, " ftp      ftp      "...)
	} else {
		dst = append(dst, ' ')
	}
	size := fi.Size()
	if size < 0 {
		size = 0
	}
	dst = appendPadUint(dst, uint64(size), 8)
	dst = append(dst, ' ')
	dst = appendListTime(dst, fi.ModTime(), now)
	dst = append(dst, ' ')
	dst = AppendName(dst, name)
	if linkTarget != "" {
		dst = append(dst, " -> "...)
		dst = AppendName(dst, linkTarget)
	}
	return append(dst, '\r', '\n')
}

var monthAbbr = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// appendListTime writes "Jan _2 15:04" or "Jan _2  2006" for t in UTC.
func appendListTime(dst []byte, t, now time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	dst = append(dst, monthAbbr[month-1]...)
	dst = append(dst, ' ')
	dst = appendPadUint(dst, uint64(day), 2)
	if age := now.Sub(t); age < recentWindow && age >= -futureWindow {
		hour, minute, _ := t.Clock()
		dst = append(dst, ' ')
		dst = append2(dst, hour)
		dst = append(dst, ':')
		return append2(dst, minute)
	}
	dst = append(dst, ' ')
	if year < 0 {
		return strconv.AppendInt(dst, int64(year), 10)
	}
	return appendPadUint(dst, uint64(year), 5)
}

// appendPadUint appends v right-aligned in width columns, as printf's "%*d".
func appendPadUint(dst []byte, v uint64, width int) []byte {
	digits := 1
	for x := v; x >= 10; x /= 10 {
		digits++
	}
	for ; width > digits; width-- {
		dst = append(dst, ' ')
	}
	return strconv.AppendUint(dst, v, 10)
}

// append2 appends v (0 to 99) as two digits.
func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// AppendMode appends the 10-character mode string of ls for m: the type
// letter (d directory, l symbolic link, p named pipe, s socket, c character
// device, b block device, - anything else), then rwx for owner, group and
// others, with s/S for setuid and setgid and t/T for the sticky bit (upper
// case when the execute bit under it is off).
func AppendMode(dst []byte, m fs.FileMode) []byte {
	var t byte = '-'
	switch {
	case m&fs.ModeDir != 0:
		t = 'd'
	case m&fs.ModeSymlink != 0:
		t = 'l'
	case m&fs.ModeNamedPipe != 0:
		t = 'p'
	case m&fs.ModeSocket != 0:
		t = 's'
	case m&fs.ModeCharDevice != 0:
		t = 'c'
	case m&fs.ModeDevice != 0:
		t = 'b'
	}
	p := m.Perm()
	return append(dst, t,
		bit(p, 0o400, 'r'), bit(p, 0o200, 'w'), special(p&0o100 != 0, m&fs.ModeSetuid != 0, 's'),
		bit(p, 0o040, 'r'), bit(p, 0o020, 'w'), special(p&0o010 != 0, m&fs.ModeSetgid != 0, 's'),
		bit(p, 0o004, 'r'), bit(p, 0o002, 'w'), special(p&0o001 != 0, m&fs.ModeSticky != 0, 't'))
}

func bit(p, mask fs.FileMode, c byte) byte {
	if p&mask != 0 {
		return c
	}
	return '-'
}

// special gives the execute column: x or -, or the special bit's letter,
// upper case when execute is off.
func special(exec, set bool, c byte) byte {
	switch {
	case set && exec:
		return c
	case set:
		return c - ('a' - 'A')
	case exec:
		return 'x'
	}
	return '-'
}
