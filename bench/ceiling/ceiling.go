package ceiling

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Ceilings are this machine's limits: throughput in 10^6 bytes per
// second, and RSA-2048 signatures per second on one core (a full TLS
// handshake costs the server one signature).
type Ceilings struct {
	OpenSSLAESGCM  float64 `json:"openssl_aes128gcm_mb_s"`
	GoTLSLoopback  float64 `json:"go_tls_loopback_mb_s"`
	PlainLoopback  float64 `json:"plain_loopback_mb_s"`
	OpenSSLRSASign float64 `json:"openssl_rsa2048_signs_s,omitempty"`
	GoRSASign      float64 `json:"go_rsa2048_signs_s,omitempty"`
	// ECDSA P-256 signatures per second on one core (issue 20).
	OpenSSLECDSASign float64 `json:"openssl_ecdsap256_signs_s,omitempty"`
	GoECDSASign      float64 `json:"go_ecdsap256_signs_s,omitempty"`
	OpenSSL          string  `json:"openssl_version"`
}

// OpenSSLCommand is the command OpenSSL's figure comes from.
var OpenSSLCommand = []string{"openssl", "speed", "-mr", "-seconds", "2", "-bytes", "16384", "-evp", "aes-128-gcm"}

// OpenSSL runs OpenSSLCommand and returns its bytes per second / 10^6.
func OpenSSL() (float64, string, error) {
	out, err := exec.Command(OpenSSLCommand[0], OpenSSLCommand[1:]...).Output()
	if err != nil {
		return 0, "", fmt.Errorf("ceiling: openssl speed: %w", err)
	}
	v, err := parseSpeed(out)
	if err != nil {
		return 0, "", err
	}
	ver, _ := exec.Command("openssl", "version").Output()
	return v / 1e6, strings.TrimSpace(string(ver)), nil
}

// OpenSSLRSACommand is the command OpenSSL's RSA-2048 figure comes from.
var OpenSSLRSACommand = []string{"openssl", "speed", "-mr", "-seconds", "2", "rsa2048"}

// OpenSSLRSA runs OpenSSLRSACommand and returns its signatures per second.
func OpenSSLRSA() (float64, error) {
	out, err := exec.Command(OpenSSLRSACommand[0], OpenSSLRSACommand[1:]...).Output()
	if err != nil {
		return 0, fmt.Errorf("ceiling: openssl speed rsa2048: %w", err)
	}
	return parseRSASpeed(out)
}

// parseRSASpeed reads the signatures per second from the "+F2:" line of
// `openssl speed -mr rsa2048`: "+F2:2:2048:5109.000000:83922.000000"
// (index, bits, signatures and verifications per second).
func parseRSASpeed(out []byte) (float64, error) {
	line, f, err := resultLine(out, "+F2:")
	if err != nil {
		return 0, err
	}
	if len(f) != 5 || f[2] != "2048" {
		return 0, fmt.Errorf("ceiling: openssl speed line %q: want +F2:n:2048:sign:verify", line)
	}
	v, err := strconv.ParseFloat(f[3], 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("ceiling: openssl speed line %q: bad signature rate", line)
	}
	return v, nil
}

// GoRSASign signs SHA-256 digests with key for d, one at a time, as
// crypto/tls does in a TLS 1.3 handshake with an RSA certificate
// (rsa_pss_rsae_sha256), and returns signatures per second.
func GoRSASign(key crypto.Signer, d time.Duration) (float64, error) {
	digest := sha256.Sum256([]byte("ftpbench"))
	opts := &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: crypto.SHA256}
	n := 0
	start := time.Now()
	for time.Since(start) < d || n == 0 {
		if _, err := key.Sign(rand.Reader, digest[:], opts); err != nil {
			return 0, fmt.Errorf("ceiling: RSA sign: %w", err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// parseSpeed reads the last field of the "+F:" line of `openssl speed -mr`:
// "+F:25:AES-128-GCM:5461704704.00" (bytes per second for the one size).
func parseSpeed(out []byte) (float64, error) {
	line, f, err := resultLine(out, "+F:")
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(f[len(f)-1], 64)
	if err != nil {
		return 0, fmt.Errorf("ceiling: openssl speed line %q: %w", line, err)
	}
	return v, nil
}

// resultLine finds the first line of `openssl speed -mr` output that
// starts with prefix, and returns it with its ':'-separated fields.
func resultLine(out []byte, prefix string) (string, []string, error) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := sc.Text(); strings.HasPrefix(line, prefix) {
			return line, strings.Split(line, ":"), nil
		}
	}
	return "", nil, fmt.Errorf("ceiling: no %s line in openssl speed output", prefix)
}

// Loopback sends n bytes over one loopback TCP connection, through TLS
// 1.3 with cert when cfg is not nil, in 64 KiB writes, and returns 10^6
// bytes per second as the receiver saw them.
func Loopback(n int64, cfg *tls.Config, client *tls.Config) (float64, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("ceiling: %w", err)
	}
	defer l.Close()
	type result struct {
		d   time.Duration
		n   int64
		err error
	}
	got := make(chan result, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- result{err: err}
			return
		}
		defer c.Close()
		var r io.Reader = c
		if cfg != nil {
			tc := tls.Server(c, cfg)
			if err := tc.Handshake(); err != nil {
				got <- result{err: err}
				return
			}
			r = tc
		}
		buf := make([]byte, 64<<10)
		start := time.Now()
		var total int64
		for {
			k, err := r.Read(buf)
			total += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				got <- result{err: err}
				return
			}
		}
		got <- result{d: time.Since(start), n: total}
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		return 0, fmt.Errorf("ceiling: %w", err)
	}
	var w io.WriteCloser = c
	if cfg != nil {
		tc := tls.Client(c, client)
		if err := tc.Handshake(); err != nil {
			c.Close()
			return 0, fmt.Errorf("ceiling: %w", err)
		}
		w = tc
	}
	buf := make([]byte, 64<<10)
	for sent := int64(0); sent < n; {
		k, err := w.Write(buf[:min(int64(len(buf)), n-sent)])
		sent += int64(k)
		if err != nil {
			c.Close()
			return 0, fmt.Errorf("ceiling: %w", err)
		}
	}
	w.Close()
	r := <-got
	if r.err != nil {
		return 0, fmt.Errorf("ceiling: %w", r.err)
	}
	if r.n != n {
		return 0, fmt.Errorf("ceiling: received %d of %d bytes", r.n, n)
	}
	return float64(n) / 1e6 / r.d.Seconds(), nil
}
