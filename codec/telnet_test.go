package codec

import (
	"bytes"
	"testing"
)

func TestStripTelnet(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no IAC", "RETR file", "RETR file"},
		{"empty", "", ""},
		{"urgent abort (RFC 959 §4.1.3)", "\xff\xf4\xff\xf2ABOR", "ABOR"},
		{"abort with DM taken out of band", "\xff\xf4\xffABOR", "ABOR"},
		{"escaped IAC", "a\xff\xffb", "a\xffb"},
		{"two escaped IACs", "\xff\xff\xff\xff", "\xff\xff"},
		{"WILL option", "a\xff\xfb\x01b", "ab"},
		{"WONT option", "a\xff\xfc\x01b", "ab"},
		{"DO option", "a\xff\xfd\x03b", "ab"},
		{"DONT option", "a\xff\xfe\x03b", "ab"},
		{"DO with IAC as option", "a\xff\xfd\xffb", "ab"},
		{"DO with LF as option", "a\xff\xfd\nb", "ab"},
		{"NOP", "a\xff\xf1b", "ab"},
		{"SE, lowest command", "a\xff\xf0b", "ab"},
		{"SB", "a\xff\xfab", "ab"},
		{"IAC then data byte keeps the byte", "a\xffAb", "aAb"},
		{"IAC then 239 keeps the byte", "a\xff\xefb", "a\xefb"},
		{"trailing IAC", "ab\xff", "ab"},
		{"trailing IAC WILL", "ab\xff\xfb", "ab"},
		{"only IAC", "\xff", ""},
		{"IAC IAC then command", "\xff\xff\xff\xf4x", "\xffx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf := []byte(tt.in)
			got := StripTelnet(buf)
			if string(got) != tt.want {
				t.Errorf("StripTelnet(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if len(got) > 0 && &got[0] != &buf[0] {
				t.Errorf("StripTelnet did not work in place")
			}
		})
	}
}

// stripTelnetRef is a plain restatement of the RFC 854 rules, to check
// StripTelnet against.
func stripTelnetRef(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		if b[i] != 0xff {
			out = append(out, b[i])
			i++
			continue
		}
		if i+1 == len(b) {
			break
		}
		switch c := b[i+1]; {
		case c == 0xff:
			out = append(out, 0xff)
			i += 2
		case c >= 251:
			i += 3
		case c >= 240:
			i += 2
		default:
			i++
		}
	}
	return out
}

func FuzzStripTelnet(f *testing.F) {
	f.Add([]byte("\xff\xf4\xff\xf2ABOR"))
	f.Add([]byte("a\xff\xffb\xff\xfd\x01c\xff"))
	f.Add([]byte("RETR x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		want := stripTelnetRef(b)
		got := StripTelnet(bytes.Clone(b))
		if !bytes.Equal(got, want) {
			t.Fatalf("StripTelnet(%q) = %q, want %q", b, got, want)
		}
	})
}
