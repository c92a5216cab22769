package fuzz

import (
	"crypto/tls"
	"io"
	"net"
	"net/textproto"
	"testing"
	"time"
)

// FuzzSessionTLS is FuzzSession over FTP over TLS: AUTH TLS, a real
// handshake, then the random bytes through the TLS session into the real
// session code (the TLS pipe, record-at-a-time decryption, CCC, PROT),
// with the same invariants.
func FuzzSessionTLS(f *testing.F) {
	for _, seed := range append(rfcSeeds, []string{
		"PBSZ 0\r\nPROT P\r\nUSER anonymous\r\nPASS x\r\nEPSV\r\nRETR /pub/file.txt\r\n",
		"USER fuzz\r\nPASS fuzz\r\nPBSZ 0\r\nPROT C\r\nEPSV\r\nSTOR up.txt\r\nABOR\r\n",
		"PBSZ 0\r\nPROT S\r\nPROT E\r\nPROT X\r\nPBSZ 1\r\nAUTH TLS\r\n",
		"USER anonymous\r\nPASS x\r\nCCC\r\nPWD\r\nNOOP\r\n",
		"USER fuzz\r\nPASS wrong\r\nUSER fuzz\r\nPASS wrong\r\nUSER fuzz\r\nPASS wrong\r\nNOOP\r\n",
		"REIN\r\nUSER anonymous\r\nPASS x\r\nSTAT /\r\nQUIT\r\nNOOP\r\n",
	}...) {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		server.once.Do(startServer)
		if server.err != nil {
			t.Fatal(server.err)
		}
		checkReplies(t, tlsSession(t, input), false)
		checkInvariants(t)
	})
}

// tlsSession logs the greeting and AUTH TLS through, runs the handshake,
// then sends input and a QUIT through TLS and returns what the server
// answered, decrypted, within a short, bounded wait.
func tlsSession(t *testing.T, input []byte) []byte {
	c, err := net.DialTimeout("tcp", server.addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	tp := textproto.NewConn(c)
	if _, _, err := tp.ReadResponse(220); err != nil {
		t.Fatalf("greeting: %v", err)
	}
	if err := tp.PrintfLine("AUTH TLS"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := tp.ReadResponse(234); err != nil {
		t.Fatalf("AUTH TLS: %v", err)
	}
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, ServerName: "127.0.0.1"})
	if err := tc.Handshake(); err != nil {
		t.Fatalf("handshake: %v", err)
	}
	_ = tc.SetDeadline(time.Now().Add(time.Second))
	msg := append(append([]byte{}, input...), "\r\nQUIT\r\n"...)
	if _, err := tc.Write(msg); err != nil {
		return nil
	}
	// After a CCC the server speaks in the clear: what tls.Conn cannot
	// read then is lost to the check, which only ever sees fewer lines.
	out, _ := io.ReadAll(tc)
	return out
}
