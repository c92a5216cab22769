package ceiling

import (
	"crypto"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// OpenSSLECDSACommand is the command OpenSSL's ECDSA P-256 figure comes from.
var OpenSSLECDSACommand = []string{"openssl", "speed", "-mr", "-seconds", "2", "ecdsap256"}

// OpenSSLECDSA runs OpenSSLECDSACommand and returns its signatures per second.
func OpenSSLECDSA() (float64, error) {
	out, err := exec.Command(OpenSSLECDSACommand[0], OpenSSLECDSACommand[1:]...).Output()
	if err != nil {
		return 0, fmt.Errorf("ceiling: openssl speed ecdsap256: %w", err)
	}
	return parseECDSASpeed(out)
}

// parseECDSASpeed reads the signatures per second from the "+F4:" line of
// `openssl speed -mr ecdsap256`: "+F4:3:256:69065.656566:23900.000000"
// (index, bits, signatures and verifications per second).
func parseECDSASpeed(out []byte) (float64, error) {
	line, f, err := resultLine(out, "+F4:")
	if err != nil {
		return 0, err
	}
	if len(f) != 5 || f[2] != "256" {
		return 0, fmt.Errorf("ceiling: openssl speed line %q: want +F4:n:256:sign:verify", strings.TrimSpace(line))
	}
	v, err := strconv.ParseFloat(f[3], 64)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("ceiling: openssl speed line %q: bad signature rate", line)
	}
	return v, nil
}

// GoECDSASign signs SHA-256 digests with key for d, one at a time, as
// crypto/tls does in a TLS 1.3 handshake with an ECDSA P-256 certificate
// (ecdsa_secp256r1_sha256), and returns signatures per second.
func GoECDSASign(key crypto.Signer, d time.Duration) (float64, error) {
	digest := sha256.Sum256([]byte("ftpbench"))
	n := 0
	start := time.Now()
	for time.Since(start) < d || n == 0 {
		if _, err := key.Sign(rand.Reader, digest[:], crypto.SHA256); err != nil {
			return 0, fmt.Errorf("ceiling: ECDSA sign: %w", err)
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
