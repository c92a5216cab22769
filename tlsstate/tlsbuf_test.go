package tlsstate

import (
	"bytes"
	"crypto/tls"
	"testing"
)

// TestDropHandshakeBuffers checks that a Secure connection keeps none of
// crypto/tls's handshake-sized input buffers, and that a large record's
// buffer is given back after it was read while the plaintext still
// arrives whole (issue 20, item 3).
func TestDropHandshakeBuffers(t *testing.T) {
	if !tlsFields.ok {
		t.Fatal("crypto/tls.Conn has no rawInput/input/hand fields of the expected types: update tlsbuf.go for this Go release")
	}
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			m, cli, toServer, _ := securePair(t, v.v)
			raw, hand := tlsBufferCaps(m.tc)
			if raw > dropBufThreshold || hand != 0 {
				t.Fatalf("after the handshake and a NOOP: rawInput cap %d, hand cap %d; want ≤ %d and 0", raw, hand, dropBufThreshold)
			}
			for _, size := range []int{20, 6000} {
				line := append(bytes.Repeat([]byte("x"), size-2), '\r', '\n')
				if _, err := cli.Write(line); err != nil {
					t.Fatal(err)
				}
				if err := m.Feed(toServer.Bytes()); err != nil {
					t.Fatal(err)
				}
				toServer.Reset()
				out, err := m.ReadPlain(nil)
				if err != nil || !bytes.Equal(out, line) {
					t.Fatalf("%d-byte line: ReadPlain returned %d bytes, %v", size, len(out), err)
				}
				if raw, hand := tlsBufferCaps(m.tc); raw > dropBufThreshold || hand != 0 {
					t.Fatalf("after a %d-byte record: rawInput cap %d, hand cap %d; want ≤ %d and 0", size, raw, hand, dropBufThreshold)
				}
			}
		})
	}
}

// TestAfterHandshakeConfig checks that a connection holds Limits.AfterHandshake, not its
// per-session clone, once Secure, and still talks both ways afterwards.
func TestAfterHandshakeConfig(t *testing.T) {
	if !tlsFields.configOK {
		t.Fatal("crypto/tls.Conn has no config field of type *tls.Config: update tlsbuf.go for this Go release")
	}
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			base := serverConfig()
			clone := ControlConfig(base, 7)
			l := newTestLoop(t)
			s, cl := startSession(t, l, sessionOpts{implicit: true, cfg: clone, lim: Limits{AfterHandshake: base}})
			if err := cl.handshake(clientConfig(v.v)); err != nil {
				t.Fatal(err)
			}
			s.waitSecure(t)
			cl.writeTLS(t, "NOOP\r\n")
			cl.readTLS(t, len("echo NOOP\r\n"))
			var got *tls.Config
			var kept *tls.Config
			l.do(t, func() { got, kept = tlsConfigOf(s.c.tc), s.c.cfg })
			if got != base || kept != nil {
				t.Fatalf("after the handshake: tls.Conn config is base %v, machine keeps a config %v; want base and none", got == base, kept != nil)
			}
		})
	}
}
