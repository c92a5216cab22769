package tlsstate

import (
	"bytes"
	"crypto/tls"
	"errors"
	"net"
	"testing"
	"time"
)

// realClientHello returns the first flight crypto/tls sends as a client (one ClientHello record,
// with the post-quantum key share when the Go version offers one), read off an in-memory
// connection: the fuzzer's best seed, since the check must let it through.
func realClientHello(f *testing.F) []byte {
	f.Helper()
	cli, srv := net.Pipe()
	defer srv.Close()
	go func() {
		c := tls.Client(cli, &tls.Config{ServerName: "ftp.example", InsecureSkipVerify: true}) //nolint:gosec // never completes
		_ = c.Handshake()
		_ = cli.Close()
	}()
	_ = srv.SetReadDeadline(time.Now().Add(10 * time.Second))
	var rec []byte
	buf := make([]byte, 4096)
	for len(rec) < recordHeaderLen || len(rec) < recordHeaderLen+int(rec[3])<<8|int(rec[4]) {
		n, err := srv.Read(buf)
		if err != nil {
			f.Fatalf("reading the ClientHello: %v", err)
		}
		rec = append(rec, buf[:n]...)
	}
	return rec[:recordHeaderLen+int(rec[3])<<8|int(rec[4])]
}

// helloVerdict runs helloReady on b, with skip bytes already consumed before it (pipe.r), and
// checks that the check only looks: neither the buffer nor the read offset moves.
func helloVerdict(t *testing.T, junk, b []byte) (bool, error) {
	t.Helper()
	in := append(append([]byte(nil), junk...), b...)
	orig := append([]byte(nil), in...)
	p := &pipe{in: &in, r: len(junk)}
	ready, err := p.helloReady()
	if p.r != len(junk) || !bytes.Equal(in, orig) {
		t.Fatalf("helloReady moved the input: r %d -> %d", len(junk), p.r)
	}
	if ready && err != nil {
		t.Fatalf("helloReady(%x) = ready and %v", b, err)
	}
	if err != nil && !errors.Is(err, ErrNotClientHello) {
		t.Fatalf("helloReady(%x): error %v is not ErrNotClientHello", b, err)
	}
	return ready, err
}

// FuzzHelloReady feeds random first flights to the check that decides, on the loop, when a
// handshake may take its slot (hello.go). Whatever the bytes: no panic, no change to the input;
// "ready" only for a whole handshake record of at most MaxHelloRecord bytes that starts a
// ClientHello; the verdict depends on the unread bytes alone (not on what was read before); and
// it is stable as bytes arrive: a prefix of a ready record is pending until the record is whole,
// a refused flight stays refused however much follows, a prefix of an accepted one is never
// refused.
func FuzzHelloReady(f *testing.F) {
	hello := realClientHello(f)
	if ready, err := (&pipe{in: &hello}).helloReady(); !ready || err != nil {
		f.Fatalf("crypto/tls's own ClientHello (%d bytes): ready %v, %v", len(hello), ready, err)
	}
	f.Add(hello, []byte(nil))
	f.Add(hello[:len(hello)/2], []byte("AUTH TLS\r\n"))
	f.Add(append(append([]byte(nil), hello...), "garbage after"...), []byte(nil))
	for _, s := range []string{
		"", "\x16", "\x16\x03", "\x16\x03\x01", "\x16\x03\x01\x00", "\x16\x03\x01\x00\x00",
		"\x16\x03\x01\x40\x00\x01", "\x16\x03\x01\x40\x01\x01", "\x16\x03\x01\x00\x01\x01", "\x16\x03\x01\x00\x01\x02",
		"\x15\x03\x01\x00\x02\x02\x28", "\x16\x02\x00\x00\x01\x01", "\x80\x2e\x01\x03\x01", // SSLv2 hello
		"USER anonymous\r\n", "GET / HTTP/1.1\r\n", "\x16\x03\x03\xff\xff\x01",
	} {
		f.Add([]byte(s), []byte(nil))
	}
	f.Fuzz(func(t *testing.T, b, junk []byte) {
		ready, err := helloVerdict(t, junk, b)
		if r2, err2 := helloVerdict(t, nil, b); r2 != ready || (err2 == nil) != (err == nil) {
			t.Fatalf("verdict on %x depends on the bytes read before: (%v, %v) vs (%v, %v)", b, ready, err, r2, err2)
		}
		if ready {
			n := int(b[3])<<8 | int(b[4])
			switch {
			case b[0] != recordTypeHandshake || b[1] != recordVersionMajor:
				t.Fatalf("ready on a record of type %d version %d.x", b[0], b[1])
			case n == 0 || recordHeaderLen+n > MaxHelloRecord:
				t.Fatalf("ready on a record of %d bytes", n)
			case len(b) < recordHeaderLen+n:
				t.Fatalf("ready with %d of %d bytes", len(b), recordHeaderLen+n)
			case b[recordHeaderLen] != handshakeTypeHello:
				t.Fatalf("ready on handshake type %d", b[recordHeaderLen])
			}
		}
		// Prefixes, as the loop would see the flight arriving in pieces: every short one (the
		// header and the first handshake byte decide a refusal), and those around the record's end.
		prefixes := []int{len(b)}
		for k := 0; k < len(b) && k < 16; k++ {
			prefixes = append(prefixes, k)
		}
		whole := -1
		if len(b) >= recordHeaderLen {
			whole = recordHeaderLen + (int(b[3])<<8 | int(b[4]))
			for _, k := range []int{whole - 1, whole, whole + 1} {
				if k >= 0 && k < len(b) {
					prefixes = append(prefixes, k)
				}
			}
		}
		for _, k := range prefixes {
			pr, perr := helloVerdict(t, nil, b[:k])
			if perr != nil && err == nil {
				t.Fatalf("prefix %d of %x refused (%v), the whole flight not", k, b, perr)
			}
			if ready && (perr != nil || pr != (k >= whole)) {
				t.Fatalf("prefix %d of a ready flight: (%v, %v), record of %d bytes", k, pr, perr, whole)
			}
			if pr && k < whole {
				t.Fatalf("prefix %d ready before the record's %d bytes", k, whole)
			}
		}
		// Refusal is sticky: once a prefix is refused, every longer one is.
		refusedAt := -1
		for k := 0; k <= len(b) && k < 16; k++ {
			if _, perr := helloVerdict(t, nil, b[:k]); perr != nil {
				if refusedAt < 0 {
					refusedAt = k
				}
			} else if refusedAt >= 0 {
				t.Fatalf("prefix %d refused but prefix %d of %x is not", refusedAt, k, b)
			}
		}
		if refusedAt >= 0 && err == nil {
			t.Fatalf("prefix %d refused but the flight %x is not", refusedAt, b)
		}
	})
}
