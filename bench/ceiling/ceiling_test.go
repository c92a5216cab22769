package ceiling

import (
	"crypto/tls"
	"testing"

	"github.com/ftpsd/ftpsd/tlsstate"
)

func TestParseSpeed(t *testing.T) {
	out := []byte("+DT:AES-128-GCM:1:16384\n+R:333356:AES-128-GCM:1.000000\n+H:16384\n+F:25:AES-128-GCM:5461704704.00\n")
	v, err := parseSpeed(out)
	if err != nil || v != 5461704704 {
		t.Errorf("parseSpeed = %v, %v; want 5461704704", v, err)
	}
	if _, err := parseSpeed([]byte("+H:16384\n")); err == nil {
		t.Error("no +F line: no error")
	}
	if _, err := parseSpeed([]byte("+F:25:AES-128-GCM:fast\n")); err == nil {
		t.Error("bad number: no error")
	}
}

func TestLoopback(t *testing.T) {
	if v, err := Loopback(8<<20, nil, nil); err != nil || v <= 0 {
		t.Errorf("plain: %v MB/s, %v", v, err)
	}
	cert, _, err := tlsstate.SelfSigned([]string{"localhost"})
	if err != nil {
		t.Fatal(err)
	}
	srv := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}
	cli := &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"}
	if v, err := Loopback(8<<20, srv, cli); err != nil || v <= 0 {
		t.Errorf("TLS: %v MB/s, %v", v, err)
	}
}
