package ftpclient

import (
	"bufio"
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func TestReadReply(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		code  int
		text  string
		fails bool
	}{
		{"single", "200 NOOP ok.\r\n", 200, "NOOP ok.", false},
		{"bare LF", "226 done\n", 226, "done", false},
		{"code only", "200\r\n", 200, "", false},
		{"multi", "211-Features:\r\n MLST size*;\r\n UTF8\r\n211 End\r\n", 211, "Features:\n MLST size*;\n UTF8\nEnd", false},
		// A line inside a multi-line reply that starts with another code,
		// or with the same code and a '-', does not end it (RFC 959 §4.2).
		{"multi with inner codes", "230-Welcome\r\n220 not the end\r\n230-still not\r\n230 Logged in\r\n", 230,
			"Welcome\n220 not the end\n230-still not\nLogged in", false},
		{"not digits", "2x0 bad\r\n", 0, "", true},
		{"bad class", "600 bad\r\n", 0, "", true},
		{"bad separator", "200_bad\r\n", 0, "", true},
		{"short", "20\r\n", 0, "", true},
		{"bad start of multi", "2x1-Features:\r\n211 End\r\n", 0, "", true},
		{"truncated multi", "211-Features:\r\n UTF8\r\n", 0, "", true},
		{"empty", "", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ReadReply(bufio.NewReader(strings.NewReader(tt.in)))
			if tt.fails {
				if err == nil {
					t.Fatalf("ReadReply(%q) = %v, want an error", tt.in, r)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadReply(%q): %v", tt.in, err)
			}
			if r.Code != tt.code || r.Text != tt.text {
				t.Errorf("ReadReply(%q) = %d %q, want %d %q", tt.in, r.Code, r.Text, tt.code, tt.text)
			}
		})
	}
}

func TestReadReplyBounds(t *testing.T) {
	long := "200 " + strings.Repeat("x", 5000) + "\r\n"
	if _, err := ReadReply(bufio.NewReaderSize(strings.NewReader(long), 4096)); !errors.Is(err, ErrMalformed) {
		t.Errorf("over-long line: %v, want ErrMalformed", err)
	}
	endless := "211-start\r\n" + strings.Repeat(" line\r\n", MaxReplyLines+1) + "211 end\r\n"
	if _, err := ReadReply(bufio.NewReader(strings.NewReader(endless))); !errors.Is(err, ErrMalformed) {
		t.Errorf("%d-line reply: %v, want ErrMalformed", MaxReplyLines+2, err)
	}
}

func TestReadReplySequence(t *testing.T) {
	r := bufio.NewReader(strings.NewReader("150 Opening\r\n226 Done\r\n"))
	for _, want := range []int{150, 226} {
		got, err := ReadReply(r)
		if err != nil || got.Code != want {
			t.Fatalf("got %v, %v; want %d", got, err, want)
		}
	}
}

func TestParseEPSV(t *testing.T) {
	tests := []struct {
		in   string
		port uint16
		ok   bool
	}{
		{"Entering Extended Passive Mode (|||50123|)", 50123, true},
		{"EPSV ok (!!!2121!)", 2121, true},
		{"Entering Extended Passive Mode (|||0|)", 0, false},
		{"Entering Extended Passive Mode (|||70000|)", 0, false},
		{"Entering Extended Passive Mode (|1|127.0.0.1|5000|)", 0, false},
		{"Entering Extended Passive Mode", 0, false},
		{"(|||5000", 0, false},
	}
	for _, tt := range tests {
		p, err := ParseEPSV(tt.in)
		if tt.ok != (err == nil) || p != tt.port {
			t.Errorf("ParseEPSV(%q) = %d, %v; want %d, ok=%v", tt.in, p, err, tt.port, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseEPSV(%q): %v, want ErrMalformed", tt.in, err)
		}
	}
}

func TestParsePASV(t *testing.T) {
	tests := []struct {
		in   string
		want string
		ok   bool
	}{
		{"Entering Passive Mode (127,0,0,1,195,80).", "127.0.0.1:50000", true},
		{"Entering Passive Mode 10,1,2,3,4,1", "10.1.2.3:1025", true},
		{"Entering Passive Mode (127,0,0,1,300,1)", "", false},
		{"Entering Passive Mode (127,0,0,1,4)", "", false},
		{"Entering Passive Mode (127,0,0,1,0,0)", "", false},
		{"no address", "", false},
	}
	for _, tt := range tests {
		ap, err := ParsePASV(tt.in)
		if tt.ok != (err == nil) {
			t.Errorf("ParsePASV(%q): %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("ParsePASV(%q): %v, want ErrMalformed", tt.in, err)
		}
		if tt.ok && ap != netip.MustParseAddrPort(tt.want) {
			t.Errorf("ParsePASV(%q) = %v, want %s", tt.in, ap, tt.want)
		}
	}
}
