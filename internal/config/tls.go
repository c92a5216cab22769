package config

import (
	"crypto/tls"
	"slices"
	"strings"
)

// Protocol bits for SSLProtocol.
const (
	protoSSLv3 = 1 << iota
	protoTLSv1
	protoTLSv11
	protoTLSv12
	protoTLSv13
	protoAll = protoSSLv3 | protoTLSv1 | protoTLSv11 | protoTLSv12 | protoTLSv13
)

var protoNames = map[string]int{
	"sslv3": protoSSLv3, "tlsv1": protoTLSv1, "tlsv1.1": protoTLSv11,
	"tlsv1.2": protoTLSv12, "tlsv1.3": protoTLSv13, "all": protoAll,
}

// parseSSLProtocol reads SSLProtocol as mod_ssl does: starting from no protocol, a bare name
// sets the list, +name adds, -name removes; names are case-insensitive; "all" is every protocol.
// ftpsd speaks TLS 1.2 and 1.3 only, so older protocols the line enables are dropped with a note
// (a line such as `all -SSLv3` keeps working, clamped to 1.2–1.3), and a line that enables
// neither 1.2 nor 1.3 is an error.
func parseSSLProtocol(args []string, note func(string, ...any)) (Versions, error) {
	set := 0
	var explicitOld []string
	for i, a := range args {
		op := byte(0)
		name := a
		if a != "" && (a[0] == '+' || a[0] == '-') {
			op, name = a[0], a[1:]
		}
		bits, ok := protoNames[strings.ToLower(name)]
		if !ok {
			return Versions{}, errorf("unknown protocol %s (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, all)", quoteName(a))
		}
		switch op {
		case '+':
			set |= bits
		case '-':
			set &^= bits
		default:
			if i > 0 {
				note("SSLProtocol: %s replaces the protocols listed before it; write +%s to add it", a, a)
			}
			set = bits
		}
		if op != '-' && bits != protoAll && bits&(protoSSLv3|protoTLSv1|protoTLSv11) != 0 {
			explicitOld = append(explicitOld, name)
		}
	}
	var v Versions
	switch set & (protoTLSv12 | protoTLSv13) {
	case protoTLSv12 | protoTLSv13:
		v = Versions{Min: tls.VersionTLS12, Max: tls.VersionTLS13}
	case protoTLSv12:
		v = Versions{Min: tls.VersionTLS12, Max: tls.VersionTLS12}
	case protoTLSv13:
		v = Versions{Min: tls.VersionTLS13, Max: tls.VersionTLS13}
	default:
		return Versions{}, errorf("enables neither TLSv1.2 nor TLSv1.3, the only protocols ftpsd speaks")
	}
	if len(explicitOld) > 0 && set&(protoSSLv3|protoTLSv1|protoTLSv11) != 0 {
		note("SSLProtocol: %s not supported; ftpsd speaks TLSv1.2 and TLSv1.3 only", strings.Join(explicitOld, ", "))
	}
	return v, nil
}

// suite is one TLS 1.2 cipher suite ftpsd offers, with the attributes OpenSSL's cipher-list
// keywords select on.
type suite struct {
	id      uint16
	openssl string
	auth    string // "RSA" or "ECDSA"
	enc     string // "AES128GCM", "AES256GCM", "CHACHA20"
}

