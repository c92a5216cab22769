package codec

import (
	"errors"
	"io/fs"
	"testing"
	"time"
)

func TestAppendFeatMLST(t *testing.T) {
	tests := []struct {
		name  string
		facts Facts
		want  string
	}{
		{"default", DefaultFacts, "type*;size*;modify*;perm*;unique*;UNIX.mode;"},
		{"all", DefaultFacts | FactUnixMode, "type*;size*;modify*;perm*;unique*;UNIX.mode*;"},
		{"none", 0, "type;size;modify;perm;unique;UNIX.mode;"},
		{"type and size", FactType | FactSize, "type*;size*;modify;perm;unique;UNIX.mode;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendFeatMLST(nil, tt.facts)); got != tt.want {
				t.Errorf("AppendFeatMLST = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOptsMLST(t *testing.T) {
	tests := []struct {
		name  string
		arg   string
		facts Facts
		reply string
	}{
		{"RFC 3659 example", "Type;Size;Modify;UNIX.mode;", FactType | FactSize | FactModify | FactUnixMode, "type;size;modify;UNIX.mode;"},
		{"lower case", "type;size;", FactType | FactSize, "type;size;"},
		{"upper case", "TYPE;PERM;UNIQUE;", FactType | FactPerm | FactUnique, "type;perm;unique;"},
		{"no trailing semicolon", "type", FactType, "type;"},
		{"unknown facts ignored", "lang;Type;media-type;X.hidden;", FactType, "type;"},
		{"prefix of a fact is not the fact", "typ;sizes;", 0, ""},
		{"empty list selects none", "", 0, ""},
		{"empty entries", ";;modify;;", FactModify, "modify;"},
		{"order does not matter", "perm;type;", FactType | FactPerm, "type;perm;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseOptsMLST([]byte(tt.arg))
			if got != tt.facts {
				t.Errorf("ParseOptsMLST(%q) = %06b, want %06b", tt.arg, got, tt.facts)
			}
			if reply := string(AppendOptsMLST(nil, got)); reply != tt.reply {
				t.Errorf("AppendOptsMLST = %q, want %q", reply, tt.reply)
			}
		})
	}
}

func TestAppendMLSx(t *testing.T) {
	hatch := time.Date(1994, time.September, 16, 5, 56, 48, 0, time.UTC)
	tmp := time.Date(1998, time.November, 7, 8, 52, 15, 0, time.UTC)
	mod := time.Date(2026, time.November, 25, 1, 21, 0, 0, time.UTC)
	base := FactType | FactSize | FactModify | FactPerm
	tests := []struct {
		name   string
		fi     *fakeInfo
		fname  string
		typ    string // "" for AppendMLSx
		facts  Facts
		perm   string
		want   string
		needSt bool
	}{
		{
			// RFC 3659 §7.7 lists "Type=file;Size=1830;Modify=19940916055648;Perm=r; hatch.c".
			"RFC 3659 file example", &fakeInfo{size: 1830, mode: 0o644, mod: hatch}, "hatch.c", "", base, "r",
			"type=file;size=1830;modify=19940916055648;perm=r; hatch.c\r\n", false,
		},
		{
			// RFC 3659 §7.7 lists "Type=dir;Modify=19981107085215;Perm=el; /tmp".
			"RFC 3659 directory example", &fakeInfo{size: 4096, mode: fs.ModeDir | 0o755, mod: tmp}, "/tmp", "", base, "el",
			"type=dir;modify=19981107085215;perm=el; /tmp\r\n", false,
		},
		{
			"RFC 3659 cdir example", &fakeInfo{size: 4096, mode: fs.ModeDir | 0o755, mod: tmp}, "tmp", "cdir", base, "el",
			"type=cdir;modify=19981107085215;perm=el; tmp\r\n", false,
		},
		{
			"pdir", &fakeInfo{mode: fs.ModeDir | 0o755, mod: tmp}, "..", "pdir", base, "el",
			"type=pdir;modify=19981107085215;perm=el; ..\r\n", false,
		},
		{
			"RFC 3659 empty perm", &fakeInfo{size: 25730, mode: 0o644, mod: hatch}, "capmux.tar.z", "", base, "",
			"type=file;size=25730;modify=19940916055648;perm=; capmux.tar.z\r\n", false,
		},
		{
			"all default facts with Stat_t", &fakeInfo{size: 12, mode: 0o644, mod: mod, sys: testStat()}, "name", "", DefaultFacts, "rw",
			"type=file;size=12;modify=20261125012100;perm=rw;unique=803g1a2b; name\r\n", true,
		},
		{
			"unique left out without Stat_t", &fakeInfo{size: 12, mode: 0o644, mod: mod}, "name", "", DefaultFacts, "rw",
			"type=file;size=12;modify=20261125012100;perm=rw; name\r\n", false,
		},
		{
			"UNIX.mode", &fakeInfo{size: 1, mode: 0o644, mod: mod}, "a", "", FactType | FactUnixMode, "",
			"type=file;UNIX.mode=0644; a\r\n", false,
		},
		{
			"UNIX.mode with setuid", &fakeInfo{size: 1, mode: fs.ModeSetuid | 0o755, mod: mod}, "a", "", FactUnixMode, "",
			"UNIX.mode=04755; a\r\n", false,
		},
		{
			"UNIX.mode of a sticky directory", &fakeInfo{mode: fs.ModeDir | fs.ModeSticky | 0o777, mod: mod}, "t", "", FactUnixMode, "",
			"UNIX.mode=01777; t\r\n", false,
		},
		{
			"UNIX.mode zero", &fakeInfo{mode: 0, mod: mod}, "a", "", FactUnixMode, "",
			"UNIX.mode=00; a\r\n", false,
		},
		{
			"no facts", &fakeInfo{size: 1, mode: 0o644, mod: mod}, "a", "", 0, "r",
			" a\r\n", false,
		},
		{
			"size of a symbolic link left out", &fakeInfo{size: 7, mode: fs.ModeSymlink | 0o777, mod: mod}, "l", "", FactType | FactSize, "",
			"type=file; l\r\n", false,
		},
		{
			"modify in UTC", &fakeInfo{size: 1, mode: 0o644, mod: mod.In(time.FixedZone("X", 9*3600))}, "a", "", FactModify, "",
			"modify=20261125012100; a\r\n", false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needSt && tt.fi.sys == nil {
				t.Skip("no syscall.Stat_t on this platform")
			}
			var got []byte
			if tt.typ == "" {
				got = AppendMLSx([]byte("x"), tt.fi, tt.fname, tt.facts, tt.perm)
			} else {
				got = AppendMLSxType([]byte("x"), tt.fi, tt.fname, tt.typ, tt.facts, tt.perm)
			}
			if string(got) != "x"+tt.want {
				t.Errorf("got  %q\nwant %q", got, "x"+tt.want)
			}
		})
	}
}

func TestAppendTime(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"RFC 3659 example", time.Date(1994, time.September, 16, 5, 56, 48, 0, time.UTC), "19940916055648"},
		{"fraction dropped", time.Date(2026, time.November, 25, 1, 21, 0, 999999999, time.UTC), "20261125012100"},
		{"converted to UTC", time.Date(2026, time.January, 1, 0, 30, 0, 0, time.FixedZone("X", 3600)), "20251231233000"},
		{"zero time", time.Time{}, "00010101000000"},
		{"year 9999", time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC), "99991231235959"},
		{"after year 9999 clamped", time.Date(10000, time.January, 1, 0, 0, 0, 0, time.UTC), "99991231235959"},
		{"before year 0 clamped", time.Date(-1, time.June, 1, 0, 0, 0, 0, time.UTC), "00000101000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendTime(nil, tt.t)); got != tt.want {
				t.Errorf("AppendTime(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want time.Time // zero for ErrTime
	}{
		{"RFC 3659 example", "19940916055648", time.Date(1994, time.September, 16, 5, 56, 48, 0, time.UTC)},
		{"RFC 3659 fraction example", "19980615100045.014", time.Date(1998, time.June, 15, 10, 0, 45, 14000000, time.UTC)},
		{"one fraction digit", "20261125012100.5", time.Date(2026, time.November, 25, 1, 21, 0, 500000000, time.UTC)},
		{"nanoseconds", "20261125012100.123456789", time.Date(2026, time.November, 25, 1, 21, 0, 123456789, time.UTC)},
		{"extra fraction digits dropped", "20261125012100.1234567891", time.Date(2026, time.November, 25, 1, 21, 0, 123456789, time.UTC)},
		{"leap day", "20240229000000", time.Date(2024, time.February, 29, 0, 0, 0, 0, time.UTC)},
		{"leap second", "20161231235960", time.Date(2017, time.January, 1, 0, 0, 0, 0, time.UTC)},
		{"year 0", "00000101000000", time.Date(0, time.January, 1, 0, 0, 0, 0, time.UTC)},
		{"no leap day", "20230229000000", time.Time{}},
		{"31 April", "20260431000000", time.Time{}},
		{"month 0", "20260025000000", time.Time{}},
		{"month 13", "20261325000000", time.Time{}},
		{"day 0", "20261100000000", time.Time{}},
		{"hour 24", "20261125240000", time.Time{}},
		{"minute 60", "20261125236000", time.Time{}},
		{"second 61", "20261125235961", time.Time{}},
		{"too short", "2026112501210", time.Time{}},
		{"fifteen digits", "202611250121000", time.Time{}},
		{"dot alone", "20261125012100.", time.Time{}},
		{"letter in fraction", "20261125012100.1x", time.Time{}},
		{"letter", "2026112501210x", time.Time{}},
		{"sign", "+0261125012100", time.Time{}},
		{"space", " 20261125012100", time.Time{}},
		{"empty", "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTime([]byte(tt.in))
			if tt.want.IsZero() {
				if !errors.Is(err, ErrTime) {
					t.Errorf("ParseTime(%q) = %v, %v; want ErrTime", tt.in, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzParseTime(f *testing.F) {
	f.Add([]byte("19940916055648"))
	f.Add([]byte("19980615100045.014"))
	f.Add([]byte("20161231235960"))
	f.Add([]byte("20230229000000"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tm, err := ParseTime(b)
		if err != nil {
			return
		}
		if len(b) < 14 {
			t.Fatalf("ParseTime(%q) accepted a short input", b)
		}
		out := AppendTime(nil, tm)
		if b[12] != '6' && string(out) != string(b[:14]) {
			t.Fatalf("ParseTime(%q) = %v, formatted back as %q", b, tm, out)
		}
		if back, err := ParseTime(out); err != nil || !back.Equal(tm.Truncate(time.Second)) {
			t.Fatalf("round trip of %q gave %v, %v", out, back, err)
		}
	})
}

func BenchmarkAppendMLSx(b *testing.B) {
	fi := &fakeInfo{size: 1 << 20, mode: 0o644, mod: listNow, sys: testStat()}
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendMLSx(dst[:0], fi, "some-file-name.tar.gz", DefaultFacts, "adfrw")
	}
}
