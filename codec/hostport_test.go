package codec

import (
	"errors"
	"net/netip"
	"testing"
)

func TestParsePORT(t *testing.T) {
	tests := []struct {
		name    string
		arg     string
		want    string
		wantErr error
	}{
		// RFC 2428 §2 gives this address in both forms: 24*256+131 = 6275.
		{"RFC 2428 address", "132,235,1,2,24,131", "132.235.1.2:6275", nil},
		{"loopback", "127,0,0,1,4,1", "127.0.0.1:1025", nil},
		{"surrounding spaces", "  10,0,0,1,0,21 ", "10.0.0.1:21", nil},
		{"leading zeros", "010,000,000,001,000,021", "10.0.0.1:21", nil},
		{"highest port", "1,2,3,4,255,255", "1.2.3.4:65535", nil},
		{"port zero", "1,2,3,4,0,0", "", ErrHostPort},
		{"256", "256,0,0,1,0,21", "", ErrHostPort},
		{"four digits", "0001,0,0,1,0,21", "", ErrHostPort},
		{"five fields", "1,2,3,4,5", "", ErrHostPort},
		{"seven fields", "1,2,3,4,5,6,7", "", ErrHostPort},
		{"empty field", "1,,3,4,5,6", "", ErrHostPort},
		{"space inside", "1, 2,3,4,5,6", "", ErrHostPort},
		{"sign", "+1,2,3,4,5,6", "", ErrHostPort},
		{"trailing comma", "1,2,3,4,5,6,", "", ErrHostPort},
		{"dots", "1.2.3.4.5.6", "", ErrHostPort},
		{"empty", "", "", ErrHostPort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePORT([]byte(tt.arg))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParsePORT(%q) err = %v, want %v", tt.arg, err, tt.wantErr)
			}
			if err == nil && got.String() != tt.want {
				t.Errorf("ParsePORT(%q) = %v, want %v", tt.arg, got, tt.want)
			}
		})
	}
}

func TestAppendPASV(t *testing.T) {
	tests := []struct {
		name string
		ap   netip.AddrPort
		want string
	}{
		{"IPv4", netip.MustParseAddrPort("192.168.1.2:5001"), "192,168,1,2,19,137"},
		{"IPv4-mapped", netip.MustParseAddrPort("[::ffff:10.0.0.1]:21"), "10,0,0,1,0,21"},
		{"port 65535", netip.MustParseAddrPort("1.2.3.4:65535"), "1,2,3,4,255,255"},
		{"IPv6 is written as zeros", netip.MustParseAddrPort("[2001:db8::1]:256"), "0,0,0,0,1,0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendPASV(nil, tt.ap)); got != tt.want {
				t.Errorf("AppendPASV(%v) = %q, want %q", tt.ap, got, tt.want)
			}
		})
	}
}

