package fuzz

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// rfcSeeds are command sequences taken from the RFCs' examples: RFC 959's
// scenarios, RFC 2428's EPRT/EPSV, RFC 3659's MLST/SIZE/MDTM/REST, RFC
// 2389's FEAT/OPTS, RFC 4217's AUTH/PBSZ/PROT/CCC, RFC 2640's UTF-8 names.
var rfcSeeds = []string{
	// RFC 959 §7, the typical scenario, and its appendix examples.
	"USER anonymous\r\nPASS guest@\r\nTYPE A\r\nSTRU F\r\nMODE S\r\nPORT 127,0,0,1,7,138\r\nRETR /pub/file.txt\r\nQUIT\r\n",
	"USER doe\r\nPASS mumble\r\nCWD /usr/doe\r\nCDUP\r\nMKD Doe\r\nPWD\r\nRMD Doe\r\nNLST\r\nSTAT\r\nSYST\r\nHELP\r\nNOOP\r\n",
	"USER anonymous\r\nPASS x\r\nRNFR file.txt\r\nRNTO new.txt\r\nDELE new.txt\r\nACCT x\r\nALLO 1000\r\nREIN\r\n",
	// RFC 2428: EPRT and EPSV, both families, and EPSV ALL.
	"USER anonymous\r\nPASS x\r\nEPRT |1|132.235.1.2|6275|\r\nEPRT |2|1080::8:800:200C:417A|5282|\r\nEPSV\r\nEPSV 2\r\nEPSV ALL\r\nPORT 1,2,3,4,5,6\r\n",
	// RFC 3659.
	"USER anonymous\r\nPASS x\r\nMLST pub\r\nMLSD\r\nSIZE /pub/file.txt\r\nMDTM /pub/file.txt\r\nREST 2\r\nOPTS MLST size;modify;\r\nTYPE I\r\nSIZE pub\r\n",
	// RFC 2389.
	"FEAT\r\nOPTS UTF8 ON\r\nOPTS MLST type;\r\nOPTS FOO\r\n",
	// RFC 4217 §4–§6: AUTH, PBSZ, PROT, CCC, and what must be refused before AUTH.
	"PBSZ 0\r\nPROT P\r\nCCC\r\nAUTH SSL\r\nAUTH TLS-C\r\n",
	// RFC 2640: UTF-8 file names.
	"USER fuzz\r\nPASS fuzz\r\nMKD \xc3\xa9t\xc3\xa9\r\nCWD \xc3\xa9t\xc3\xa9\r\nPWD\r\nCDUP\r\nRMD \xc3\xa9t\xc3\xa9\r\n",
	// RFC 959 §4.1.3 with RFC 854 Telnet IP/Synch before ABOR.
	"USER anonymous\r\nPASS x\r\nEPSV\r\nRETR /pub/file.txt\r\n\xff\xf4\xff\xf2ABOR\r\nSTAT\r\n",
}

// checkReplies reads a reply stream (from the greeting on when greeted)
// and fails on any line that is not a well-formed reply, a multi-line reply
// whose middle lines could pass for a reply of their own, or anything after
// a 221 or 421, which end the session. A last line cut by the client's read
// deadline is not checked, nor what follows a 234 (TLS records).
func checkReplies(t *testing.T, stream []byte, greeted bool) {
	t.Helper()
	lines := bytes.Split(stream, []byte("\r\n"))
	lines = lines[:len(lines)-1] // "" after a final CRLF, or a line cut short
	var multi []byte             // the code of an open multi-line reply
	closed := false
	for i, line := range lines {
		if closed {
			t.Fatalf("reply after the session ended: %q\nstream: %q", line, stream)
		}
		if multi != nil {
			if looksLikeReply(line) {
				if !bytes.HasPrefix(line, multi) || line[3] != ' ' {
					t.Fatalf("line %q inside a %s multi-line reply could pass for a reply\nstream: %q", line, multi, stream)
				}
				closed = ends(multi)
				multi = nil
			}
			continue
		}
		if !wellFormed(line) {
			t.Fatalf("malformed reply line %q\nstream: %q", line, stream)
		}
		if i == 0 && greeted && string(line[:3]) != "220" {
			t.Fatalf("first reply %q, want the 220 greeting", line)
		}
		if line[3] == '-' {
			multi = slices.Clone(line[:3])
			continue
		}
		if string(line[:3]) == "234" {
			return // TLS from here on: the handshake's bytes, not replies
		}
		closed = ends(line[:3])
	}
}

// ends reports the codes after which the server closes the session.
func ends(code []byte) bool { return string(code) == "221" || string(code) == "421" }

// looksLikeReply is codec's test for a line that a client would take for
// a reply line: three digits, then a space, a hyphen or the end.
func looksLikeReply(line []byte) bool {
	return len(line) >= 3 && isDigits(line[:3]) && (len(line) == 3 || line[3] == ' ' || line[3] == '-')
}

// checkInvariants runs after each input: nothing outside the root changed
// (the file and the directory listing next to the root), the server still
// greets a new client, and the input left no goroutine behind.
func checkInvariants(t *testing.T) {
	t.Helper()
	if b, err := os.ReadFile(server.outside); err != nil || string(b) != "untouched" {
		t.Fatalf("file outside the root changed: %q, %v", b, err)
	}
	entries, err := os.ReadDir(server.dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"htpasswd", "outside", "root"}) {
		t.Fatalf("the directory around the root now holds %q", names)
	}
	c, err := net.DialTimeout("tcp", server.addr, 5*time.Second)
	if err != nil {
		t.Fatalf("server gone: %v", err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	greet, err := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if err != nil || len(greet) < 4 || greet[:4] != "220 " {
		t.Fatalf("no greeting after the input: %q, %v", greet, err)
	}
	// Sessions, handshakes, data listeners and jobs of the input end
	// within the server's short timeouts; idle workers retire after a
	// second. Allow them that, and a few spare goroutines.
	const slack = 16
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > server.goroutines+slack {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before the input:\n%s", runtime.NumGoroutine(), server.goroutines,
				buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
