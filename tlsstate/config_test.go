package tlsstate

import (
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// handshakeWith runs tls.Server(BaseConfig) against a client config and returns the client's error.
func handshakeWith(t *testing.T, cli *tls.Config) error {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetDeadline(time.Now().Add(waitLong))
	_ = b.SetDeadline(time.Now().Add(waitLong))
	go func() {
		_ = tls.Server(a, serverConfig()).Handshake()
		a.Close()
	}()
	return tls.Client(b, cli).Handshake()
}

func TestBaseConfigPolicy(t *testing.T) {
	cases := []struct {
		name    string
		min     uint16
		max     uint16
		suites  []uint16
		succeed bool
	}{
		{"TLS 1.3", tls.VersionTLS13, tls.VersionTLS13, nil, true},
		{"TLS 1.2 AES-GCM", tls.VersionTLS12, tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, true},
		{"TLS 1.2 ChaCha20", tls.VersionTLS12, tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, true},
		{"TLS 1.2 CBC only", tls.VersionTLS12, tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}, false},
		{"TLS 1.1", tls.VersionTLS10, tls.VersionTLS11, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cli := clientConfig(0)
			cli.MinVersion, cli.MaxVersion, cli.CipherSuites = c.min, c.max, c.suites
			err := handshakeWith(t, cli)
			if (err == nil) != c.succeed {
				t.Fatalf("handshake error %v, want success %v", err, c.succeed)
			}
		})
	}
}

func TestBaseConfigFields(t *testing.T) {
	cfg := serverConfig()
	if cfg.MinVersion != tls.VersionTLS12 {
		t.Errorf("MinVersion %x", cfg.MinVersion)
	}
	if len(cfg.NextProtos) != 1 || cfg.NextProtos[0] != ALPNProtocol {
		t.Errorf("NextProtos %q", cfg.NextProtos)
	}
	for _, id := range cfg.CipherSuites {
		for _, s := range tls.InsecureCipherSuites() {
			if s.ID == id {
				t.Errorf("insecure suite %s allowed", s.Name)
			}
		}
	}
	for _, cc := range []*tls.Config{ControlConfig(cfg, 1), DataConfig(cfg, 1)} {
		if cc == cfg || cc.MinVersion != cfg.MinVersion || len(cc.NextProtos) != 1 || cc.GetCertificate == nil {
			t.Error("derived config lost the base policy")
		}
	}
	if cfg.WrapSession != nil || cfg.UnwrapSession != nil {
		t.Error("deriving configs modified the base")
	}
}

func TestLimitsDefaults(t *testing.T) {
	cases := []struct {
		name        string
		l           Limits
		wantTimeout time.Duration
		wantPending int
	}{
		{"zero", Limits{}, DefaultHandshakeTimeout, DefaultMaxPending},
		{"set", Limits{HandshakeTimeout: time.Second, MaxPending: 1 << 20}, time.Second, 1 << 20},
		{"pending below a record", Limits{MaxPending: 100}, DefaultHandshakeTimeout, MaxRecord},
		{"negative timeout", Limits{HandshakeTimeout: -1}, DefaultHandshakeTimeout, DefaultMaxPending},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := c.l
			if got := c.l.Timeout(); got != c.wantTimeout {
				t.Errorf("Timeout %v, want %v", got, c.wantTimeout)
			}
			if got := c.l.Pending(); got != c.wantPending {
				t.Errorf("Pending %d, want %d", got, c.wantPending)
			}
			if c.l != before {
				t.Error("accessors modified the struct")
			}
		})
	}
}

func TestNewSemaphore(t *testing.T) {
	cases := []struct{ n, want int }{{0, DefaultHandshakes}, {-3, DefaultHandshakes}, {1, 1}, {50, 50}}
	for _, c := range cases {
		if got := NewSemaphore(c.n).Cap(); got != c.want {
			t.Errorf("NewSemaphore(%d).Cap() = %d, want %d", c.n, got, c.want)
		}
	}
}