func TestParsePASV(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // "" for ErrHostPort
	}{
		{"parentheses", "Entering Passive Mode (192,168,1,2,19,137).", "192.168.1.2:5001"},
		{"with the code", "227 Entering Passive Mode (192,168,1,2,19,137)", "192.168.1.2:5001"},
		{"no parentheses", "Entering Passive Mode 192,168,1,2,19,137", "192.168.1.2:5001"},
		{"equals sign", "Entering Passive Mode =127,0,0,1,4,1", "127.0.0.1:1025"},
		{"only the address", "10,0,0,1,0,21", "10.0.0.1:21"},
		{"seven numbers", "(1,2,3,4,5,6,7)", ""},
		{"number too large", "(1,2,3,4,5,256)", ""},
		{"port zero", "(1,2,3,4,0,0)", ""},
		{"no address", "Entering Passive Mode", ""},
		{"five numbers", "(1,2,3,4,5)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePASV([]byte(tt.text))
			if tt.want == "" {
				if !errors.Is(err, ErrHostPort) {
					t.Errorf("ParsePASV(%q) = %v, %v; want ErrHostPort", tt.text, got, err)
				}
				return
			}
			if err != nil || got.String() != tt.want {
				t.Errorf("ParsePASV(%q) = %v, %v; want %v", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestParseEPRT(t *testing.T) {
	tests := []struct {
		name    string
		arg     string
		want    string
		wantErr error
	}{
		{"RFC 2428 IPv4 example", "|1|132.235.1.2|6275|", "132.235.1.2:6275", nil},
		{"RFC 2428 IPv6 example", "|2|1080::8:800:200C:417A|5282|", "[1080::8:800:200c:417a]:5282", nil},
		{"other delimiter", "!1!10.0.0.1!21!", "10.0.0.1:21", nil},
		{"surrounding spaces", " |1|10.0.0.1|21| ", "10.0.0.1:21", nil},
		{"IPv4-mapped as af 2", "|2|::ffff:10.0.0.1|21|", "[::ffff:10.0.0.1]:21", nil},
		{"IPv6 loopback", "|2|::1|65535|", "[::1]:65535", nil},
		{"af 3", "|3|10.0.0.1|21|", "", ErrNetProto},
		{"af 10", "|10|10.0.0.1|21|", "", ErrNetProto},
		{"af letters", "|x|10.0.0.1|21|", "", ErrHostPort},
		{"af empty", "||10.0.0.1|21|", "", ErrHostPort},
		{"af 1 with IPv6", "|1|::1|21|", "", ErrHostPort},
		{"af 2 with IPv4", "|2|10.0.0.1|21|", "", ErrHostPort},
		{"port zero", "|1|10.0.0.1|0|", "", ErrHostPort},
		{"port too large", "|1|10.0.0.1|65536|", "", ErrHostPort},
		{"port six digits", "|1|10.0.0.1|000021|", "", ErrHostPort},
		{"port sign", "|1|10.0.0.1|+21|", "", ErrHostPort},
		{"no trailing delimiter", "|1|10.0.0.1|21", "", ErrHostPort},
		{"extra field", "|1|10.0.0.1|21|5|", "", ErrHostPort},
		{"missing field", "|1|10.0.0.1|", "", ErrHostPort},
		{"mixed delimiters", "|1!10.0.0.1|21|", "", ErrHostPort},
		{"space delimiter", " 1 10.0.0.1 21 ", "", ErrHostPort},
		{"DEL delimiter", "\x7f1\x7f10.0.0.1\x7f21\x7f", "", ErrHostPort},
		{"IPv6 zone", "|2|fe80::1%eth0|21|", "", ErrHostPort},
		{"IPv4 octet too large", "|1|10.0.0.256|21|", "", ErrHostPort},
		{"IPv4 three parts", "|1|10.0.1|21|", "", ErrHostPort},
		{"IPv4 trailing dot", "|1|10.0.0.1.|21|", "", ErrHostPort},
		{"host name", "|1|localhost|21|", "", ErrHostPort},
		{"empty", "", "", ErrHostPort},
		{"delimiter only", "|", "", ErrHostPort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEPRT([]byte(tt.arg))
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ParseEPRT(%q) err = %v, want %v", tt.arg, err, tt.wantErr)
			}
			if err == nil && got.String() != tt.want {
				t.Errorf("ParseEPRT(%q) = %v, want %v", tt.arg, got, tt.want)
			}
		})
	}
}

func TestAppendEPRT(t *testing.T) {
	tests := []struct {
		name string
		ap   netip.AddrPort
		want string
	}{
		{"RFC 2428 IPv4 example", netip.MustParseAddrPort("132.235.1.2:6275"), "|1|132.235.1.2|6275|"},
		{"RFC 2428 IPv6 example", netip.MustParseAddrPort("[1080::8:800:200C:417A]:5282"), "|2|1080::8:800:200c:417a|5282|"},
		{"IPv4-mapped stays af 2", netip.MustParseAddrPort("[::ffff:1.2.3.4]:21"), "|2|::ffff:1.2.3.4|21|"},
		{"zone dropped", netip.MustParseAddrPort("[fe80::1%eth0]:21"), "|2|fe80::1|21|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendEPRT(nil, tt.ap)); got != tt.want {
				t.Errorf("AppendEPRT(%v) = %q, want %q", tt.ap, got, tt.want)
			}
		})
	}
}

func TestEPSV(t *testing.T) {
	tests := []struct {
		name string
		port uint16
		want string
	}{
		{"RFC 2428 example", 6446, "(|||6446|)"},
		{"low port", 1, "(|||1|)"},
		{"high port", 65535, "(|||65535|)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := AppendEPSV(nil, tt.port)
			if string(out) != tt.want {
				t.Errorf("AppendEPSV(%d) = %q, want %q", tt.port, out, tt.want)
			}
			text := append([]byte("Entering Extended Passive Mode "), out...)
			if got, err := ParseEPSV(text); err != nil || got != tt.port {
				t.Errorf("ParseEPSV(%q) = %d, %v", text, got, err)
			}
		})
	}
}