// suites are ftpsd's TLS 1.2 suites (tlsstate's policy): forward-secret ECDHE with an AEAD.
var suites = []suite{
	{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDSA", "AES128GCM"},
	{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, "ECDHE-RSA-AES128-GCM-SHA256", "RSA", "AES128GCM"},
	{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDSA", "AES256GCM"},
	{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, "ECDHE-RSA-AES256-GCM-SHA384", "RSA", "AES256GCM"},
	{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDSA", "CHACHA20"},
	{tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, "ECDHE-RSA-CHACHA20-POLY1305", "RSA", "CHACHA20"},
}

// selector returns the indexes into suites that an OpenSSL keyword or cipher name selects, and
// whether the word is known at all. Keywords that only select what ftpsd never offers (RC4,
// aNULL, 3DES, …) are known and select nothing, so that common exclusion lists work.
func selector(word string) (sel []int, known bool) {
	all := func(pred func(s suite) bool) []int {
		var out []int
		for i, s := range suites {
			if pred(s) {
				out = append(out, i)
			}
		}
		return out
	}
	for i, s := range suites {
		if strings.EqualFold(word, s.openssl) {
			return []int{i}, true
		}
	}
	switch strings.ToUpper(word) {
	case "ALL", "DEFAULT", "HIGH", "FIPS", "ECDHE", "EECDH", "KECDHE", "KEECDH", "TLSV1.2", "AEAD", "ECDH",
		"SUITEB128", "SUITEB192":
		return all(func(suite) bool { return true }), true
	case "RSA", "ARSA":
		return all(func(s suite) bool { return s.auth == "RSA" }), true
	case "ECDSA", "AECDSA":
		return all(func(s suite) bool { return s.auth == "ECDSA" }), true
	case "AES", "AESGCM":
		return all(func(s suite) bool { return s.enc != "CHACHA20" }), true
	case "AES128":
		return all(func(s suite) bool { return s.enc == "AES128GCM" }), true
	case "AES256":
		return all(func(s suite) bool { return s.enc == "AES256GCM" }), true
	case "CHACHA20":
		return all(func(s suite) bool { return s.enc == "CHACHA20" }), true
	case "SHA256":
		return all(func(s suite) bool { return s.enc != "AES256GCM" }), true
	case "SHA384":
		return all(func(s suite) bool { return s.enc == "AES256GCM" }), true
	case "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL", "MEDIUM", "LOW", "EXP", "EXPORT", "NULL",
		"ENULL", "ANULL", "ADH", "AECDH", "RC4", "RC2", "DES", "3DES", "MD5", "SHA1", "SHA", "IDEA",
		"SEED", "CAMELLIA", "CAMELLIA128", "CAMELLIA256", "ARIA", "ARIA128", "ARIA256", "ARIAGCM",
		"PSK", "KPSK", "APSK", "ECDHEPSK", "DHEPSK", "RSAPSK", "SRP", "KSRP", "ASRP", "DSS", "ADSS",
		"KRSA", "DH", "DHE", "EDH", "KDHE", "KEDH", "KDH", "KDHR", "KDHD", "GOST", "AGOST", "AGOST01",
		"KGOST", "GOST89MAC", "GOST94", "CCM", "CCM8", "AESCCM", "AESCCM8", "SSLV3", "TLSV1", "TLSV1.0",
		"KECDHR", "KECDHE_ECDSA", "CBC":
		return nil, true
	}
	if knownOtherCipher[strings.ToUpper(word)] {
		return nil, true
	}
	return nil, false
}

// knownOtherCipher are OpenSSL names of TLS ≤ 1.2 suites ftpsd does not offer, and the TLS 1.3
// names, so that a cipher list copied from a guide (Mozilla's "intermediate" has DHE suites)
// loads, dropping them with a note, while a misspelt name is still an error.
var knownOtherCipher = map[string]bool{}

func init() {
	for _, kx := range []string{"ECDHE-ECDSA-", "ECDHE-RSA-", "DHE-RSA-", "DHE-DSS-", "", "ADH-", "AECDH-",
		"PSK-", "DHE-PSK-", "ECDHE-PSK-", "RSA-PSK-", "SRP-", "SRP-RSA-", "SRP-DSS-", "EDH-RSA-", "EDH-DSS-"} {
		for _, rest := range []string{"AES128-GCM-SHA256", "AES256-GCM-SHA384", "CHACHA20-POLY1305",
			"AES128-SHA256", "AES256-SHA384", "AES256-SHA256", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
			"RC4-SHA", "RC4-MD5", "AES128-CCM", "AES256-CCM", "AES128-CCM8", "AES256-CCM8",
			"CAMELLIA128-SHA", "CAMELLIA256-SHA", "CAMELLIA128-SHA256", "CAMELLIA256-SHA256",
			"CAMELLIA256-SHA384", "SEED-SHA", "IDEA-CBC-SHA", "ARIA128-GCM-SHA256", "ARIA256-GCM-SHA384",
			"NULL-SHA", "NULL-SHA256", "NULL-MD5", "AES128-CBC-SHA", "AES256-CBC-SHA", "AES128-CBC-SHA256",
			"AES256-CBC-SHA384", "3DES-EDE-CBC-SHA", "NULL-SHA384"} {
			knownOtherCipher[kx+rest] = true
		}
	}
	for _, n := range []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
		"TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"} {
		knownOtherCipher[n] = true
	}
	for _, s := range suites {
		delete(knownOtherCipher, s.openssl)
	}
}

// parseCipherSuite reads an OpenSSL cipher list over ftpsd's six TLS 1.2 suites, with OpenSSL's
// operators: words separated by ':', ',' or spaces; A+B selects what both select; a bare word
// appends what it selects; -word removes; !word removes for good; +word moves to the end;
// @STRENGTH and @SECLEVEL=n are accepted and ignored. Known names of suites ftpsd does not offer
// select nothing (one note lists them); an unknown word is an error, and so is a list that ends
// up empty.
func parseCipherSuite(spec string, note func(string, ...any)) ([]uint16, error) {
	var (
		list    []int
		banned  = map[int]bool{}
		skipped []string
	)
	words := strings.FieldsFunc(spec, func(r rune) bool { return r == ':' || r == ',' || r == ' ' || r == '\t' })
	if len(words) == 0 {
		return nil, errorf("empty cipher list")
	}
	for _, w := range words {
		if strings.HasPrefix(w, "@") {
			u := strings.ToUpper(w)
			if u == "@STRENGTH" || strings.HasPrefix(u, "@SECLEVEL=") {
				continue
			}
			return nil, errorf("unknown cipher list command %s", quoteName(w))
		}
		op := byte(0)
		if w[0] == '!' || w[0] == '-' || w[0] == '+' {
			op, w = w[0], w[1:]
		}
		var sel []int
		for j, part := range strings.Split(w, "+") {
			s, known := selector(part)
			if !known {
				return nil, errorf("unknown cipher or keyword %s", quoteName(part))
			}
			if s == nil && op == 0 && knownOtherCipher[strings.ToUpper(part)] {
				skipped = append(skipped, part)
			}
			if j == 0 {
				sel = s
			} else {
				sel = slices.DeleteFunc(sel, func(i int) bool { return !slices.Contains(s, i) })
			}
		}
		switch op {
		case 0:
			for _, i := range sel {
				if !banned[i] && !slices.Contains(list, i) {
					list = append(list, i)
				}
			}
		case '-', '!':
			list = slices.DeleteFunc(list, func(i int) bool { return slices.Contains(sel, i) })
			if op == '!' {
				for _, i := range sel {
					banned[i] = true
				}
			}
		case '+':
			var moved []int
			list = slices.DeleteFunc(list, func(i int) bool {
				if slices.Contains(sel, i) {
					moved = append(moved, i)
					return true
				}
				return false
			})
			list = append(list, moved...)
		}
	}
	if len(skipped) > 0 {
		note("SSLCipherSuite: %s not offered by ftpsd (TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305 only); skipped",
			strings.Join(skipped, ", "))
	}
	if len(list) == 0 {
		return nil, errorf("selects none of the TLS 1.2 suites ftpsd offers (%s)", offeredNames())
	}
	ids := make([]uint16, len(list))
	for k, i := range list {
		ids[k] = suites[i].id
	}
	return ids, nil
}

func offeredNames() string {
	names := make([]string, len(suites))
	for i, s := range suites {
		names[i] = s.openssl
	}
	return strings.Join(names, ":")
}

// sslUserNames are the SSLUserName variables ftpsd can fill from a client certificate.
var sslUserNames = map[string]bool{
	"SSL_CLIENT_S_DN_CN": true, "SSL_CLIENT_S_DN_UID": true, "SSL_CLIENT_S_DN_EMAIL": true,
	"SSL_CLIENT_S_DN_E": true, "SSL_CLIENT_SAN_EMAIL_0": true, "SSL_CLIENT_S_DN": true,
}

// groupNames are the key-exchange groups crypto/tls negotiates, by the names OpenSSL gives them
// (lower case; OpenSSL matches group names case-insensitively).
var groupNames = map[string]tls.CurveID{
	"x25519mlkem768":     tls.X25519MLKEM768,
	"secp256r1mlkem768":  tls.SecP256r1MLKEM768,
	"secp384r1mlkem1024": tls.SecP384r1MLKEM1024,
	"x25519":             tls.X25519,
	"p-256":              tls.CurveP256, "prime256v1": tls.CurveP256, "secp256r1": tls.CurveP256,
	"p-384": tls.CurveP384, "secp384r1": tls.CurveP384,
	"p-521": tls.CurveP521, "secp521r1": tls.CurveP521,
}

// otherGroups are OpenSSL group names crypto/tls does not negotiate: a list copied from a guide
// that names them loads, without them and with a note, while a misspelt name is still an error.
var otherGroups = map[string]bool{
	"x448": true, "ffdhe2048": true, "ffdhe3072": true, "ffdhe4096": true, "ffdhe6144": true,
	"ffdhe8192": true, "brainpoolp256r1": true, "brainpoolp384r1": true, "brainpoolp512r1": true,
	"brainpoolp256r1tls13": true, "brainpoolp384r1tls13": true, "brainpoolp512r1tls13": true,
	"mlkem512": true, "mlkem768": true, "mlkem1024": true, "x448mlkem1024": true,
	"secp224r1": true, "secp192r1": true, "secp256k1": true, "prime192v1": true,
}

// parseGroups reads the value of SSLOpenSSLConfCmd Curves (or Groups) as OpenSSL 3 does: group
// names separated by ':' (',' and the '/' of OpenSSL 3.5's preference tiers are accepted too);
// "?name" is skipped when unknown; a leading '*' (a key-share hint, which only a client acts on)
// is dropped; DEFAULT is every group crypto/tls negotiates and makes the result nil, as if there
// were no Curves line (so the groups a later Go adds come with it). Names crypto/tls does not
// negotiate (X448, the ffdhe and brainpool groups, …) are skipped with one note; an unknown name
// is an error, and so is a list that ends up empty. crypto/tls picks among the groups in its own
// order (post-quantum hybrids first, then X25519, then the NIST curves), so only the set matters.
func parseGroups(spec string, note func(string, ...any)) ([]tls.CurveID, error) {
	var (
		ids     []tls.CurveID
		skipped []string
		all     bool
	)
	add := func(id tls.CurveID) {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	words := strings.FieldsFunc(spec, func(r rune) bool { return r == ':' || r == ',' || r == '/' })
	if len(words) == 0 {
		return nil, errorf("empty group list")
	}
	for _, w := range words {
		w = strings.TrimPrefix(w, "*")
		optional := strings.HasPrefix(w, "?")
		name := strings.TrimPrefix(w, "?")
		lower := strings.ToLower(name)
		switch id, ok := groupNames[lower]; {
		case ok:
			add(id)
		case lower == "default":
			all = true
		case otherGroups[lower]:
			skipped = append(skipped, name)
		case optional:
		default:
			return nil, errorf("unknown group %s (%s)", quoteName(name), groupList)
		}
	}
	if len(skipped) > 0 {
		note("SSLOpenSSLConfCmd: %s not negotiated by ftpsd (crypto/tls); skipped", strings.Join(skipped, ", "))
	}
	switch {
	case all:
		return nil, nil
	case len(ids) == 0:
		return nil, errorf("selects none of the groups ftpsd negotiates (%s)", groupList)
	}
	return ids, nil
}

// groupList names the groups ftpsd negotiates, for error messages.
const groupList = "X25519MLKEM768, SecP256r1MLKEM768, SecP384r1MLKEM1024, X25519, P-256 (prime256v1), P-384 (secp384r1), P-521 (secp521r1)"

// TLS13OnlyGroup reports whether id is a post-quantum hybrid, which only TLS 1.3 negotiates.
func TLS13OnlyGroup(id tls.CurveID) bool {
	switch id {
	case tls.X25519MLKEM768, tls.SecP256r1MLKEM768, tls.SecP384r1MLKEM1024:
		return true
	}
	return false
}
