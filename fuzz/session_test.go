package fuzz

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/loop/auth"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// server is one in-process server shared by every fuzz input: starting
// one per input would make each run cost a gnet engine.
var server struct {
	once    sync.Once
	addr    string
	outside string // a file next to the root that no session may change
	err     error
}

func startServer() {
	dir, err := os.MkdirTemp("", "ftpsd-fuzz-")
	if err != nil {
		server.err = err
		return
	}
	root := filepath.Join(dir, "root")
	server.outside = filepath.Join(dir, "outside")
	for _, f := range []struct{ path, body string }{
		{server.outside, "untouched"},
		{filepath.Join(root, "pub", "file.txt"), "hello\n"},
	} {
		_ = os.MkdirAll(filepath.Dir(f.path), 0o755)
		if server.err = os.WriteFile(f.path, []byte(f.body), 0o644); server.err != nil {
			return
		}
	}
	_ = os.Symlink(server.outside, filepath.Join(root, "escape"))
	users, _ := auth.NewUsers("", true)
	cert, _, err := tlsstate.SelfSigned([]string{"127.0.0.1"})
	if err != nil {
		server.err = err
		return
	}
	store := &tlsstate.CertStore{}
	store.Set(&cert)
	srv, err := loop.New(loop.Config{
		Listeners:        []loop.Listener{{Addr: "127.0.0.1:0"}},
		Root:             root,
		Auth:             users,
		FailDelay:        -1,
		TLS:              tlsstate.BaseConfig(store),
		DataTimeout:      200 * time.Millisecond,
		HandshakeTimeout: 200 * time.Millisecond,
		EventLoops:       1,
	})
	if err != nil {
		server.err = err
		return
	}
	go func() { _ = srv.Serve() }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bound, err := srv.Addrs(ctx)
	if err != nil {
		server.err = err
		return
	}
	server.addr = bound[0].Addr.String()
}

// FuzzSession sends random bytes as a client would (after the greeting,
// logged in as anonymous or not) and checks that every reply line is well
// formed, that the server still greets a new client, and that nothing
// outside the root changed.
func FuzzSession(f *testing.F) {
	for _, seed := range []string{
		"USER anonymous\r\nPASS x\r\nPWD\r\nCWD pub\r\nSIZE file.txt\r\nQUIT\r\n",
		"USER anonymous\r\nPASS x\r\nEPSV\r\nRETR /pub/file.txt\r\nABOR\r\n",
		"USER anonymous\r\nPASS x\r\nPORT 127,0,0,1,200,10\r\nLIST\r\n",
		"USER anonymous\r\nPASS x\r\nCWD ../../..\r\nRETR escape\r\nSTAT /\r\n",
		"\xff\xf4\xff\xf2ABOR\r\nHELP\r\nFEAT\r\nSTAT\r\n",
		"AUTH TLS\r\nUSER x\r\n\x16\x03\x01\x00\x05hello",
		"MKD x\r\nDELE y\r\nRNFR a\r\nRNTO b\r\nSITE CHMOD 777 /\r\n",
		"OPTS MLST type;\r\nMLST /\r\nREST 5\r\nTYPE A\r\nMODE S\r\nSTRU F\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		server.once.Do(startServer)
		if server.err != nil {
			t.Fatal(server.err)
		}
		replies := session(t, input)
		for _, line := range bytes.Split(replies, []byte("\r\n")) {
			if len(line) > 0 && !wellFormed(line) {
				// A continuation line of a multi-line reply may hold
				// anything; only lines that look like a reply start are
				// checked for shape.
				if len(line) >= 3 && isDigits(line[:3]) {
					t.Fatalf("malformed reply line %q", line)
				}
			}
		}
		if b, err := os.ReadFile(server.outside); err != nil || string(b) != "untouched" {
			t.Fatalf("file outside the root changed: %q, %v", b, err)
		}
		// The server must still serve.
		c, err := net.DialTimeout("tcp", server.addr, 5*time.Second)
		if err != nil {
			t.Fatalf("server gone: %v", err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(5 * time.Second))
		greet, err := bufio.NewReader(c).ReadString('\n')
		if err != nil || len(greet) < 4 || greet[:4] != "220 " {
			t.Fatalf("no greeting after fuzz input: %q, %v", greet, err)
		}
	})
}

// session sends input on a fresh control connection, then a QUIT on a
// line of its own so the server closes promptly, and returns what the
// server answered within a short, bounded wait.
func session(t *testing.T, input []byte) []byte {
	c, err := net.DialTimeout("tcp", server.addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	msg := append(append([]byte{}, input...), "\r\nQUIT\r\n"...)
	if _, err := c.Write(msg); err != nil {
		return nil
	}
	var out bytes.Buffer
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			return out.Bytes()
		}
	}
}

// wellFormed reports whether line starts like an FTP reply: a valid code
// followed by a space or a hyphen.
func wellFormed(line []byte) bool {
	if len(line) < 4 || !isDigits(line[:3]) || (line[3] != ' ' && line[3] != '-') {
		return false
	}
	code := codec.Code(int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0'))
	return code.Valid()
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
