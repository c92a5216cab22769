package tlsstate

import (
	"bytes"
	"crypto/tls"
	"testing"
)

const benchRecord = 16 << 10

// securePair returns a machine in Secure, with the calling goroutine as its loop, and a client
// tls.Conn whose traffic goes to and from memory buffers.
func securePair(tb testing.TB, version uint16) (m *Conn, cli *tls.Conn, toServer, toClient *bytes.Buffer) {
	tb.Helper()
	l := newTestLoop(tb)
	s, cl := startSession(tb, l, sessionOpts{implicit: true})
	cfg := clientConfig(version)
	cfg.DynamicRecordSizingDisabled = true // full 16 KiB records from the first write
	if err := cl.handshake(cfg); err != nil {
		tb.Fatal(err)
	}
	s.waitSecure(tb)
	cl.writeTLS(tb, "NOOP\r\n") // a round trip drains the handshake's tail on both sides
	cl.readTLS(tb, len("echo NOOP\r\n"))
	if cl.br.Buffered() != 0 {
		tb.Fatal("client has unread input")
	}
	toServer, toClient = new(bytes.Buffer), new(bytes.Buffer)
	cl.rc.redirect(toClient, toServer)
	// Stop the session's loop handling so that this goroutine owns the machine from now on.
	l.do(tb, func() { s.dead = true })
	return s.c, cl.tc, toServer, toClient
}

func BenchmarkWritePlain(b *testing.B) {
	for _, v := range versions {
		b.Run(v.name, func(b *testing.B) {
			m, _, _, _ := securePair(b, v.v)
			p := bytes.Repeat([]byte("x"), benchRecord)
			// Let crypto/tls's dynamic record sizing reach full records before timing.
			for range 16 {
				if err := m.WritePlain(p); err != nil {
					b.Fatal(err)
				}
				m.TakeOutput()
			}
			b.SetBytes(benchRecord)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if err := m.WritePlain(p); err != nil {
					b.Fatal(err)
				}
				if len(m.TakeOutput()) < benchRecord {
					b.Fatal("short output")
				}
			}
		})
	}
}

func BenchmarkReadPlain(b *testing.B) {
	const batch = 64
	for _, v := range versions {
		b.Run(v.name, func(b *testing.B) {
			m, cli, toServer, _ := securePair(b, v.v)
			p := bytes.Repeat([]byte("y"), benchRecord)
			dst := make([]byte, 0, 2*benchRecord)
			records := make([][]byte, batch)
			b.SetBytes(benchRecord)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i += batch {
				// The client encrypts a batch with the timer stopped: each record can be fed only once.
				b.StopTimer()
				n := min(batch, b.N-i)
				for j := range n {
					if _, err := cli.Write(p); err != nil {
						b.Fatal(err)
					}
					records[j] = append(records[j][:0], toServer.Bytes()...)
					toServer.Reset()
				}
				b.StartTimer()
				for j := range n {
					if err := m.Feed(records[j]); err != nil {
						b.Fatal(err)
					}
					out, err := m.ReadPlain(dst[:0])
					if err != nil || len(out) != benchRecord {
						b.Fatalf("ReadPlain: %d bytes, %v", len(out), err)
					}
				}
			}
		})
	}
}
