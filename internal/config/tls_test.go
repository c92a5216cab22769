package config

import (
	"crypto/tls"
	"reflect"
	"testing"
)

func TestParseCipherSuite(t *testing.T) {
	const (
		e128 = tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
		r128 = tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
		e256 = tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
		r256 = tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
		eCha = tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
		rCha = tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
	)
	tests := []struct {
		name, spec string
		want       []uint16
		err        string
		notes      int
	}{
		{"removed then added again", "ECDHE-RSA-AES128-GCM-SHA256:-ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256", []uint16{r128}, "", 0},
		{"banned for good", "!ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384", []uint16{r256}, "", 0},
		{"plus moves to the end", "HIGH:+AES128", []uint16{e256, r256, eCha, rCha, e128, r128}, "", 0},
		{"conjunction", "aECDSA+CHACHA20 RSA+AES256", []uint16{eCha, r256}, "", 0},
		{"commas and case", "ecdhe-rsa-chacha20-poly1305,ECDHE-ECDSA-AES128-GCM-SHA256", []uint16{rCha, e128}, "", 0},
		{"sort commands ignored", "ECDHE:@STRENGTH:@SECLEVEL=2", []uint16{e128, r128, e256, r256, eCha, rCha}, "", 0},
		{"mozilla intermediate", "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305",
			[]uint16{e128, r128, e256, r256, eCha, rCha}, "", 1},
		{"exclusions of what ftpsd lacks", "ALL:!aNULL:!eNULL:!EXP:!LOW:!MEDIUM:!RC4:!3DES:!MD5:!PSK:!SRP:!DSS:!CAMELLIA:!SEED:!IDEA:!SHA1", []uint16{e128, r128, e256, r256, eCha, rCha}, "", 0},
		{"unknown command", "HIGH:@FOO", nil, "unknown cipher list command @FOO", 0},
		{"empty", ":::", nil, "empty cipher list", 0},
		{"typo", "HIGH:!aNUL", nil, "unknown cipher or keyword aNUL", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes := 0
			got, err := parseCipherSuite(tt.spec, func(string, ...any) { notes++ })
			if errString(err) != tt.err {
				t.Fatalf("error %q, want %q", errString(err), tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) || notes != tt.notes {
				t.Errorf("got %x (%d notes), want %x (%d notes)", got, notes, tt.want, tt.notes)
			}
		})
	}
}

// The suites config offers are exactly those crypto/tls implements as secure TLS 1.2 AEAD suites
// with ECDHE, so that an ID from here is never refused by crypto/tls.
func TestSuitesAreSecure(t *testing.T) {
	secure := map[uint16]bool{}
	for _, s := range tls.CipherSuites() {
		secure[s.ID] = true
	}
	for _, s := range suites {
		if !secure[s.id] || tls.CipherSuiteName(s.id) == "" {
			t.Errorf("%s (%x) is not a secure crypto/tls suite", s.openssl, s.id)
		}
	}
}
