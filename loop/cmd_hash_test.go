package loop

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hexOf is the lower-case hex of a digest.
func hexOf(sum []byte) string { return hex.EncodeToString(sum) }

// TestHashCommands drives HASH, OPTS HASH and the X* commands through the
// command table, in the forms WinSCP and FluentFTP send, and checks each
// reply against a digest computed here with the standard library.
func TestHashCommands(t *testing.T) {
	addr, root := startServer(t, Config{})
	const body = "integrity for distribution\n"
	writeFile(t, root, "pub/a file.txt", body)
	writeFile(t, root, "abc", "abc")
	writeFile(t, root, ".ftpsd-0123456789abcdef.part", "someone's upload in progress")
	if err := os.Mkdir(filepath.Join(root, "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	s256, s512, s1, m5 := sha256.Sum256([]byte(body)), sha512.Sum512([]byte(body)), sha1.Sum([]byte(body)), md5.Sum([]byte(body))
	crcAB := crc32.ChecksumIEEE([]byte("ab"))

	c := dial(t, addr)
	c.cmd(530, "HASH abc")
	c.cmd(530, "XSHA1 abc")
	c.cmd(200, "OPTS HASH") // OPTS needs no login, as OPTS UTF8 does
	c.login("alice", "secret")

	feat := c.cmd(211, "FEAT")
	for _, line := range []string{" HASH SHA-256*;SHA-512;SHA-1;MD5;CRC32\n", " XCRC filename;start;end\n",
		" XMD5 filename;start;end\n", " XSHA1 filename;start;end\n", " XSHA256 filename;start;end\n",
		" XSHA512 filename;start;end\n"} {
		if !strings.Contains(feat, line) {
			t.Errorf("FEAT lacks %q:\n%s", line, feat)
		}
	}
	if help := c.cmd(214, "HELP XSHA256"); help != "Syntax: XSHA256 <sp> pathname [<sp> start <sp> end]" {
		t.Errorf("HELP XSHA256: %q", help)
	}

	steps := []struct {
		name string
		cmd  string
		code int
		want string // the whole reply text, or "" to check only the code
	}{
		{"default function", "OPTS HASH", 200, "SHA-256"},
		{"HASH (FluentFTP)", "HASH pub/a file.txt", 213,
			"Computing SHA-256 digest\nSHA-256 0-26 " + hexOf(s256[:]) + " pub/a file.txt"},
		{"HASH quoted (WinSCP)", `HASH "/pub/a file.txt"`, 213,
			"Computing SHA-256 digest\nSHA-256 0-26 " + hexOf(s256[:]) + " /pub/a file.txt"},
		{"select SHA-512 (FluentFTP)", "OPTS HASH SHA-512", 200, "SHA-512"},
		{"HASH with SHA-512", "HASH /pub/a file.txt", 213,
			"Computing SHA-512 digest\nSHA-512 0-26 " + hexOf(s512[:]) + " /pub/a file.txt"},
		{"unknown function", "OPTS HASH CRC-37", 501, "Unknown algorithm, current selection not changed."},
		{"selection kept", "OPTS HASH", 200, "SHA-512"},
		{"two names", "OPTS HASH MD5 SHA-1", 501, ""},
		{"XSHA1 quoted (WinSCP)", `XSHA1 "/pub/a file.txt"`, 250,
			"Computing SHA-1 digest\n" + strings.ToUpper(hexOf(s1[:]))},
		{"XMD5 (FluentFTP)", "XMD5 /pub/a file.txt", 250,
			"Computing MD5 digest\n" + strings.ToUpper(hexOf(m5[:]))},
		{"XSHA256 from the working directory", "XSHA256 abc", 250,
			"Computing SHA-256 digest\nBA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"},
		{"XCRC with a range", "XCRC abc 0 2", 250, "Computing CRC32 digest\n" + strings.ToUpper(hex.EncodeToString(
			[]byte{byte(crcAB >> 24), byte(crcAB >> 16), byte(crcAB >> 8), byte(crcAB)}))},
		{"XSHA512 range beyond the end", "XSHA512 abc 0 4", 501, "Range exceeds the file size."},
		{"XCRC quoted path then one number", `XCRC "abc" 2`, 501, ""},
		{"XCRC end before start", "XCRC abc 2 1", 501, ""},
		{"XSHA1 without a path", "XSHA1", 501, ""},
		{"HASH of a directory", "HASH dir", 553, ""},
		{"XMD5 of a directory", "XMD5 dir", 550, ""},
		{"HASH of nothing", "HASH missing", 550, ""},
		{"HASH with empty quotes", `HASH ""`, 501, ""},
		{"HASH of an upload temporary", "HASH .ftpsd-0123456789abcdef.part", 550, ""},
		{"XCRC of an upload temporary", "XCRC .ftpsd-0123456789abcdef.part", 550, ""},
	}
	for _, st := range steps {
		msg := c.cmd(st.code, "%s", st.cmd)
		if st.want != "" && msg != st.want {
			t.Errorf("%s: %s answered %q, want %q", st.name, st.cmd, msg, st.want)
		}
	}

	// REIN forgets the selection (draft-bryan-ftpext-hash-02 §3.2).
	c.cmd(220, "REIN")
	c.login("alice", "secret")
	if msg := c.cmd(200, "OPTS HASH"); msg != "SHA-256" {
		t.Errorf("after REIN OPTS HASH is %q, want SHA-256", msg)
	}
}

// TestHashSelectionPerSession: one session's OPTS HASH leaves the others'
// function alone; the cache both share serves the second request without
// reading the file again.
func TestHashSelectionPerSession(t *testing.T) {
	addr, root := startServer(t, Config{})
	writeFile(t, root, "f", "shared")
	a, b := dial(t, addr), dial(t, addr)
	a.login("alice", "secret")
	b.login("alice", "secret")
	a.cmd(200, "OPTS HASH MD5")
	if feat := b.cmd(211, "FEAT"); !strings.Contains(feat, " HASH SHA-256*;") {
		t.Errorf("another session's FEAT after OPTS HASH MD5:\n%s", feat)
	}
	if feat := a.cmd(211, "FEAT"); !strings.Contains(feat, ";MD5*;") {
		t.Errorf("the selecting session's FEAT:\n%s", feat)
	}
	first := a.cmd(213, "HASH f")
	if !strings.Contains(first, "\nMD5 0-5 ") {
		t.Errorf("HASH after OPTS HASH MD5: %q", first)
	}
	b.cmd(200, "OPTS HASH MD5")
	if second := b.cmd(213, "HASH f"); second != first {
		t.Errorf("second session: %q, first %q", second, first)
	}
	if hits, misses := serverAt(t, addr).hashes.Stats(); hits != 1 || misses != 1 {
		t.Errorf("shared cache: %d hits, %d misses; want the second HASH served from it", hits, misses)
	}
}

// denyRETR refuses RETR under /private, as <Directory …/private>
// <Limit RETR> Require nothing would.
type denyRETR struct{ root string }

func (d denyRETR) Allow(verb, _, fsPath, _ string) bool {
	private := filepath.Join(d.root, "private")
	return verb != "RETR" || fsPath != private && !strings.HasPrefix(fsPath, private+"/")
}

// TestHashNeedsRETR: a file the user may not RETR may not be hashed either.
func TestHashNeedsRETR(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "private/s", "secret")
	writeFile(t, root, "pub/p", "public")
	addr, _ := startServer(t, Config{Host: Host{Root: root, Authorize: denyRETR{root}}})
	c := dial(t, addr)
	c.login("alice", "secret")
	c.cmd(550, "HASH private/s")
	c.cmd(550, "XSHA256 private/s")
	c.cmd(550, "XCRC private/s 0 1")
	c.cmd(213, "HASH pub/p")
	c.cmd(250, "XCRC pub/p")
}

// TestHashMaxBytes: HashMaxBytes refuses a larger request, with 556 for
// HASH and 550 for the X* commands, and lets a range within it through.
func TestHashMaxBytes(t *testing.T) {
	addr, root := startServer(t, Config{Limits: Limits{HashMaxBytes: 4}})
	writeFile(t, root, "f", "0123456789")
	writeFile(t, root, "small", "0123")
	c := dial(t, addr)
	c.login("alice", "secret")
	c.cmd(556, "HASH f")
	c.cmd(550, "XMD5 f")
	c.cmd(250, "XMD5 f 2 6")
	c.cmd(213, "HASH small")
}

// TestHashThrottled: a hash waits on the session's transfer rate limit as
// a download would, and commands sent meanwhile, ABOR too, are answered
// after it, in order: a hash is a file-system job, not a transfer.
func TestHashThrottled(t *testing.T) {
	addr, root := startServer(t, Config{Limits: Limits{SessionRate: rateLimit}})
	want := randomFile(t, root, "blob", rateFile)
	c := dial(t, addr)
	c.login("alice", "secret")
	start := time.Now()
	if _, err := c.c.Write([]byte("XSHA1 blob\r\nABOR\r\nNOOP\r\n")); err != nil {
		t.Fatal(err)
	}
	sum := sha1.Sum(want)
	if msg := c.expect(250); !strings.HasSuffix(msg, "\n"+strings.ToUpper(hexOf(sum[:]))) {
		t.Errorf("XSHA1 with ABOR behind it: %q", msg)
	}
	if el := time.Since(start); el < minPaced {
		t.Errorf("XSHA1 of %d bytes at %d B/s took %v", rateFile, rateLimit, el)
	}
	c.expect(225)
	c.expect(200)
}
