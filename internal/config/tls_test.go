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

func TestParseGroups(t *testing.T) {
	tests := []struct {
		name, spec string
		want       []tls.CurveID
		err        string
		notes      int
	}{
		{"aliases and duplicates", "prime256v1:secp256r1:P-256:secp521r1", []tls.CurveID{tls.CurveP256, tls.CurveP521}, "", 0},
		{"commas and tiers", "X25519MLKEM768/SecP256r1MLKEM768,x25519", []tls.CurveID{tls.X25519MLKEM768, tls.SecP256r1MLKEM768, tls.X25519}, "", 0},
		{"optional unknown skipped", "?X25519:?NoSuchGroup", []tls.CurveID{tls.X25519}, "", 0},
		{"key-share hint dropped", "*X25519:P-384", []tls.CurveID{tls.X25519, tls.CurveP384}, "", 0},
		{"default is crypto/tls's", "X25519:DEFAULT", nil, "", 0},
		{"known but not negotiated", "X25519:brainpoolP256r1:ffdhe3072", []tls.CurveID{tls.X25519}, "", 1},
		{"unknown", "X25519:curve25519", nil, "unknown group curve25519 (" + groupList + ")", 0},
		{"empty", "::", nil, "empty group list", 0},
		{"nothing negotiated", "X448:ffdhe2048", nil, "selects none of the groups ftpsd negotiates (" + groupList + ")", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			notes := 0
			got, err := parseGroups(tt.spec, func(string, ...any) { notes++ })
			if errString(err) != tt.err {
				t.Fatalf("error %q, want %q", errString(err), tt.err)
			}
			if !reflect.DeepEqual(got, tt.want) || notes != tt.notes {
				t.Errorf("got %v (%d notes), want %v (%d notes)", got, notes, tt.want, tt.notes)
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
