package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestControlCharNamesShownEscaped: a file whose name holds control bytes
// (put there by something other than FTP, which refuses such names) is
// listed by curl's LIST and NLST, and by MLSD, with each control byte as
// '?': no escape sequence reaches the client's terminal. PWD inside such a
// directory shows it the same way.
func TestControlCharNamesShownEscaped(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	evil := "\x1b[31mred\tx\x7f.txt"
	dir := "d\x1b]0;title\x07"
	writeTree(t, root, map[string]string{"pub/plain.txt": "p"})
	if err := os.WriteFile(filepath.Join(root, "pub", evil), []byte("e"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "pub", dir), 0o755); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, serverConfig{root: root})
	work := t.TempDir()

	mustCurl(t, work, "-o", "list.txt", s.url(nil, "pub/"))
	mustCurl(t, work, "--list-only", "-o", "nlst.txt", s.url(nil, "pub/"))
	for _, f := range []string{"list.txt", "nlst.txt"} {
		got := readFile(t, filepath.Join(work, f))
		if strings.ContainsAny(got, "\x1b\x07\x7f\t") {
			t.Errorf("%s carries control bytes: %q", f, got)
		}
		for _, want := range []string{"?[31mred?x?.txt", "d?]0;title?", "plain.txt"} {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q: %q", f, want, got)
			}
		}
	}

	c := s.dial(t)
	c.must("USER anonymous", 331)
	c.must("PASS ftp@example.com", 230)
	data, r := c.retr("MLSD /pub")
	if r.code != 226 {
		t.Fatalf("MLSD: %v", r)
	}
	mlsd := string(data)
	if strings.ContainsAny(mlsd, "\x1b\x07\x7f\t") || !strings.Contains(mlsd, "; ?[31mred?x?.txt\r\n") {
		t.Errorf("MLSD: %q", mlsd)
	}
	c.must("CWD /pub/"+dir, 250)
	if r := c.must("PWD", 257); !strings.Contains(r.msg, `"/pub/d?]0;title?"`) {
		t.Errorf("PWD: %q", r.msg)
	}
}
