package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestConfigTransferLogSpaces: a file name with spaces is written to the
// seed's transfer log with '_' for each space, xferlog's convention, so
// the line keeps its fields (confTransferRE matches it) and the file itself
// keeps its name.
func TestConfigTransferLogSpaces(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	root := filepath.Join(dir, "root")
	confTree(t, root)
	s := startConfServer(t, dir, root, fcSeed(t, "explicit", ""),
		"-root", root, "-anonymous", "-users", writeUsers(t))
	work := t.TempDir()
	local := filepath.Join(work, "up.txt")
	if err := os.WriteFile(local, []byte("spaced"), 0o644); err != nil {
		t.Fatal(err)
	}
	mustCurl(t, work, "--ssl-reqd", "-k", "-T", local, s.url(&alice, "up/my%20report%202026.txt"))
	if got := readFile(t, s.path("up/my report 2026.txt")); got != "spaced" {
		t.Fatalf("uploaded file: %q", got)
	}
	if err := s.signal(syscall.SIGTERM); err != nil { // flushes the logs
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	xfers := confTransfers(t, filepath.Join(dir, "logs", "ftps_transfer_log"))
	f := xfers["/up/my_report_2026.txt"]
	if f == nil || f[1] != "6" || f[4] != "i" || f[6] != "alice" {
		var got []string
		for p := range xfers {
			got = append(got, p)
		}
		t.Fatalf("transfer log: no 6-byte upload by alice of /up/my_report_2026.txt; paths %s", strings.Join(got, ", "))
	}
}
