package e2e

// Address-based virtual hosts on one port (issue 21, item 1): two loopback
// addresses share two ports, each address with a <VirtualHost> of its own
// (document root, banner, certificate), and on each port one address
// speaks explicit TLS and the other implicit TLS. curl reaches each host
// by the address it dials: the file it downloads comes from that host's
// root, the 220 it logs is that host's banner, and the certificate key it
// pins is that host's. Keyed by port alone, as the listeners were, the
// implicit address and the explicit one of a port would share one mode
// and one of them would fail.
//
// Identifiers here start with va: other e2e files share the package.

import (
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/testserver"
)

// vaAddrs are the two local addresses the test owns.
var vaAddrs = [2]string{"127.0.0.31", "127.0.0.32"}

// vaHostConf is one <VirtualHost>; NAME, ADDR, ROOT, CERT and IMPLICIT are
// replaced.
const vaHostConf = `<VirtualHost ADDR>
  ServerName NAME.example
  FTP On
  DocumentRoot ROOT
  FTPBannerMessage "host NAME here"
  SSLEngine on
  FTPImplicitSSL IMPLICIT
  SSLCertificateFile conf/CERT.crt
  SSLCertificateKeyFile conf/CERT.key
  <Directory ROOT>
    AuthBasicProvider anon
    Anonymous anonymous
  </Directory>
</VirtualHost>
`

// vaPort returns a port that is free on both test addresses: bound with
// port 0 on the first, then the same number bound on the second. Both
// sockets are closed again before it returns.
func vaPort(t *testing.T) (int, error) {
	t.Helper()
	l1, err := net.Listen("tcp", net.JoinHostPort(vaAddrs[0], "0"))
	if err != nil {
		return 0, err
	}
	defer l1.Close()
	port := l1.Addr().(*net.TCPAddr).Port
	l2, err := net.Listen("tcp", net.JoinHostPort(vaAddrs[1], strconv.Itoa(port)))
	if err != nil {
		return 0, err
	}
	l2.Close()
	return port, nil
}

// vaLaunch is launch that gives up, instead of failing the test, when the
// server exits before listening because an address was taken meanwhile:
// the ports were free when vaPort looked, and another test may have bound
// one since. It returns nil then, and the caller picks new ports.
func vaLaunch(t *testing.T, root string, args []string) *server {
	t.Helper()
	s := spawn(t, t.TempDir(), root, args)
	select {
	case addr := <-s.log.listening:
		s.addr = addr
	case <-s.exited:
		if strings.Contains(s.log.String(), syscall.EADDRINUSE.Error()) {
			t.Logf("a port was taken before ftpsd bound it; trying others:\n%s", s.log)
			return nil
		}
		t.Fatalf("ftpsd exited before listening: %v\nstderr:\n%s", s.exitErr, s.log)
	case <-time.After(startTimeout):
		_ = s.cmd.Process.Kill()
		<-s.exited
		t.Fatalf("ftpsd did not log msg=listening within %v\nstderr:\n%s", startTimeout, s.log)
	}
	t.Cleanup(s.stop)
	return s
}

// vaServe starts ftpsd on the configuration conf makes for n distinct
// ports free on both test addresses (vaPort), picking new ports when one
// was taken before ftpsd could bind it. It returns the server and the
// ports.
func vaServe(t *testing.T, dir string, n int, conf func(ports []int) string) (*server, []int) {
	t.Helper()
	for range 5 {
		ports, ok := make([]int, 0, n), true
		for len(ports) < n && ok {
			port, err := vaPort(t)
			switch {
			case errors.Is(err, syscall.EADDRINUSE):
				ok = false
			case err != nil:
				t.Fatal(err)
			case !slices.Contains(ports, port):
				ports = append(ports, port)
			}
		}
		if !ok {
			continue
		}
		path := filepath.Join(dir, "ftpsd.conf")
		if err := os.WriteFile(path, []byte(conf(ports)), 0o600); err != nil {
			t.Fatal(err)
		}
		if s := vaLaunch(t, dir, []string{"-config", path, "-fail-delay", "0", "-grace", "2s"}); s != nil {
			return s, ports
		}
	}
	t.Fatalf("no %d ports free on both test addresses after 5 attempts", n)
	return nil, nil
}

// vaPin is curl's --pinnedpubkey value for a certificate: the SHA-256 of
// its public key, in base64.
func vaPin(c *tls.Certificate) string {
	sum := sha256.Sum256(c.Leaf.RawSubjectPublicKeyInfo)
	return "sha256//" + base64.StdEncoding.EncodeToString(sum[:])
}

