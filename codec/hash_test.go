package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseHashAlgo(t *testing.T) {
	tests := []struct {
		in   string
		want HashAlgo
		ok   bool
	}{
		{"SHA-256", HashSHA256, true},
		{"sha-256", HashSHA256, true},
		{"SHA256", HashSHA256, true},
		{"SHA-512", HashSHA512, true},
		{"Sha512", HashSHA512, true},
		{"SHA-1", HashSHA1, true},
		{"sha1", HashSHA1, true},
		{"MD5", HashMD5, true},
		{"md5", HashMD5, true},
		{"CRC32", HashCRC32, true},
		{"crc", HashCRC32, true},
		{"CRC-37", 0, false},
		{"SHA-384", 0, false},
		{"", 0, false},
		{"SHA-256-TOOLONG", 0, false},
	}
	for _, tc := range tests {
		got, ok := ParseHashAlgo([]byte(tc.in))
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseHashAlgo(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	for a := range HashAlgoCount {
		if got, ok := ParseHashAlgo([]byte(a.String())); !ok || got != a {
			t.Errorf("ParseHashAlgo(%q) = %v, %v: the name FEAT shows does not parse back", a, got, ok)
		}
	}
}

func TestAppendFeatHash(t *testing.T) {
	tests := []struct {
		sel  HashAlgo
		want string
	}{
		{HashSHA256, "SHA-256*;SHA-512;SHA-1;MD5;CRC32"},
		{HashMD5, "SHA-256;SHA-512;SHA-1;MD5*;CRC32"},
		{HashCRC32, "SHA-256;SHA-512;SHA-1;MD5;CRC32*"},
	}
	for _, tc := range tests {
		if got := string(AppendFeatHash(nil, tc.sel)); got != tc.want {
			t.Errorf("AppendFeatHash(%v) = %q, want %q", tc.sel, got, tc.want)
		}
	}
}

func TestParseHashPath(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            bool
	}{
		{"plain", "file.iso", "file.iso", false},
		{"spaces kept", "a file name", "a file name", false},
		{"quoted (WinSCP)", `"/pub/a file"`, "/pub/a file", false},
		{"one quote only", `"abc`, `"abc`, false},
		{"empty quotes", `""`, "", true},
		{"empty", "", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseHashPath([]byte(tc.in))
			if (err != nil) != tc.err || string(got) != tc.want {
				t.Fatalf("ParseHashPath(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestParseXHash(t *testing.T) {
	tests := []struct {
		name, in string
		want     HashArgs
		err      bool
	}{
		{"path (FluentFTP)", "file.bin", HashArgs{Path: []byte("file.bin")}, false},
		{"quoted path (WinSCP)", `"/dir/a file"`, HashArgs{Path: []byte("/dir/a file")}, false},
		{"unquoted path with spaces", "a file", HashArgs{Path: []byte("a file")}, false},
		{"path start end", "file 0 100", HashArgs{Path: []byte("file"), Start: 0, End: 100, Ranged: true}, false},
		{"quoted path start end", `"a b" 10 20`, HashArgs{Path: []byte("a b"), Start: 10, End: 20, Ranged: true}, false},
		{"spaced path start end", "a b 10 20", HashArgs{Path: []byte("a b"), Start: 10, End: 20, Ranged: true}, false},
		{"one trailing number is the name", "track 01", HashArgs{Path: []byte("track 01")}, false},
		{"only numbers is a name", "0 100", HashArgs{Path: []byte("0 100")}, false},
		{"unterminated quote is a name", `"abc`, HashArgs{Path: []byte(`"abc`)}, false},
		{"end before start", "file 100 50", HashArgs{}, true},
		{"empty range", "file 5 5", HashArgs{}, true},
		{"quoted, one number", `"file" 100`, HashArgs{}, true},
		{"quoted, junk", `"file" x y`, HashArgs{}, true},
		{"quoted, no space", `"file"0 1`, HashArgs{}, true},
		{"quoted, three numbers", `"file" 1 2 3`, HashArgs{}, true},
		{"empty quotes", `"" 0 1`, HashArgs{}, true},
		{"empty", "", HashArgs{}, true},
		{"offset too long", `"f" 0 1234567890123456789`, HashArgs{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseXHash([]byte(tc.in))
			if tc.err {
				if !errors.Is(err, ErrHashArgs) {
					t.Fatalf("ParseXHash(%q) = %+v, %v; want ErrHashArgs", tc.in, got, err)
				}
				return
			}
			if err != nil || !bytes.Equal(got.Path, tc.want.Path) || got.Start != tc.want.Start ||
				got.End != tc.want.End || got.Ranged != tc.want.Ranged {
				t.Fatalf("ParseXHash(%q) = {%q %d %d %v}, %v; want {%q %d %d %v}", tc.in, got.Path, got.Start,
					got.End, got.Ranged, err, tc.want.Path, tc.want.Start, tc.want.End, tc.want.Ranged)
			}
		})
	}
}

// FuzzHashArgs drives the argument parsers of HASH, OPTS HASH and the X*
// checksum commands: they never panic, and what they accept holds their
// promises (a non-empty path taken from the argument, a valid range).
func FuzzHashArgs(f *testing.F) {
	for _, s := range []string{
		"file.iso", `"/pub/a file"`, "a b 10 20", `"x" 0 1`, "file 0 100", "track 01", `""`, `"abc`,
		"SHA-256", "crc", "f 9 1", `"f" 100`, "0 100", " ", `" " 1 2`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if a, ok := ParseHashAlgo(in); ok && a >= HashAlgoCount {
			t.Fatalf("ParseHashAlgo(%q) = %v", in, a)
		}
		if p, err := ParseHashPath(in); err == nil && (len(p) == 0 || !bytes.Contains(in, p)) {
			t.Fatalf("ParseHashPath(%q) = %q", in, p)
		}
		a, err := ParseXHash(in)
		if err != nil {
			if !errors.Is(err, ErrHashArgs) {
				t.Fatalf("ParseXHash(%q): %v", in, err)
			}
			return
		}
		if len(a.Path) == 0 || !bytes.Contains(in, a.Path) {
			t.Fatalf("ParseXHash(%q) path %q", in, a.Path)
		}
		if a.Ranged && (a.Start < 0 || a.End <= a.Start) {
			t.Fatalf("ParseXHash(%q) range %d-%d", in, a.Start, a.End)
		}
		if !a.Ranged && (a.Start != 0 || a.End != 0) {
			t.Fatalf("ParseXHash(%q) unranged with %d-%d", in, a.Start, a.End)
		}
	})
}
