package peers

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/auth"
)

func TestMakeCert(t *testing.T) {
	for _, kind := range CertKinds() {
		t.Run(kind, func(t *testing.T) { testMakeCert(t, kind) })
	}
}

// TestMakeCertRSA: MakeCert is the RSA kind, as it was before there were two.
func TestMakeCertRSA(t *testing.T) {
	c, err := MakeCert(t.TempDir())
	if err != nil || c.Kind != RSA {
		t.Fatalf("MakeCert = %+v, %v; want the RSA kind", c, err)
	}
	pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := pair.PrivateKey.(*rsa.PrivateKey); !ok {
		t.Errorf("MakeCert key %T, want RSA", pair.PrivateKey)
	}
}

func testMakeCert(t *testing.T, kind string) {
	dir := t.TempDir()
	c, err := MakeCertKind(dir, kind)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != kind {
		t.Errorf("Kind = %q, want %q", c.Kind, kind)
	}
	b, _ := os.ReadFile(c.CertFile)
	blk, _ := pem.Decode(b)
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	switch k := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if kind != RSA || k.N.BitLen() != 2048 {
			t.Errorf("%s: key RSA-%d, want %s", kind, k.N.BitLen(), KindName(kind))
		}
	case *ecdsa.PublicKey:
		if kind != ECDSA || k.Curve != elliptic.P256() {
			t.Errorf("%s: key ECDSA %s, want %s", kind, k.Curve.Params().Name, KindName(kind))
		}
	default:
		t.Errorf("%s: key %T", kind, cert.PublicKey)
	}
	if len(cert.DNSNames) != 1 || cert.DNSNames[0] != "localhost" || len(cert.IPAddresses) != 1 || !cert.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("names %v %v, want localhost and 127.0.0.1", cert.DNSNames, cert.IPAddresses)
	}
	// Pure-FTPd's file holds the key and the certificate.
	both, _ := os.ReadFile(c.PEMFile)
	if !strings.Contains(string(both), "PRIVATE KEY") || !strings.Contains(string(both), "CERTIFICATE") {
		t.Error("the combined PEM lacks the key or the certificate")
	}
	// A second call reuses the files rather than making a new key.
	again, err := MakeCertKind(dir, kind)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := os.ReadFile(again.CertFile)
	if string(b2) != string(b) {
		t.Error("MakeCert replaced an existing certificate")
	}
	// Clients verify the servers' certificate for "localhost".
	pair, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{pair}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		if s, err := l.Accept(); err == nil {
			_ = s.(*tls.Conn).Handshake()
			s.Close()
		}
	}()
	conn, err := tls.Dial("tcp", l.Addr().String(), c.ClientConfig())
	if err != nil {
		t.Fatalf("verifying the certificate: %v", err)
	}
	conn.Close()
}

func testEnv(t *testing.T) *Env {
	dir := t.TempDir()
	certs, err := MakeCerts(dir)
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Dir: dir, Data: filepath.Join(dir, "data"), Cert: certs[RSA], Certs: certs, Users: "/h", FtpsdBin: "/bin/ftpsd"}
}

// TestCommands checks each peer's command line and configuration for the
// settings PEERS.md says it needs, without running it.
func TestCommands(t *testing.T) {
	env := testEnv(t)
	want := map[string][]string{
		"ftpsd": {"-listen 127.0.0.1:2100", "-pasv-ports 30000-30099", "-anonymous", "-users /h",
			"-cert " + env.Cert.CertFile, "-fail-delay 0"},
		"vsftpd": {"listen_port=2100", "seccomp_sandbox=NO", "ssl_ciphers=HIGH", "require_ssl_reuse=YES",
			"lock_upload_files=NO", "allow_anon_ssl=YES", "no_anon_password=YES", "pasv_min_port=30000",
			"pasv_max_port=30099", "max_clients=20000", "anon_root=" + env.Data},
		"proftpd": {"Port 2100", "LoadModule mod_tls.c", "DelayTable none", "ScoreboardFile /var/run/",
			"PassivePorts 30000 30099", "UserAlias anonymous ftp", "AllowStoreRestart on", "<Anonymous " + env.Data + ">",
			"ModulePath " + filepath.Join(env.Dir, "peers/proftpd-mod-crypto/usr/lib/proftpd")},
		"pure-ftpd": {"-S 127.0.0.1,2100", "-Y 1", "-2 " + env.Cert.PEMFile, "-p 30000:30099", "-e", "-A"},
		"pyftpdlib": {"/usr/bin/python3", "2100 30000 30099"},
	}
	seen := 0
	for _, p := range All() {
		text := commandText(t, env, p, filepath.Join(env.Dir, "run", p.Name), "*")
		for _, w := range want[p.Name] {
			if !strings.Contains(text, w) {
				t.Errorf("%s: no %q in\n%s", p.Name, w, text)
			}
		}
		if p.Name != "ftpsd" && (p.Read.User != "anonymous" || p.Write.User != "anonymous") {
			t.Errorf("%s: logins %v/%v, want anonymous for both", p.Name, p.Read, p.Write)
		}
		seen++
	}
	if seen != 5 {
		t.Errorf("%d peers, want ftpsd and four others", seen)
	}
}

func TestFreePort(t *testing.T) {
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
	if err != nil {
		t.Fatalf("port %d was not free: %v", p, err)
	}
	l.Close()
}

func TestGitDescribe(t *testing.T) {
	if got := GitDescribe(t.TempDir()); got != "?" {
		t.Errorf("GitDescribe outside a repository = %q, want ?", got)
	}
	if exec.Command("git", "rev-parse", "--git-dir").Run() != nil {
		t.Skip("not run inside a git repository")
	}
	if got := GitDescribe("."); got == "?" || strings.ContainsAny(got, " \n") {
		t.Errorf("GitDescribe(.) = %q, want a commit", got)
	}
}

// TestWriteUsers checks that the htpasswd entry WriteUsers writes lets
// ftpsd's upload login in, as ftpsd's own user database reads it.
func TestWriteUsers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "htpasswd")
	if err := WriteUsers(path); err != nil {
		t.Fatal(err)
	}
	users, err := auth.NewUsers(path, true)
	if err != nil {
		t.Fatal(err)
	}
	w := ftpsd().Write
	if _, err := users.Authenticate(w.User, w.Pass); err != nil {
		t.Errorf("ftpsd's upload login %q: %v", w.User, err)
	}
	if _, err := users.Authenticate(w.User, w.Pass+"x"); err == nil {
		t.Errorf("a wrong password for %q logged in", w.User)
	}
}

// commandText writes p's configuration into run and returns its command
// line followed by the configuration files it wrote, for substring checks.
func commandText(t *testing.T, env *Env, p *Peer, run string, glob string) string {
	t.Helper()
	if err := os.MkdirAll(run, 0o755); err != nil {
		t.Fatal(err)
	}
	argv, err := p.command(env, run, 2100, 30000, 30099)
	if err != nil {
		t.Fatalf("%s: %v", p.Name, err)
	}
	text := strings.Join(argv, " ")
	confs, _ := filepath.Glob(filepath.Join(run, glob))
	for _, f := range confs {
		b, _ := os.ReadFile(f)
		text += "\n" + string(b)
	}
	return text
}