func TestVirtualHostsByAddressOnOnePort(t *testing.T) {
	t.Parallel()
	e2e(t)
	dir := fcFixture(t)
	names := [2]string{"one", "two"}
	var roots [2]string
	var pins [2]string
	for i, n := range names {
		roots[i] = filepath.Join(dir, "root-"+n)
		writeTree(t, roots[i], map[string]string{"hello.txt": "served by " + n + "\n"})
		pins[i] = vaPin(testserver.WriteCert(t, filepath.Join(dir, "conf", n+".crt"), filepath.Join(dir, "conf", n+".key")))
	}

	// Port a: the first address explicit, the second implicit; port b the
	// other way round. implicit[p][i]: port p, address i.
	implicit := [2][2]bool{{false, true}, {true, false}}
	s, ports := vaServe(t, dir, 2, func(ports []int) string {
		var conf strings.Builder
		for p := range ports {
			for i := range vaAddrs {
				fmt.Fprintf(&conf, "Listen %s:%d\n", vaAddrs[i], ports[p])
			}
		}
		for p := range ports {
			for i, n := range names {
				on := "off"
				if implicit[p][i] {
					on = "on"
				}
				conf.WriteString(strings.NewReplacer("NAME", n, "ADDR", vaAddrs[i]+":"+strconv.Itoa(ports[p]),
					"ROOT", roots[i], "CERT", n, "IMPLICIT", on).Replace(vaHostConf))
			}
		}
		return conf.String()
	})

	for p, port := range ports {
		for i, addr := range vaAddrs {
			for _, other := range []int{i, 1 - i} {
				name := fmt.Sprintf("port %d, %s, pin of host %s", p, addr, names[other])
				t.Run(name, func(t *testing.T) {
					url := "ftp://" + net.JoinHostPort(addr, strconv.Itoa(port)) + "/hello.txt"
					args := []string{"-sS", "-v", "--max-time", "20", "-k", "--pinnedpubkey", pins[other]}
					if implicit[p][i] {
						url = "ftps" + strings.TrimPrefix(url, "ftp")
					} else {
						args = append(args, "--ssl-reqd")
					}
					out, err := runTool(t, dir, "curl", append(args, url)...)
					if other != i {
						// Another host's key: curl must refuse the
						// certificate this address presents.
						if err == nil || strings.Contains(out, "served by") {
							t.Fatalf("curl pinned to %s's key got through on %s:\n%s", names[other], addr, out)
						}
						return
					}
					if err != nil {
						t.Fatalf("curl: %v\n%s", err, out)
					}
					if !strings.Contains(out, "served by "+names[i]+"\n") {
						t.Errorf("download from %s: want host %s's file:\n%s", addr, names[i], out)
					}
					if !strings.Contains(out, "< 220 host "+names[i]+" here") {
						t.Errorf("banner on %s: want host %s's:\n%s", addr, names[i], out)
					}
				})
			}
		}
	}
	// A plain connection to an implicit address must not be greeted in
	// clear: the 220 would go out unprotected.
	for p, port := range ports {
		for i, addr := range vaAddrs {
			if !implicit[p][i] {
				continue
			}
			c, err := net.DialTimeout("tcp", net.JoinHostPort(addr, strconv.Itoa(port)), replyTimeout)
			if err != nil {
				t.Fatal(err)
			}
			_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
			buf := make([]byte, 3)
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "220" {
				t.Errorf("%s:%d (implicit) greeted a clear connection with 220", addr, port)
			}
		}
	}
	s.alive(t)
}

// vaPlainHostConf is a <VirtualHost> without TLS; NAME, ADDR and ROOT are
// replaced.
const vaPlainHostConf = `<VirtualHost ADDR>
  ServerName NAME.example
  FTP On
  DocumentRoot ROOT
  FTPBannerMessage "host NAME here"
  <Directory ROOT>
    AuthBasicProvider anon
    Anonymous anonymous
  </Directory>
</VirtualHost>
`

// TestVirtualHostsByAddressTLSOnlyOnOne: on one port, the first host (the
// one ftpsd starts with) has no TLS at all and the other address serves
// implicit TLS with its own certificate. Apache serves this; ftpsd used to
// refuse to start, wanting a certificate on the first host for any
// implicit listener.
func TestVirtualHostsByAddressTLSOnlyOnOne(t *testing.T) {
	t.Parallel()
	e2e(t)
	dir := fcFixture(t)
	rootOne, rootTwo := filepath.Join(dir, "root-one"), filepath.Join(dir, "root-two")
	writeTree(t, rootOne, map[string]string{"hello.txt": "served by one\n"})
	writeTree(t, rootTwo, map[string]string{"hello.txt": "served by two\n"})
	pin := vaPin(testserver.WriteCert(t, filepath.Join(dir, "conf", "two.crt"), filepath.Join(dir, "conf", "two.key")))
	_, ports := vaServe(t, dir, 1, func(ports []int) string {
		one := net.JoinHostPort(vaAddrs[0], strconv.Itoa(ports[0]))
		two := net.JoinHostPort(vaAddrs[1], strconv.Itoa(ports[0]))
		return "Listen " + one + "\nListen " + two + "\n" +
			strings.NewReplacer("NAME", "one", "ADDR", one, "ROOT", rootOne).Replace(vaPlainHostConf) +
			strings.NewReplacer("NAME", "two", "ADDR", two, "ROOT", rootTwo, "CERT", "two", "IMPLICIT", "on").Replace(vaHostConf)
	})
	port := strconv.Itoa(ports[0])
	curl := func(args ...string) (string, error) {
		return runTool(t, dir, "curl", append([]string{"-sS", "-v", "--max-time", "20"}, args...)...)
	}
	if out, err := curl("ftp://" + net.JoinHostPort(vaAddrs[0], port) + "/hello.txt"); err != nil ||
		!strings.Contains(out, "served by one\n") || !strings.Contains(out, "< 220 host one here") {
		t.Errorf("clear download from host one: %v\n%s", err, out)
	}
	if out, err := curl("-k", "--ssl-reqd", "ftp://"+net.JoinHostPort(vaAddrs[0], port)+"/hello.txt"); err == nil || strings.Contains(out, "served by") {
		t.Errorf("curl --ssl-reqd got through to host one, which has no TLS:\n%s", out)
	}
	if out, err := curl("-k", "--pinnedpubkey", pin, "ftps://"+net.JoinHostPort(vaAddrs[1], port)+"/hello.txt"); err != nil ||
		!strings.Contains(out, "served by two\n") || !strings.Contains(out, "< 220 host two here") {
		t.Errorf("implicit TLS download from host two: %v\n%s", err, out)
	}
}
