package ceiling

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/testserver"
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
	cert, err := testserver.SelfSigned("localhost")
	if err != nil {
		t.Fatal(err)
	}
	srv := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS13}
	cli := &tls.Config{InsecureSkipVerify: true, ServerName: "localhost"}
	if v, err := Loopback(8<<20, srv, cli); err != nil || v <= 0 {
		t.Errorf("TLS: %v MB/s, %v", v, err)
	}
}

func TestParseRSASpeed(t *testing.T) {
	out := []byte("+DTP:2048:private:rsa:2\n+R1:10218:2048:2.00\n+F2:2:2048:5109.000000:83922.000000\n")
	if v, err := parseRSASpeed(out); err != nil || v != 5109 {
		t.Errorf("parseRSASpeed = %v, %v; want 5109", v, err)
	}
	for _, bad := range []string{"+R1:10218:2048:2.00\n", "+F2:2:4096:900.0:20000.0\n", "+F2:2:2048:fast:83922.0\n", "+F2:2:2048\n"} {
		if v, err := parseRSASpeed([]byte(bad)); err == nil {
			t.Errorf("parseRSASpeed(%q) = %v, want an error", bad, v)
		}
	}
}

// signer records how it was asked to sign, and fails when told to.
type signer struct {
	crypto.Signer
	opts  crypto.SignerOpts
	calls int
	fail  error
}

func (s *signer) Sign(r io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	s.opts, s.calls = opts, s.calls+1
	if s.fail != nil {
		return nil, s.fail
	}
	return s.Signer.Sign(r, digest, opts)
}

func TestGoRSASign(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := &signer{Signer: key}
	v, err := GoRSASign(s, 50*time.Millisecond)
	if err != nil || v <= 0 || s.calls == 0 {
		t.Fatalf("GoRSASign = %v, %v after %d signatures", v, err, s.calls)
	}
	if o, ok := s.opts.(*rsa.PSSOptions); !ok || o.Hash != crypto.SHA256 || o.SaltLength != rsa.PSSSaltLengthEqualsHash {
		t.Errorf("signed with %#v, want RSA-PSS over SHA-256 as TLS 1.3 does", s.opts)
	}
	// The rate is the signatures over the time they took.
	if most := float64(s.calls) / 0.05; v > most*1.01 {
		t.Errorf("%v signatures/s from %d signatures in at least 50ms", v, s.calls)
	}
	s = &signer{Signer: key, fail: errors.New("no key")}
	if _, err := GoRSASign(s, time.Millisecond); err == nil || s.calls != 1 {
		t.Errorf("a failing signer: %v after %d calls, want its error after one", err, s.calls)
	}
}

func TestParseECDSASpeed(t *testing.T) {
	for _, tc := range []struct {
		out  string
		want float64
		ok   bool
	}{
		{"+DT:ecdsap256:2:256\n+R5:139402:256:2.00\n+F4:3:256:69065.656566:23900.000000\n", 69065.656566, true},
		{"+F4:3:384:1000.0:500.0\n", 0, false}, // another curve
		{"+F2:2:2048:5109.0:83922.0\n", 0, false},
		{"+F4:3:256:0:1\n", 0, false},
	} {
		got, err := parseECDSASpeed([]byte(tc.out))
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseECDSASpeed(%q) = %v, %v; want %v ok %v", tc.out, got, err, tc.want, tc.ok)
		}
	}
}

func TestGoECDSASign(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	v, err := GoECDSASign(key, 20*time.Millisecond)
	if err != nil || !(v > 0) {
		t.Errorf("GoECDSASign = %v, %v", v, err)
	}
}
