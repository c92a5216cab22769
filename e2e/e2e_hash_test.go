package e2e

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hashFixture is a distribution tree: a file with a space in its name
// (which WinSCP quotes) and one without.
type hashFixture struct {
	spaced, plain []byte
}

func newHashFixture(t *testing.T, root string) hashFixture {
	t.Helper()
	f := hashFixture{spaced: make([]byte, 200<<10), plain: make([]byte, 100<<10+7)}
	for _, b := range [][]byte{f.spaced, f.plain} {
		if _, err := rand.Read(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(root, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"dist/release 1.0.tar": f.spaced, "dist/checksums.bin": f.plain} {
		if err := os.WriteFile(filepath.Join(root, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// digests of b, lower-case hex, by the names HASH uses.
func digests(b []byte) map[string]string {
	s256, s512, s1, m5 := sha256.Sum256(b), sha512.Sum512(b), sha1.Sum(b), md5.Sum(b)
	crc := binary.BigEndian.AppendUint32(nil, crc32.ChecksumIEEE(b))
	return map[string]string{"SHA-256": hex.EncodeToString(s256[:]), "SHA-512": hex.EncodeToString(s512[:]),
		"SHA-1": hex.EncodeToString(s1[:]), "MD5": hex.EncodeToString(m5[:]), "CRC32": hex.EncodeToString(crc)}
}

// lastLine is the last line of a reply: what WinSCP and FluentFTP read
// (FluentFTP's FtpReply.Message; WinSCP's Response->Strings[Count-1]).
func lastLine(r reply) string {
	lines := strings.Split(r.msg, "\n")
	return lines[len(lines)-1]
}

// winscpDigest parses a reply as WinSCP's TFTPFileSystem::
// DoCalculateFileChecksum does: for HASH, skip the function and the range
// (a word with a hyphen) and take the next word; for an X* command, the
// last word; lower-cased.
func winscpDigest(r reply, usingHash bool) string {
	buf := lastLine(r)
	if usingHash {
		words := strings.SplitN(buf, " ", 4)
		if len(words) < 3 {
			return ""
		}
		if strings.Contains(words[1], "-") {
			return strings.ToLower(words[2])
		}
		return strings.ToLower(words[1])
	}
	buf = strings.TrimSpace(buf)
	if i := strings.LastIndexByte(buf, ' '); i >= 0 {
		buf = buf[i+1:]
	}
	return strings.ToLower(buf)
}

// fluentHashRE is FluentFTP's parse of a HASH reply (HashParser.Parse).
var fluentHashRE = regexp.MustCompile(`^(?P<algorithm>\S+)\s(?P<bytestart>\d+)-(?P<byteend>\d+)\s(?P<hash>\S+)\s(?P<filename>.+)$`)

// featHashAlgos returns the functions of FEAT's HASH line, and the one
// marked as selected, as both clients read them.
func featHashAlgos(t *testing.T, feat reply) (algos []string, selected string) {
	t.Helper()
	for _, line := range strings.Split(feat.msg, "\n") {
		if rest, ok := strings.CutPrefix(line, " HASH "); ok {
			for _, a := range strings.Split(rest, ";") {
				if name, star := strings.CutSuffix(a, "*"); star {
					selected = name
					algos = append(algos, name)
				} else {
					algos = append(algos, a)
				}
			}
			return algos, selected
		}
	}
	t.Fatalf("FEAT has no HASH line:\n%s", feat.msg)
	return nil, ""
}

// TestHashClients replays the checksum conversations of WinSCP and of
// FluentFTP, over plain FTP and explicit TLS, and checks every digest the
// server gives against the bytes a download of the file brings.
func TestHashClients(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fx := newHashFixture(t, root)
	s := startServer(t, serverConfig{root: root})
	for _, mode := range []string{"plain", "explicit TLS"} {
		t.Run(mode, func(t *testing.T) {
			// download fetches a file as the client would before checking
			// it: over clear data, or PROT P resuming the control session.
			var download func(c *ctrl, line string) ([]byte, reply)
			login := func(t *testing.T) *ctrl {
				if mode == "plain" {
					download = (*ctrl).retr
					return s.login(t, &alice)
				}
				cfg := clientTLS()
				download = func(c *ctrl, line string) ([]byte, reply) {
					x := c.retrTLS(line, cfg)
					if x.dataErr != nil {
						c.t.Fatalf("%s over PROT P: %v", line, x.dataErr)
					}
					return x.data, x.final
				}
				return s.loginTLS(t, &alice, cfg)
			}

			t.Run("WinSCP", func(t *testing.T) {
				c := login(t)
				algos, selected := featHashAlgos(t, c.must("FEAT", 211))
				if strings.Join(algos, ";") != "SHA-256;SHA-512;SHA-1;MD5;CRC32" || selected != "SHA-256" {
					t.Errorf("FEAT HASH: %q, selected %q", algos, selected)
				}
				feat := c.must("FEAT", 211).msg
				for _, verb := range []string{"XSHA1", "XSHA256", "XSHA512", "XMD5", "XCRC"} {
					if !strings.Contains(feat, "\n "+verb+" ") {
						t.Errorf("FEAT does not announce %s:\n%s", verb, feat)
					}
				}
				// The download the checksum is to vouch for.
				data, r := download(c, `RETR /dist/release 1.0.tar`)
				if r.code != 226 || string(data) != string(fx.spaced) {
					t.Fatalf("RETR: %d bytes, %v", len(data), r)
				}
				want := digests(data)
				// CalculateFilesChecksumInitialize, then the HASH command
				// with the path quoted because it has a space.
				for _, alg := range []string{"SHA-1", "SHA-256", "MD5"} {
					c.must("OPTS HASH "+alg, 200)
					r := c.must(`HASH "/dist/release 1.0.tar"`, 213)
					if got := winscpDigest(r, true); got != want[alg] {
						t.Errorf("HASH with %s as WinSCP reads it: %q from %q, want %s", alg, got, r.msg, want[alg])
					}
				}
				// The algorithm-specific commands, quoted the same way.
				for verb, alg := range map[string]string{"XSHA1": "SHA-1", "XSHA256": "SHA-256", "XSHA512": "SHA-512",
					"XMD5": "MD5", "XCRC": "CRC32"} {
					r := c.must(verb+` "/dist/release 1.0.tar"`, 250)
					if got := winscpDigest(r, false); got != want[alg] {
						t.Errorf("%s as WinSCP reads it: %q from %q, want %s", verb, got, r.msg, want[alg])
					}
				}
			})

			t.Run("FluentFTP", func(t *testing.T) {
				c := login(t)
				algos, _ := featHashAlgos(t, c.must("FEAT", 211))
				if len(algos) != 5 {
					t.Errorf("FEAT HASH functions: %q", algos)
				}
				want := digests(fx.plain)
				// SetHashAlgorithm, then GetHash: OPTS HASH, HASH path.
				for _, tc := range []struct{ opt, alg string }{{"SHA-256", "SHA-256"}, {"SHA-512", "SHA-512"},
					{"SHA-1", "SHA-1"}, {"MD5", "MD5"}, {"CRC", "CRC32"}} {
					if r := c.must("OPTS HASH "+tc.opt, 200); r.msg != tc.alg {
						t.Errorf("OPTS HASH %s: %q, want %s", tc.opt, r.msg, tc.alg)
					}
					if r := c.must("OPTS HASH", 200); r.msg != tc.alg {
						t.Errorf("GetHashAlgorithm after %s: %q", tc.opt, r.msg)
					}
					r := c.must("HASH /dist/checksums.bin", 213)
					m := fluentHashRE.FindStringSubmatch(lastLine(r))
					if m == nil {
						t.Fatalf("HASH reply %q does not parse as FluentFTP parses it", r.msg)
					}
					last := strconv.Itoa(len(fx.plain) - 1)
					if m[1] != tc.alg || m[2] != "0" || m[3] != last || m[4] != want[tc.alg] || m[5] != "/dist/checksums.bin" {
						t.Errorf("HASH with %s: algorithm %q range %s-%s hash %q file %q; want %s 0-%s %s",
							tc.opt, m[1], m[2], m[3], m[4], m[5], tc.alg, last, want[tc.alg])
					}
				}
				// GetXCRC, GetXMD5, GetXSHA1, GetXSHA256, GetXSHA512: the
				// reply's message is the value.
				for verb, alg := range map[string]string{"XCRC": "CRC32", "XMD5": "MD5", "XSHA1": "SHA-1",
					"XSHA256": "SHA-256", "XSHA512": "SHA-512"} {
					r := c.must(verb+" /dist/checksums.bin", 250)
					if got := lastLine(r); !strings.EqualFold(got, want[alg]) {
						t.Errorf("%s: message %q, want %s", verb, got, want[alg])
					}
				}
				// A range, as GlobalSCAPE-style clients send it.
				part := digests(fx.plain[100:1100])
				if r := c.must("XSHA256 /dist/checksums.bin 100 1100", 250); !strings.EqualFold(lastLine(r), part["SHA-256"]) {
					t.Errorf("XSHA256 of bytes 100-1099: %q, want %s", r.msg, part["SHA-256"])
				}
				c.expect("XSHA256 /dist/checksums.bin 0 "+strconv.Itoa(len(fx.plain)+1), 501)
				c.expect("HASH /dist", 553)
				c.expect("HASH /dist/none", 550)
				c.expect("OPTS HASH SHA-3", 501)
			})
		})
	}
}

// TestHashMaxSizeFlag: -hash-max-size refuses a larger HASH with 556.
func TestHashMaxSizeFlag(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	newHashFixture(t, root)
	s := startServer(t, serverConfig{root: root, args: []string{"-hash-max-size", "150K"}})
	c := s.login(t, &alice)
	c.expect("HASH /dist/release 1.0.tar", 556)
	c.expect("XSHA1 /dist/release 1.0.tar", 550)
	c.expect("HASH /dist/checksums.bin", 213)
}
