package tlsstate

import (
	"crypto/rand"
	"crypto/tls"
)

// ALPNProtocol is the only application protocol the server accepts (RFC 7301 identifier for FTP).
// Advertising it makes crypto/tls refuse, with a no_application_protocol alert, any ClientHello that
// offers ALPN without "ftp": the ALPACA defence against cross-protocol attacks that redirect an HTTPS
// client to an FTPS server with the same certificate. A client that offers no ALPN is accepted.
const ALPNProtocol = "ftp"

// CertProvider supplies the server certificate per handshake. *CertStore implements it.
type CertProvider interface {
	Get(*tls.ClientHelloInfo) (*tls.Certificate, error)
}

// tls12Suites are the TLS 1.2 suites allowed: forward-secret ECDHE with an AEAD only. TLS 1.3 suites
// are not configurable in crypto/tls and are all AEAD.
var tls12Suites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// BaseConfig returns the server's base TLS policy, from which every control and data config is
// cloned (ControlConfig, DataConfig):
//   - TLS 1.2 minimum, TLS 1.2 limited to ECDHE with AES-GCM or ChaCha20-Poly1305;
//   - key exchange groups left to crypto/tls, which prefers X25519MLKEM768 when the client offers it;
//   - the certificate read per handshake from cert, so a SIGHUP can swap it (see CertStore);
//   - ALPN limited to "ftp" (see ALPNProtocol);
//   - one random set of session-ticket keys, so that tickets from the control connection decrypt on
//     the data connections.
//
// Renegotiation does not apply: crypto/tls never renegotiates as a server, and a TLS 1.2 client that
// tries gets a fatal alert (tls.Config.Renegotiation is a client-side setting).
func BaseConfig(cert CertProvider) *tls.Config {
	cfg := &tls.Config{
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   tls12Suites,
		GetCertificate: cert.Get,
		NextProtos:     []string{ALPNProtocol},
	}
	SetTicketKey(cfg)
	return cfg
}

// SetTicketKey gives cfg one fixed random session-ticket key. Call it once at start-up on a base
// config not made by BaseConfig; without it crypto/tls rotates automatic keys per config. (Tagged
// tickets are always sealed and opened with the base's keys, see ControlConfig.)
func SetTicketKey(cfg *tls.Config) {
	var key [32]byte
	_, _ = rand.Read(key[:]) // crypto/rand.Read never fails since Go 1.24
	cfg.SetSessionTicketKeys([][32]byte{key})
}
