package codec

import (
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/pires/go-proxyproto"
)

// v2Header builds a real version 2 header with the library's writer.
func v2Header(t testing.TB, src, dst string) []byte {
	t.Helper()
	h := proxyproto.HeaderProxyFromAddrs(2, net.TCPAddrFromAddrPort(netip.MustParseAddrPort(src)), net.TCPAddrFromAddrPort(netip.MustParseAddrPort(dst)))
	b, err := h.Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func v2Local(t testing.TB) []byte {
	t.Helper()
	b, err := (&proxyproto.Header{Version: 2, Command: proxyproto.LOCAL, TransportProtocol: proxyproto.UNSPEC}).Format()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseProxyHeader(t *testing.T) {
	v2 := v2Header(t, "127.0.0.21:40000", "127.0.0.10:21")
	v2six := v2Header(t, "[2001:db8::7]:40000", "[2001:db8::1]:21")
	v1 := []byte("PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\n")
	tests := []struct {
		name    string
		in      []byte
		client  string // "" : no client address (LOCAL/UNKNOWN)
		n       int
		wantErr error
	}{
		{"v1", append(v1, "USER x\r\n"...), "192.0.2.7:56324", len(v1), nil},
		{"v1 unknown", []byte("PROXY UNKNOWN\r\n"), "", 15, nil},
		{"v1 tcp6", []byte("PROXY TCP6 2001:db8::7 2001:db8::1 40000 21\r\n"), "[2001:db8::7]:40000", 45, nil},
		{"v2", append(v2, 0x16, 3, 1), "127.0.0.21:40000", len(v2), nil},
		{"v2 ipv6", v2six, "[2001:db8::7]:40000", len(v2six), nil},
		{"v2 local", v2Local(t), "", 16, nil},
		{"empty", nil, "", 1, ErrProxyNeedMore},
		{"v1 partial", v1[:20], "", 21, ErrProxyNeedMore},
		{"v2 partial signature", v2[:7], "", 16, ErrProxyNeedMore},
		{"v2 partial body", v2[:20], "", len(v2), ErrProxyNeedMore},
		{"plain FTP", []byte("USER anonymous\r\n"), "", 0, ErrProxyHeader},
		{"TLS hello", []byte{0x16, 3, 1, 0, 200}, "", 0, ErrProxyHeader},
		{"v1 no CR", []byte("PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\n"), "", 0, ErrProxyHeader},
		{"v1 bad address", []byte("PROXY TCP4 192.0.2.300 198.51.100.1 56324 21\r\n"), "", 0, ErrProxyHeader},
		{"v1 too long", append([]byte("PROXY TCP4 "), make([]byte, 120)...), "", 0, ErrProxyHeader},
		{"v2 too long", append(append([]byte{}, proxyV2Sig...), 0x21, 0x11, 0xff, 0xff), "", 0, ErrProxyHeader},
		{"v2 bad version", append(append([]byte{}, proxyV2Sig...), 0x31, 0x11, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 0, 2), "", 0, ErrProxyHeader},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src, n, err := ParseProxyHeader(tc.in)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if n != tc.n {
				t.Errorf("n = %d, want %d", n, tc.n)
			}
			if tc.wantErr == ErrProxyNeedMore && n <= len(tc.in) {
				t.Errorf("need-more n %d not beyond the %d bytes held", n, len(tc.in))
			}
			got := ""
			if src.Client.IsValid() {
				got = src.Client.String()
			}
			if got != tc.client {
				t.Errorf("client = %q, want %q", got, tc.client)
			}
		})
	}
}

// TestProxyHeaderByteByByte feeds each header one byte at a time, as a
// slow network would: every prefix must ask for more, never fail, and the
// whole header must parse to the same client.
func TestProxyHeaderByteByByte(t *testing.T) {
	for _, h := range [][]byte{v2Header(t, "127.0.0.21:1", "127.0.0.10:21"), []byte("PROXY TCP4 10.0.0.1 10.0.0.2 1 21\r\n")} {
		for i := range len(h) {
			if _, n, err := ParseProxyHeader(h[:i]); !errors.Is(err, ErrProxyNeedMore) || n <= i || n > len(h) {
				t.Fatalf("prefix %d of %q: n=%d err=%v", i, h, n, err)
			}
		}
		if src, n, err := ParseProxyHeader(h); err != nil || n != len(h) || !src.Client.IsValid() {
			t.Fatalf("whole %q: %v %d %v", h, src, n, err)
		}
	}
}

func FuzzParseProxyHeader(f *testing.F) {
	f.Add(v2Header(f, "127.0.0.21:40000", "127.0.0.10:21"))
	f.Add(v2Header(f, "[2001:db8::7]:40000", "[2001:db8::1]:21"))
	f.Add(v2Local(f))
	f.Add([]byte("PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\nUSER x\r\n"))
	f.Add([]byte("PROXY UNKNOWN\r\n"))
	f.Add([]byte("PROXY TCP6 2001:db8::7 2001:db8::1 40000 21\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		src, n, err := ParseProxyHeader(b)
		switch {
		case err == nil:
			if n <= 0 || n > len(b) || n > MaxProxyV2 {
				t.Fatalf("n = %d for %d bytes", n, len(b))
			}
			// A header parsed from the front must parse the same alone.
			again, n2, err := ParseProxyHeader(b[:n])
			if err != nil || n2 != n || again != src {
				t.Fatalf("header alone: %v %d %v", again, n2, err)
			}
		case errors.Is(err, ErrProxyNeedMore):
			if n <= len(b) || n > MaxProxyV2 {
				t.Fatalf("need-more n = %d for %d bytes", n, len(b))
			}
		case !errors.Is(err, ErrProxyHeader):
			t.Fatalf("unwrapped error %v", err)
		}
	})
}
