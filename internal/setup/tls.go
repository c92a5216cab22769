package setup

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"slices"
	"strconv"

	"github.com/ftpsd/ftpsd/internal/config"
)

// tlsSettings maps the mod_ssl directives. With SSLEngine off (the
// default) and no -cert the server runs without TLS, as mod_ftp does:
// no AUTH TLS, no implicit listener.
func (p *problems) tlsSettings(srv *config.Server, s *settings, fl Flags, f *fileSettings) {
	t := &srv.SSL
	f.versions = t.Versions()
	if t.CipherSuite.Set {
		f.cipherSuites = t.CipherSuite.Value
	}
	if g := t.Groups; g.Set {
		f.groups = g.Value
		p.checkGroups(g, f.versions)
	}
	f.verifyDepth = t.VerifyDepth.Or(config.DefaultVerifyDepth)
	if u := t.UserName; u.Set && u.Value != "SSL_CLIENT_S_DN_CN" {
		p.errorf(u.At, "SSLUserName %s: not supported; ftpsd takes the user name of a certificate login from its subject CN only (SSL_CLIENT_S_DN_CN)", u.Value)
	}

	switch {
	case fl.Cert.Set:
		// -cert/-key replace the file's certificate.
	case !srv.TLSEnabled():
		s.noTLS = true
		at := t.Engine.At
		if at.File == "" {
			at = config.Pos{File: f.file}
		}
		if fl.RequireTLS.Set {
			p.errorf(at, "-require-tls needs TLS: set SSLEngine on, or give -cert and -key")
		}
		if fl.ClientCA.Set {
			p.errorf(at, "-client-ca needs TLS: set SSLEngine on, or give -cert and -key")
		}
		return
	case len(t.CertificateFile) == 0:
		// As with the flags: a generated certificate, kept in the state
		// directory, so the default configuration serves FTPS at once.
		p.warnf(t.Engine.At, "SSLEngine on without SSLCertificateFile: serving a generated self-signed certificate (kept in the state directory, its fingerprint logged); clients must pin it or skip verification")
	default:
		// As mod_ssl: the n-th SSLCertificateKeyFile goes with the n-th
		// SSLCertificateFile (none: the key is in the certificate file);
		// the chain file applies to each. The parser refuses a key file
		// with no certificate file before it.
		var set CertSet
		for i, c := range t.CertificateFile {
			cf := CertFiles{Cert: c.Value, certAt: c.At}
			if i < len(t.CertificateKeyFile) {
				cf.Key, cf.keyAt = t.CertificateKeyFile[i].Value, t.CertificateKeyFile[i].At
			}
			if ch := t.CertificateChainFile; ch.Set {
				cf.Chain, cf.chainAt = ch.Value, ch.At
			}
			set = append(set, cf)
		}
		if _, err := set.load(); err != nil {
			// The files come from directives, so fail made a *config.Error.
			var ce *config.Error
			if !errors.As(err, &ce) {
				ce = directiveError(set[0].certAt, "SSLCertificateFile", err)
			}
			p.errs = append(p.errs, ce)
		}
		s.cert = set
	}

	if ca := t.CACertificateFile; ca.Set && !fl.ClientCA.Set {
		s.clientCA = ca.Value
		s.clientCAFrom = ca.At.String() + ": SSLCACertificateFile"
		if _, err := loadCAs(ca.Value); err != nil {
			p.wrap(ca.At, err, "SSLCACertificateFile")
		}
	}
	vc := t.VerifyClient
	switch {
	case fl.ClientCert.Set:
	case vc.Set && vc.Value != config.VerifyNone:
		s.clientCert = ClientOptional
		if vc.Value == config.VerifyRequire {
			s.clientCert = ClientRequire
		}
		if vc.Value == config.VerifyOptionalNoCA {
			p.warnf(vc.At, "SSLVerifyClient optional_no_ca: ftpsd verifies a client certificate against SSLCACertificateFile, as optional does")
		}
		if s.clientCA == "" {
			p.errorf(vc.At, "SSLVerifyClient %s needs SSLCACertificateFile: ftpsd verifies client certificates against it, never against the system's roots", vc.Value)
		}
		if !t.UserName.Set {
			p.errorf(vc.At, "SSLVerifyClient %s without SSLUserName SSL_CLIENT_S_DN_CN: ftpsd logs in, without a password, a client whose verified certificate's CN is its USER name; add SSLUserName SSL_CLIENT_S_DN_CN to allow that (refusing to start rather than grant more than configured)", vc.Value)
		}
	case fl.ClientCA.Set:
		// -client-ca alone asks for an optional certificate, as without a file.
	case s.clientCA != "":
		s.clientCert = ClientNone
	}
}

// verifyDepth enforces SSLVerifyDepth: at most depth CA certificates
// between a client certificate and the trusted CA it chains to (0: the
// client certificate itself is in SSLCACertificateFile).
func verifyDepth(depth int) func([][]byte, [][]*x509.Certificate) error {
	return func(_ [][]byte, chains [][]*x509.Certificate) error {
		if len(chains) == 0 {
			return nil // no certificate given (optional), or not verified
		}
		for _, ch := range chains {
			if len(ch)-1 <= depth {
				return nil
			}
		}
		return errors.New("ftpsd: client certificate chain longer than SSLVerifyDepth " + strconv.Itoa(depth))
	}
}

// checkGroups refuses a Curves list that no allowed protocol can use, and warns when TLS 1.2
// clients are allowed but can use none of its groups: the post-quantum hybrids are TLS 1.3 only.
func (p *problems) checkGroups(g config.Opt[[]tls.CurveID], v config.Versions) {
	if len(g.Value) == 0 || v.Min > tls.VersionTLS12 || slices.ContainsFunc(g.Value, func(id tls.CurveID) bool { return !config.TLS13OnlyGroup(id) }) {
		return // crypto/tls's default, TLS 1.3 only, or a group TLS 1.2 can use
	}
	if v.Max == tls.VersionTLS12 {
		p.errorf(g.At, "SSLOpenSSLConfCmd Curves: only post-quantum hybrid groups, which TLSv1.2 cannot negotiate, and SSLProtocol allows TLSv1.2 only: no handshake could succeed; add X25519 or P-256")
		return
	}
	p.warnf(g.At, "SSLOpenSSLConfCmd Curves: only post-quantum hybrid groups, which TLSv1.2 cannot negotiate: TLSv1.2 clients will fail the handshake; add X25519 or P-256, or set SSLProtocol TLSv1.3")
}
