package fuzz

import (
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/testserver"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// server is one in-process server shared by every fuzz input: starting
// one per input would make each run cost a gnet engine.
var server struct {
	once       sync.Once
	addr       string
	proxyAddr  string // a listener taking PROXY headers from 127.0.0.1 (proxy_test.go)
	dir        string // holds root and outside, nothing else
	outside    string // a file next to the root that no session may change
	goroutines int    // after the first session: what a quiet server runs
	stop       func() error
	err        error
}

// TestMain stops the shared server, if an input started it, and removes
// its directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if server.stop != nil {
		_ = server.stop()
	}
	if server.dir != "" {
		_ = os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

func startServer() {
	dir, err := os.MkdirTemp("", "ftpsd-fuzz-")
	if err != nil {
		server.err = err
		return
	}
	root := filepath.Join(dir, "root")
	server.dir = dir
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
	// "fuzz" (password "fuzz") may write, so that writes meet the root's
	// walls too; anonymous reads.
	sum := sha1.Sum([]byte("fuzz"))
	htpasswd := filepath.Join(dir, "htpasswd")
	if server.err = os.WriteFile(htpasswd, []byte("fuzz:{SHA}"+base64.StdEncoding.EncodeToString(sum[:])+"\n"), 0o600); server.err != nil {
		return
	}
	users, err := auth.NewUsers(htpasswd, true)
	if err != nil {
		server.err = err
		return
	}
	cert, err := testserver.SelfSigned("127.0.0.1")
	if err != nil {
		server.err = err
		return
	}
	store := &tlsstate.CertStore{}
	store.Set(&cert)
	srv, err := loop.New(loop.Config{
		Listeners:        []loop.Listener{{Addr: "127.0.0.1:0"}, {Addr: "127.0.0.1:0", Proxy: true}},
		Proxy:            loop.ProxyProtocol{Trusted: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, HeaderTimeout: 300 * time.Millisecond},
		Host:             loop.Host{Root: root, Auth: users, TLS: tlsstate.BaseConfig(store)},
		FailDelay:        -1,
		DataTimeout:      200 * time.Millisecond,
		HandshakeTimeout: 200 * time.Millisecond,
		EventLoops:       1,
	})
	if err != nil {
		server.err = err
		return
	}
	// Not testserver.Start: the server outlives each input's test.
	bound, stop, err := testserver.Run[loop.BoundListener](srv)
	if err != nil {
		server.err = err
		return
	}
	server.stop = stop
	server.addr = bound[0].Addr.String()
	server.proxyAddr = bound[1].Addr.String()
	// One session first, so the baseline counts what the server keeps
	// once it has served (a worker waiting for its next job).
	c, err := net.DialTimeout("tcp", server.addr, 5*time.Second)
	if err != nil {
		server.err = err
		return
	}
	_, _ = c.Write([]byte("USER anonymous\r\nPASS x\r\nPWD\r\nQUIT\r\n"))
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.ReadAll(c)
	c.Close()
	time.Sleep(100 * time.Millisecond)
	server.goroutines = runtime.NumGoroutine()
}

// FuzzSession sends random bytes as a client would, right after it
// connected, and checks the invariants: every reply well formed and none
// after the session ended (checkReplies), nothing outside the root changed,
// the server still greets, no goroutine left behind (checkInvariants).
func FuzzSession(f *testing.F) {
	for _, seed := range append(rfcSeeds, []string{
		"USER anonymous\r\nPASS x\r\nPWD\r\nCWD pub\r\nSIZE file.txt\r\nQUIT\r\n",
		"USER anonymous\r\nPASS x\r\nEPSV\r\nRETR /pub/file.txt\r\nABOR\r\n",
		"USER anonymous\r\nPASS x\r\nPORT 127,0,0,1,200,10\r\nLIST\r\n",
		"USER anonymous\r\nPASS x\r\nCWD ../../..\r\nRETR escape\r\nSTAT /\r\n",
		"\xff\xf4\xff\xf2ABOR\r\nHELP\r\nFEAT\r\nSTAT\r\n",
		"AUTH TLS\r\nUSER x\r\n\x16\x03\x01\x00\x05hello",
		"MKD x\r\nDELE y\r\nRNFR a\r\nRNTO b\r\nSITE CHMOD 777 /\r\n",
		"OPTS MLST type;\r\nMLST /\r\nREST 5\r\nTYPE A\r\nMODE S\r\nSTRU F\r\n",
		"USER fuzz\r\nPASS fuzz\r\nMKD ../x\r\nRNFR escape\r\nRNTO y\r\nDELE escape\r\nSTOR escape\r\n",
	}...) {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		server.once.Do(startServer)
		if server.err != nil {
			t.Fatal(server.err)
		}
		checkReplies(t, session(t, input), true)
		checkInvariants(t)
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
	// io.ReadAll returns what came before the deadline too.
	out, _ := io.ReadAll(c)
	return out
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
