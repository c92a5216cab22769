package e2e

import (
	"testing"
)

// TestImplicitOnly: -implicit without -listen serves implicit TLS and
// nothing else; the default plain listener is for a command line that
// names no listener at all.
func TestImplicitOnly(t *testing.T) {
	t.Parallel()
	e2e(t)
	root := t.TempDir()
	writeTree(t, root, map[string]string{"hello.txt": helloText})
	s := launch(t, root, []string{"-implicit", "127.0.0.1:0", "-root", root, "-anonymous", "-grace", "2s"})
	kinds := map[string]int{}
	for _, m := range listenKindRE.FindAllStringSubmatch(s.log.String(), -1) {
		kinds[m[2]]++
	}
	if kinds["ftps-implicit"] != 1 || len(kinds) != 1 {
		t.Fatalf("listeners by kind %v, want one ftps-implicit and nothing else:\n%s", kinds, s.log)
	}
	c := s.dialImplicit(t, s.addr, clientTLS())
	c.expect("USER anonymous", 331)
	c.expect("PASS ftp@example.com", 230)
	c.expect("SIZE hello.txt", 213)
}
