package codec

import (
	"errors"
	"strings"
	"testing"
)

func TestAppendReply(t *testing.T) {
	tests := []struct {
		name string
		code Code
		msg  string
		want string
	}{
		{"single line", CodeOK, "NOOP ok.", "200 NOOP ok.\r\n"},
		{"empty message keeps the space", CodeOK, "", "200 \r\n"},
		{"trailing LF ignored", CodeServiceReady, "ready\n", "220 ready\r\n"},
		{"trailing CRLF ignored", CodeServiceReady, "ready\r\n", "220 ready\r\n"},
		{"trailing CR ignored", CodeServiceReady, "ready\r", "220 ready\r\n"},
		{"only a line break", CodeOK, "\n", "200 \r\n"},
		{"only one trailing break ignored", CodeOK, "a\n\n", "200-a\r\n200 \r\n"},
		{"text starting with digits on one line", CodeOK, "123 go", "200 123 go\r\n"},
		{
			"FEAT", CodeSystemStatus, "Features:\n EPRT\n EPSV\n MLST type*;size*;\nEnd",
			"211-Features:\r\n EPRT\r\n EPSV\r\n MLST type*;size*;\r\n211 End\r\n",
		},
		{"two lines", CodeHelp, "first\nlast", "214-first\r\n214 last\r\n"},
		{"CRLF breaks", CodeHelp, "a\r\nb\r\nc", "214-a\r\nb\r\n214 c\r\n"},
		{"lone CR breaks", CodeHelp, "a\rb\rc", "214-a\r\nb\r\n214 c\r\n"},
		{"LF CR is two breaks", CodeHelp, "a\n\rb", "214-a\r\n\r\n214 b\r\n"},
		{"empty middle line", CodeHelp, "a\n\nb", "214-a\r\n\r\n214 b\r\n"},
		{"empty first and last lines", CodeHelp, "\nx\n\n", "214-\r\nx\r\n214 \r\n"},
		{
			// RFC 959 §4.2: an intermediary line that begins with a 3-digit
			// number must be padded so it cannot end the reply.
			"middle line like an end line", CodeFileStatus, "status\n213 fake end\nEnd",
			"213-status\r\n 213 fake end\r\n213 End\r\n",
		},
		{"middle line like a continuation", CodeHelp, "a\n500-x\nb", "214-a\r\n 500-x\r\n214 b\r\n"},
		{"middle line that is only a code", CodeHelp, "a\n226\nb", "214-a\r\n 226\r\n214 b\r\n"},
		{"middle line with digits then letters", CodeHelp, "a\n226x\nb", "214-a\r\n226x\r\n214 b\r\n"},
		{"middle line with two digits", CodeHelp, "a\n22 x\nb", "214-a\r\n22 x\r\n214 b\r\n"},
		{
			"RFC 959 §4.2 example", 123,
			"First line\nSecond line\n  234 A line beginning with numbers\nThe last line",
			"123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := "x"
			if got := string(AppendReply([]byte(prefix), tt.code, tt.msg)); got != prefix+tt.want {
				t.Errorf("AppendReply = %q, want %q", got, prefix+tt.want)
			}
			if got := string(AppendReplyBytes(nil, tt.code, []byte(tt.msg))); got != tt.want {
				t.Errorf("AppendReplyBytes = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAppendQuoted(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"root", "/", `"/"`},
		{"empty", "", `""`},
		{"plain", "/pub/incoming", `"/pub/incoming"`},
		{"one quote", `/a"b`, `"/a""b"`},
		{"quotes at the ends", `"x"`, `"""x"""`},
		{"two quotes together", `a""b`, `"a""""b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendQuoted(nil, tt.in)); got != tt.want {
				t.Errorf("AppendQuoted(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		code    Code
		msg     string
		n       int // -1: len(in)
		wantErr error
	}{
		{"single line", "200 NOOP ok.\r\n", 200, "NOOP ok.", -1, nil},
		{"bare LF", "226 done\n", 226, "done", -1, nil},
		{"code only", "200\r\n", 200, "", -1, nil},
		{"code and space", "200 \r\n", 200, "", -1, nil},
		{"stops after one reply", "150 go\r\n226 done\r\n", 150, "go", len("150 go\r\n"), nil},
		{
			"FEAT", "211-Features:\r\n EPRT\r\n MLST type*;\r\n211 End\r\n",
			211, "Features:\n EPRT\n MLST type*;\nEnd", -1, nil,
		},
		{
			"RFC 959 §4.2 example",
			"123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n",
			123, "First line\nSecond line\n  234 A line beginning with numbers\nThe last line", -1, nil,
		},
		{"other code does not end", "211-a\r\n226 b\r\n211 c\r\n", 211, "a\n226 b\nc", -1, nil},
		{"same code with hyphen does not end", "211-a\r\n211-b\r\n211 c\r\n", 211, "a\n211-b\nc", -1, nil},
		{"end line with code only", "211-a\r\n211\r\n", 211, "a\n", -1, nil},
		{"lone CR stays in text", "200 a\rb\r\n", 200, "a\rb", -1, nil},
		{"empty input", "", 0, "", 0, nil},
		{"partial code", "22", 0, "", 0, nil},
		{"partial code and CR", "220\r", 0, "", 0, nil},
		{"partial line", "220 rea", 0, "", 0, nil},
		{"partial multi-line", "211-a\r\n b\r\n", 0, "", 0, nil},
		{"partial end line", "211-a\r\n211 En", 0, "", 0, nil},
		{"letters", "abc def\r\n", 0, "", 0, ErrReply},
		{"letters before line end", "abcd", 0, "", 0, ErrReply},
		{"class 6", "600 x\r\n", 0, "", 0, ErrReply},
		{"class 0", "000 x\r\n", 0, "", 0, ErrReply},
		{"bad separator", "200x\r\n", 0, "", 0, ErrReply},
		{"bad separator before line end", "200x", 0, "", 0, ErrReply},
		{"short line", "20\r\n", 0, "", 0, ErrReply},
		{"empty line", "\r\n", 0, "", 0, ErrReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, msg, n, err := ParseReply([]byte(tt.in))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			wantN := tt.n
			if wantN < 0 {
				wantN = len(tt.in)
			}
			if code != tt.code || msg != tt.msg || n != wantN {
				t.Errorf("ParseReply(%q) = %d, %q, %d; want %d, %q, %d", tt.in, code, msg, n, tt.code, tt.msg, wantN)
			}
		})
	}
}

// expectedLines is what ParseReply should give for a message formatted by
// AppendReply: line breaks normalised to "\n", one trailing break dropped,
// and the RFC 959 padding on middle lines that look like reply lines.
func expectedLines(msg string) string {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg = strings.ReplaceAll(msg, "\r", "\n")
	msg = strings.TrimSuffix(msg, "\n")
	lines := strings.Split(msg, "\n")
	for i := 1; i < len(lines)-1; i++ {
		if looksLikeReplyLine(lines[i]) {
			lines[i] = " " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

func FuzzReply(f *testing.F) {
	f.Add(uint16(211), "Features:\n EPRT\n EPSV\nEnd")
	f.Add(uint16(123), "First line\nSecond line\n  234 A line beginning with numbers\nThe last line")
	f.Add(uint16(200), "")
	f.Add(uint16(226), "a\r\n226 b\rc\n")
	f.Add(uint16(550), "\n\n\n")
	f.Fuzz(func(t *testing.T, c uint16, msg string) {
		code := Code(100 + c%500)
		out := AppendReply(nil, code, msg)
		if string(out) != string(AppendReplyBytes(nil, code, []byte(msg))) {
			t.Fatalf("AppendReply and AppendReplyBytes differ for %q", msg)
		}
		got, text, n, err := ParseReply(append(out, "999 next\r\n"...))
		if err != nil || n != len(out) {
			t.Fatalf("ParseReply(%q) = n %d, err %v; want n %d", out, n, err, len(out))
		}
		if got != code {
			t.Fatalf("code = %d, want %d", got, code)
		}
		if want := expectedLines(msg); text != want {
			t.Fatalf("text = %q, want %q (wire %q)", text, want, out)
		}
	})
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte("220 ready\r\n"))
	f.Add([]byte("211-Features:\r\n EPRT\r\n211 End\r\n"))
	f.Add([]byte("123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n"))
	f.Add([]byte("211-a\r\n211"))
	f.Fuzz(func(t *testing.T, b []byte) {
		code, _, n, err := ParseReply(b)
		if err != nil {
			if n != 0 || code != 0 {
				t.Fatalf("error %v with n %d code %d", err, n, code)
			}
			return
		}
		if n == 0 {
			return
		}
		if n > len(b) || b[n-1] != '\n' || !code.Valid() {
			t.Fatalf("ParseReply(%q) = code %d, n %d", b, code, n)
		}
		// The reply is complete within n bytes: what follows cannot change it.
		code2, _, n2, err2 := ParseReply(b[:n])
		if err2 != nil || n2 != n || code2 != code {
			t.Fatalf("reparse of the first %d bytes = %d, %d, %v", n, code2, n2, err2)
		}
	})
}
