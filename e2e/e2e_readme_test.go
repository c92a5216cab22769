package e2e

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeSeedRE finds README's recipe for running a seed configuration
// without root, and the flag it gives for the implicit one.
var (
	readmeSeedRE     = regexp.MustCompile("`(ftpsd -config examples/seed-explicit\\.conf -listen\\s+\\S+\\s+[^`]*)`")
	readmeImplicitRE = regexp.MustCompile("for the implicit one, `(-implicit\\s+\\S+)`")
)

// TestReadmeSeedRecipe runs README's recipe for the two seed
// configurations on unprivileged ports, as written, from a copy of the
// repository's examples/ (the recipe writes its logs there), with only the
// port moved to 0 so the test owns it; curl downloads a file from the
// served directory over each.
func TestReadmeSeedRecipe(t *testing.T) {
	t.Parallel()
	e2e(t)
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	m := readmeSeedRE.FindStringSubmatch(text)
	mi := readmeImplicitRE.FindStringSubmatch(text)
	if m == nil || mi == nil {
		t.Fatalf("README has no recipe `ftpsd -config examples/seed-explicit.conf -listen …` and `-implicit …`")
	}
	explicit := strings.Fields(m[1])[1:] // without "ftpsd"
	implicitFlag := strings.Fields(mi[1])
	// The implicit recipe: the same command with the other file and flag.
	var implicit []string
	for i := 0; i < len(explicit); i++ {
		switch explicit[i] {
		case "examples/seed-explicit.conf":
			implicit = append(implicit, "examples/seed-implicit.conf")
		case "-listen":
			implicit = append(implicit, implicitFlag...)
			i++
		default:
			implicit = append(implicit, explicit[i])
		}
	}
	for _, tc := range []struct {
		name   string
		args   []string
		scheme string
		curl   []string
	}{
		{"explicit", explicit, "ftp", []string{"--ssl-reqd", "-k"}},
		{"implicit", implicit, "ftps", []string{"-k"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			copyDir(t, filepath.Join("..", "examples"), filepath.Join(dir, "examples"))
			writeTree(t, dir, map[string]string{"hello.txt": helloText})
			args := moveToPortZero(tc.args)
			t.Logf("ftpsd %s", strings.Join(args, " "))
			s := launchIn(t, dir, dir, args)
			work := t.TempDir()
			url := strings.Replace(s.url(nil, "hello.txt"), "ftp://", tc.scheme+"://", 1)
			mustCurl(t, work, append(tc.curl, "-o", "got.txt", url)...)
			if got := readFile(t, filepath.Join(work, "got.txt")); got != helloText {
				t.Errorf("ftpsd %s: downloaded %q", strings.Join(args, " "), got)
			}
		})
	}
}

// moveToPortZero replaces the port of every listener flag's address by 0.
func moveToPortZero(args []string) []string {
	out := append([]string(nil), args...)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == "-listen" || out[i] == "-implicit" {
			if j := strings.LastIndexByte(out[i+1], ':'); j >= 0 {
				out[i+1] = out[i+1][:j] + ":0"
			}
		}
	}
	return out
}

// copyDir copies the regular files and directories under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
