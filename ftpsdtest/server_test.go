package ftpsdtest

import (
	"crypto/tls"
	"io"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

func TestNewServerServesRootToItsUsers(t *testing.T) {
	s := NewServer(t, Options{Users: map[string]string{"alice": "secret"}, Anonymous: true})
	if !strings.HasPrefix(s.Addr, "127.0.0.1:") || strings.HasSuffix(s.Addr, ":0") {
		t.Errorf("Addr %q, want 127.0.0.1 with a chosen port", s.Addr)
	}
	if s.URL() != "ftp://"+s.Addr+"/" {
		t.Errorf("URL %q", s.URL())
	}
	if err := os.WriteFile(filepath.Join(s.Root, "f.txt"), []byte("data"), 0o644); err != nil {
		t.Fatal(err)
	}

	anon := testserver.Dial(t, s.Addr)
	anon.Login("anonymous", "me@example.com")
	anon.Cmd(213, "SIZE f.txt")
	anon.Cmd(550, "DELE f.txt") // anonymous is read-only

	alice := testserver.Dial(t, s.Addr)
	alice.Cmd(331, "USER alice")
	alice.Cmd(530, "PASS wrong")
	alice.Login("alice", "secret")
	d := alice.EPSV()
	alice.Cmd(150, "STOR up.txt")
	if _, err := d.Write([]byte("uploaded")); err != nil {
		t.Fatal(err)
	}
	d.Close()
	alice.Expect(226)
	if b, err := os.ReadFile(filepath.Join(s.Root, "up.txt")); err != nil || string(b) != "uploaded" {
		t.Errorf("up.txt: %q, %v", b, err)
	}
	if s.ClientTLS() != nil {
		t.Error("ClientTLS without Options.TLS")
	}
}

// TestTLSVerifiesAndResumes: ClientTLS verifies the server's certificate
// and resumes the control session on a PROT P data connection, which the
// server would refuse otherwise.
func TestTLSVerifiesAndResumes(t *testing.T) {
	s := NewServer(t, Options{Users: map[string]string{"alice": "secret"}, TLS: true})
	if err := os.WriteFile(filepath.Join(s.Root, "f.txt"), []byte("secret data"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := s.ClientTLS()
	if cfg == nil || cfg.InsecureSkipVerify {
		t.Fatalf("ClientTLS %+v, want a verifying config", cfg)
	}
	cl := testserver.Dial(t, s.Addr)
	cl.Cmd(234, "AUTH TLS")
	tc := tls.Client(cl.Conn, cfg)
	_ = tc.SetDeadline(time.Now().Add(10 * time.Second))
	if err := tc.Handshake(); err != nil {
		t.Fatalf("control handshake: %v", err)
	}
	cl.Conn, cl.Text = tc, textproto.NewConn(tc)
	cl.Login("alice", "secret")
	cl.Cmd(200, "PBSZ 0")
	cl.Cmd(200, "PROT P")
	d := tls.Client(cl.EPSV(), cfg)
	cl.Cmd(150, "RETR f.txt")
	_ = d.SetDeadline(time.Now().Add(10 * time.Second))
	b, err := io.ReadAll(d)
	if err != nil || string(b) != "secret data" {
		t.Fatalf("RETR over TLS: %q, %v", b, err)
	}
	if !d.ConnectionState().DidResume {
		t.Error("the data connection did not resume the control session")
	}
	// The server waits, for a bounded while, for the client to close its
	// side of a TLS data connection before it answers 226.
	d.Close()
	cl.Expect(226)
}

func TestUnstartedServerTakesConfigChangesAndCloses(t *testing.T) {
	s := NewUnstartedServer(Options{Anonymous: true})
	root := s.Root
	s.Config.Banner = "changed before Start."
	s.Start()
	c, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, msg, err := textproto.NewConn(c).ReadResponse(220); err != nil || msg != "changed before Start." {
		t.Errorf("greeting %q, %v; want 220 changed before Start.", msg, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := os.Stat(root); !os.IsNotExist(err) {
		t.Errorf("root %s left behind: %v", root, err)
	}
	if c, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
		c.Close()
		t.Errorf("%s still accepts connections after Close", s.Addr)
	}
}
