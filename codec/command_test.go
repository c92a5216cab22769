package codec

import (
	"bytes"
	"errors"
	"testing"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		verb, arg string
		wantErr   error
	}{
		{"verb only", "NOOP", "NOOP", "", nil},
		{"lower case verb", "noop", "NOOP", "", nil},
		{"mixed case", "Retr file.txt", "RETR", "file.txt", nil},
		{"argument keeps inner spaces", "STOR my file.txt", "STOR", "my file.txt", nil},
		{"argument keeps leading spaces", "RETR  lead", "RETR", " lead", nil},
		{"argument keeps trailing spaces", "RETR trail  ", "RETR", "trail  ", nil},
		{"verb and one space", "PWD ", "PWD", "", nil},
		{"one letter", "A", "A", "", nil},
		{"eight letters", "ABCDEFGH x", "ABCDEFGH", "x", nil},
		{"argument with tab", "SITE a\tb", "SITE", "a\tb", nil},
		{"argument with 8-bit bytes", "RETR \xc3\xa9t\xc3\xa9", "RETR", "\xc3\xa9t\xc3\xa9", nil},
		{"empty", "", "", "", ErrEmpty},
		{"spaces", "   ", "", "", ErrEmpty},
		{"tab", "\t", "", "", ErrEmpty},
		{"nine letters", "ABCDEFGHI", "", "", ErrVerb},
		{"leading space", " NOOP", "", "", ErrVerb},
		{"leading digit", "0NOP", "", "", ErrVerb},
		{"digits after a letter", "xsha256 f 0 9", "XSHA256", "f 0 9", nil},
		{"digit then space", "XSHA1 \"a b\"", "XSHA1", "\"a b\"", nil},
		{"tab after verb", "USER\tbob", "", "", ErrVerb},
		{"hyphen", "X-Y", "", "", ErrVerb},
		{"8-bit verb", "\xc3\xa9", "", "", ErrVerb},
		{"NUL in argument", "RETR a\x00b", "", "", ErrBadChar},
		{"CR in argument", "RETR a\rb", "", "", ErrBadChar},
		{"CR alone", "\r", "", "", ErrBadChar},
		{"NUL in verb", "NO\x00P", "", "", ErrBadChar},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := []byte(tt.line)
			verb, arg, err := ParseCommand(line)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseCommand(%q) err = %v, want %v", tt.line, err, tt.wantErr)
			}
			if string(verb) != tt.verb || string(arg) != tt.arg {
				t.Errorf("ParseCommand(%q) = %q, %q; want %q, %q", tt.line, verb, arg, tt.verb, tt.arg)
			}
			if err != nil && string(line) != tt.line {
				t.Errorf("a rejected line was changed to %q", line)
			}
			if err == nil && &verb[0] != &line[0] {
				t.Errorf("verb does not alias the line")
			}
		})
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{
		"NOOP", "USER anonymous", "PASS guest@", "PORT 132,235,1,2,24,131",
		"EPRT |2|1080::8:800:200C:417A|5282|", "retr  spaced name ", "ABOR", "", " ", "X\x00", "XSHA256 f 0 9", "9X",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		line := bytes.Clone(in)
		verb, arg, err := ParseCommand(line)
		if bytes.IndexByte(in, 0) >= 0 || bytes.IndexByte(in, '\r') >= 0 {
			if !errors.Is(err, ErrBadChar) {
				t.Fatalf("ParseCommand(%q) err = %v, want ErrBadChar", in, err)
			}
		}
		if err != nil {
			if verb != nil || arg != nil || !bytes.Equal(line, in) {
				t.Fatalf("ParseCommand(%q) = %q, %q, %v and line %q", in, verb, arg, err, line)
			}
			return
		}
		if len(verb) < 1 || len(verb) > MaxVerb {
			t.Fatalf("verb %q has bad length", verb)
		}
		for i, c := range verb {
			if (c < 'A' || c > 'Z') && (i == 0 || c < '0' || c > '9') {
				t.Fatalf("verb %q is not an upper-case letter then letters or digits", verb)
			}
		}
		if !bytes.EqualFold(verb, in[:len(verb)]) {
			t.Fatalf("verb %q is not the start of %q", verb, in)
		}
		if len(in) > len(verb) && (in[len(verb)] != ' ' || !bytes.Equal(arg, in[len(verb)+1:])) {
			t.Fatalf("arg %q is not what follows the verb's space in %q", arg, in)
		}
		if len(in) == len(verb) && len(arg) != 0 {
			t.Fatalf("arg %q from a line with only a verb", arg)
		}
	})
}
