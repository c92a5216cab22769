package fuzz

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// FuzzProxySession sends random bytes to the listener that takes PROXY
// headers, as a trusted proxy would: a header (v1 or v2, whole, cut or
// malformed) and what follows it. The invariants: either the server sends
// nothing and closes (no valid header) or its first reply is the 220
// greeting and every reply is well formed (checkReplies); and the server's
// invariants hold afterwards (checkInvariants).
func FuzzProxySession(f *testing.F) {
	v2 := []byte("\r\n\r\n\x00\r\nQUIT\n\x21\x11\x00\x0c\xc0\x00\x02\x07\x7f\x00\x00\x01\x9c\x40\x00\x15")
	for _, seed := range [][]byte{
		[]byte("PROXY TCP4 192.0.2.7 127.0.0.1 40000 21\r\nUSER anonymous\r\nPASS x\r\nSTAT\r\nEPSV\r\n"),
		[]byte("PROXY TCP6 2001:db8::7 ::1 40000 21\r\nUSER fuzz\r\nPASS fuzz\r\nPWD\r\n"),
		[]byte("PROXY UNKNOWN\r\nFEAT\r\n"),
		append(append([]byte{}, v2...), "USER anonymous\r\nPASS x\r\nPORT 192,0,2,7,200,1\r\n"...),
		append(append([]byte{}, v2...), "AUTH TLS\r\n\x16\x03\x01\x00\x05hello"...),
		v2[:20],
		[]byte("PROXY TCP4 192.0.2.300 127.0.0.1 1 2\r\n"),
		[]byte("USER anonymous\r\n"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		server.once.Do(startServer)
		if server.err != nil {
			t.Fatal(server.err)
		}
		c, err := net.DialTimeout("tcp", server.proxyAddr, 5*time.Second)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		_ = c.SetDeadline(time.Now().Add(time.Second))
		_, _ = c.Write(append(append([]byte{}, input...), "\r\nQUIT\r\n"...))
		out, _ := io.ReadAll(c)
		c.Close()
		if len(out) > 0 {
			if !bytes.HasPrefix(out, []byte("220 ")) {
				t.Fatalf("first bytes %q: not the greeting\ninput: %q", out[:min(len(out), 40)], input)
			}
			checkReplies(t, out, true)
		}
		checkInvariants(t)
	})
}