func TestParseEPSV(t *testing.T) {
	tests := []struct {
		name string
		text string
		want uint16 // 0 for ErrHostPort
	}{
		{"RFC 2428 example", "Entering Extended Passive Mode (|||6446|)", 6446},
		{"with the code", "229 Entering Extended Passive Mode (|||6446|)", 6446},
		{"other delimiter", "Entering Extended Passive Mode (!!!21!)", 21},
		{"second parenthesis", "Mode (x) (|||21|).", 21},
		{"port zero", "(|||0|)", 0},
		{"port too large", "(|||65536|)", 0},
		{"two leading delimiters", "(||6446|)", 0},
		{"mixed delimiters", "(|!|6446|)", 0},
		{"no closing parenthesis", "(|||6446|", 0},
		{"no closing delimiter", "(|||6446)", 0},
		{"address given", "(|1|10.0.0.1|6446|)", 0},
		{"empty", "", 0},
		{"short", "(|||", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEPSV([]byte(tt.text))
			if tt.want == 0 {
				if !errors.Is(err, ErrHostPort) {
					t.Errorf("ParseEPSV(%q) = %d, %v; want ErrHostPort", tt.text, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseEPSV(%q) = %d, %v; want %d", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestParseEPSVArg(t *testing.T) {
	tests := []struct {
		name    string
		arg     string
		all     bool
		proto   int
		wantErr error
	}{
		{"none", "", false, 0, nil},
		{"ALL", "ALL", true, 0, nil},
		{"all lower case", "all", true, 0, nil},
		{"all mixed case", "aLl", true, 0, nil},
		{"IPv4", "1", false, 1, nil},
		{"IPv6", "2", false, 2, nil},
		{"spaces", " 2 ", false, 2, nil},
		{"only spaces", "  ", false, 0, nil},
		{"unknown protocol", "3", false, 0, ErrNetProto},
		{"zero", "0", false, 0, ErrNetProto},
		{"long number", "12", false, 0, ErrNetProto},
		{"word", "ANY", false, 0, ErrHostPort},
		{"ALL with more", "ALL 1", false, 0, ErrHostPort},
		{"negative", "-1", false, 0, ErrHostPort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all, proto, err := ParseEPSVArg([]byte(tt.arg))
			if !errors.Is(err, tt.wantErr) || all != tt.all || proto != tt.proto {
				t.Errorf("ParseEPSVArg(%q) = %v, %d, %v; want %v, %d, %v",
					tt.arg, all, proto, err, tt.all, tt.proto, tt.wantErr)
			}
		})
	}
}

func FuzzParsePORT(f *testing.F) {
	f.Add([]byte("132,235,1,2,24,131"))
	f.Add([]byte(" 127,0,0,1,4,1 "))
	f.Add([]byte("1,2,3,4,0,0"))
	f.Add([]byte("256,1,1,1,1,1"))
	f.Fuzz(func(t *testing.T, arg []byte) {
		ap, err := ParsePORT(arg)
		if err != nil {
			if !errors.Is(err, ErrHostPort) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !ap.Addr().Is4() || ap.Port() == 0 {
			t.Fatalf("ParsePORT(%q) = %v", arg, ap)
		}
		out := AppendPASV(nil, ap)
		back, err := ParsePORT(out)
		if err != nil || back != ap {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", arg, ap, out, back, err)
		}
		if back, err := ParsePASV(out); err != nil || back != ap {
			t.Fatalf("ParsePASV(%q) = %v, %v; want %v", out, back, err, ap)
		}
	})
}

func FuzzParseEPRT(f *testing.F) {
	f.Add([]byte("|1|132.235.1.2|6275|"))
	f.Add([]byte("|2|1080::8:800:200C:417A|5282|"))
	f.Add([]byte("!2!::ffff:1.2.3.4!21!"))
	f.Add([]byte("|3|1.2.3.4|21|"))
	f.Fuzz(func(t *testing.T, arg []byte) {
		ap, err := ParseEPRT(arg)
		if err != nil {
			if !errors.Is(err, ErrHostPort) && !errors.Is(err, ErrNetProto) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if ap.Port() == 0 || ap.Addr().Zone() != "" {
			t.Fatalf("ParseEPRT(%q) = %v", arg, ap)
		}
		out := AppendEPRT(nil, ap)
		back, err := ParseEPRT(out)
		if err != nil || back != ap {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", arg, ap, out, back, err)
		}
	})
}

func FuzzParsePASV(f *testing.F) {
	f.Add([]byte("Entering Passive Mode (192,168,1,2,19,137)."))
	f.Add([]byte("227 =1,2,3,4,5,6,7"))
	f.Fuzz(func(t *testing.T, text []byte) {
		ap, err := ParsePASV(text)
		if err != nil {
			return
		}
		if !ap.Addr().Is4() || ap.Port() == 0 {
			t.Fatalf("ParsePASV(%q) = %v", text, ap)
		}
		if back, err := ParsePORT(AppendPASV(nil, ap)); err != nil || back != ap {
			t.Fatalf("round trip of %v gave %v, %v", ap, back, err)
		}
	})
}

func FuzzParseEPSV(f *testing.F) {
	f.Add([]byte("Entering Extended Passive Mode (|||6446|)"))
	f.Add([]byte("(!!!21!)"))
	f.Fuzz(func(t *testing.T, text []byte) {
		p, err := ParseEPSV(text)
		if err != nil {
			return
		}
		if p == 0 {
			t.Fatalf("ParseEPSV(%q) gave port 0", text)
		}
		if back, err := ParseEPSV(AppendEPSV(nil, p)); err != nil || back != p {
			t.Fatalf("round trip of %d gave %d, %v", p, back, err)
		}
	})
}
