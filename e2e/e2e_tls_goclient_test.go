package e2e

import (
	"bytes"
	"crypto/tls"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/jlaffaye/ftp"
)

// TestTLSGoClient: jlaffaye/ftp over explicit and implicit TLS, TLS 1.2 and
// 1.3, EPSV and PASV, with the default -tls-reuse user: every data
// connection must resume a session (jlaffaye/ftp resumes its own control
// session's).
func TestTLSGoClient(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-implicit", "127.0.0.1:0")
	implicitAddr := s.implicitAddr(t)
	if err := os.Mkdir(s.path("go"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name     string
		implicit bool
		version  uint16
		pasv     bool
	}{
		{"explicit TLS 1.3 EPSV", false, tls.VersionTLS13, false},
		{"explicit TLS 1.3 PASV", false, tls.VersionTLS13, true},
		{"explicit TLS 1.2 EPSV", false, tls.VersionTLS12, false},
		{"explicit TLS 1.2 PASV", false, tls.VersionTLS12, true},
		{"implicit TLS 1.3 EPSV", true, tls.VersionTLS13, false},
		{"implicit TLS 1.3 PASV", true, tls.VersionTLS13, true},
		{"implicit TLS 1.2 EPSV", true, tls.VersionTLS12, false},
		{"implicit TLS 1.2 PASV", true, tls.VersionTLS12, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			addr := s.addr
			if tt.implicit {
				addr = implicitAddr
			}
			c := goTLSDial(t, addr, tt.implicit, clientTLSVersion(tt.version), &alice, ftp.DialWithDisabledEPSV(tt.pasv))
			name := "go/" + strings.ReplaceAll(tt.name, " ", "-") + ".bin"
			data := content(1<<20+5, uint64(len(tt.name)))
			if err := c.Stor(name, bytes.NewReader(data)); err != nil {
				t.Fatalf("Stor: %v", err)
			}
			if got := readFile(t, s.path(name)); got != string(data) {
				t.Errorf("Stor: %d bytes on disk differ from the %d sent", len(got), len(data))
			}
			if got, err := readResp(c.Retr(name)); err != nil || got != string(data) {
				t.Errorf("Retr of the upload: %d bytes, %v; want the %d sent", len(got), err, len(data))
			}
			if got, err := readResp(c.RetrFrom("hello.txt", 6)); err != nil || got != "world\n" {
				t.Errorf("RetrFrom(6): %q, %v", got, err)
			}
			entries, err := c.List("/")
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkEntries(t, "List over TLS", entries, fixtureTime)
			if names, err := c.NameList("/go"); err != nil || !slices.Contains(names, strings.TrimPrefix(name, "go/")) {
				t.Errorf("NameList /go: %q, %v", names, err)
			}
			if err := c.Stor("go/empty-"+strings.ReplaceAll(tt.name, " ", "-"), strings.NewReader("")); err != nil {
				t.Errorf("Stor of an empty file: %v", err)
			}

			states := c.dataStates()
			if len(states) != 6 {
				t.Errorf("%d data connections, want 6 (STOR, RETR, RETR, MLSD, NLST, STOR)", len(states))
			}
			for i, st := range states {
				if !st.DidResume || st.Version != tt.version {
					t.Errorf("data connection %d: resumed %v, version %s; want a resumed %s session",
						i, st.DidResume, tls.VersionName(st.Version), tls.VersionName(tt.version))
				}
			}
		})
	}
}
