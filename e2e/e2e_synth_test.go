package e2e

// The synthetic tree and the verifying sink (issue 19) driven by curl, lftp
// and a raw control connection, with every checksum computed by the Python
// reference README.md publishes, taken from README.md itself.

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// synthArgs mount the synthetic tree and the sink as the tests use them.
var synthArgs = []string{"-synthetic", "/synthetic", "-sink", "/sink", "-synthetic-max", "64M", "-synthetic-tree", "1500"}

// synthDriver follows README's reference with a command line: "sum NAME
// SIZE SEED OFFSET" prints the SHA-256 of the stream, "write NAME SIZE
// SEED PATH" writes the whole file.
const synthDriver = `
if __name__ == "__main__":
    import sys
    cmd, name, size, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
    if cmd == "sum":
        h = hashlib.sha256()
        for b in synth(name, size, seed, int(sys.argv[5])):
            h.update(b)
        print(h.hexdigest())
    else:
        with open(sys.argv[5], "wb") as f:
            for b in synth(name, size, seed):
                f.write(b)
`

var (
	readmePythonRE  = regexp.MustCompile("(?s)```python\n(import hashlib, struct\n.*?def synth\\(.*?)```")
	readmeExampleRE = regexp.MustCompile(`hashlib\.sha256\(b""\.join\(synth\("([^"]+)", 1 << 20\)\)\)\.hexdigest\(\)` + "`\\s+is `([0-9a-f]{64})`")
)

// synthRef writes README's Python reference with synthDriver into a new
// directory and returns the script's path.
func synthRef(t *testing.T) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := readmePythonRE.FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```python block with def synth(...)")
	}
	p := filepath.Join(t.TempDir(), "synth_ref.py")
	if err := os.WriteFile(p, append(m[1], synthDriver...), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// refSum is the reference's SHA-256 of name's stream from off.
func refSum(t *testing.T, ref, name string, size int64, seed string, off int64) string {
	t.Helper()
	out := mustRunTool(t, t.TempDir(), "python3", ref, "sum", name, strconv.FormatInt(size, 10), seed, strconv.FormatInt(off, 10))
	return strings.TrimSpace(out)
}

// refFile writes name's whole stream to a new file and returns its path.
func refFile(t *testing.T, ref, name string, size int64, seed string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	mustRunTool(t, t.TempDir(), "python3", ref, "write", name, strconv.FormatInt(size, 10), seed, p)
	return p
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestSynthCurl: curl downloads synthetic files, whole, from an offset and
// over PROT P, and each matches README's reference; the README's own
// example checksum is what the server sends.
func TestSynthCurl(t *testing.T) {
	t.Parallel()
	e2e(t)
	ref := synthRef(t)
	s := startServer(t, serverConfig{args: append([]string{"-synthetic-seed", "e2e"}, synthArgs...)})
	plain := startServer(t, serverConfig{args: synthArgs}) // no seed, as README's example
	for _, c := range []struct {
		name string
		srv  *server
		path string
		size int64
		off  int64
		seed string
		args []string
	}{
		{"whole", s, "/synthetic/5M.bin", 5 << 20, 0, "e2e", nil},
		{"odd size", s, "/synthetic/run-123457.bin", 123457, 0, "e2e", nil},
		{"REST offset", s, "/synthetic/5M.bin", 5 << 20, 1234567, "e2e", []string{"-C", "1234567"}},
		{"tree file", s, "/synthetic/tree/d001499/f000002-16K.bin", 16 << 10, 0, "e2e", nil},
		{"PROT P", s, "/synthetic/3M.bin", 3 << 20, 0, "e2e", []string{"--ssl-reqd", "-k"}},
		{"no seed", plain, "/synthetic/2M.bin", 2 << 20, 0, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			log := mustCurl(t, dir, append(append([]string{}, c.args...), "-o", out, c.srv.url(nil, c.path))...)
			if c.off > 0 && !sent(log, "REST "+strconv.FormatInt(c.off, 10)) {
				t.Errorf("curl sent no REST:\n%s", log)
			}
			fi, err := os.Stat(out)
			if err != nil || fi.Size() != c.size-c.off {
				t.Fatalf("downloaded %v bytes (%v), want %d", fi, err, c.size-c.off)
			}
			name := c.path[strings.LastIndexByte(c.path, '/')+1:]
			if got, want := fileSum(t, out), refSum(t, ref, name, c.size, c.seed, c.off); got != want {
				t.Errorf("sha256 %s, the reference's %s", got, want)
			}
		})
	}
	t.Run("sink upload", func(t *testing.T) {
		dir := t.TempDir()
		good := refFile(t, ref, "3M.bin", 3<<20, "e2e")
		out := mustCurl(t, dir, "-T", good, s.url(nil, "/sink/3M.bin"))
		if !strings.Contains(out, "< 226 Transfer complete: 3145728 bytes match 3M.bin.") {
			t.Errorf("anonymous curl -T of the right content: no 226 naming the match:\n%s", lastOf(out))
		}
		// The same bytes are another file's content under no seed.
		out, err := curl(t, dir, "-T", good, plain.url(nil, "/sink/3M.bin"))
		if err == nil || !strings.Contains(out, "< 451 Content differs from 3M.bin at offset 0.") {
			t.Errorf("curl -T under another seed: %v, want 451 at offset 0:\n%s", err, lastOf(out))
		}
	})
	t.Run("README example", func(t *testing.T) {
		readme, err := os.ReadFile(filepath.Join("..", "README.md"))
		if err != nil {
			t.Fatal(err)
		}
		m := readmeExampleRE.FindSubmatch(readme)
		if m == nil {
			t.Fatal("README.md has no example checksum of synth(\"…\", 1 << 20)")
		}
		dir := t.TempDir()
		out := filepath.Join(dir, "out")
		mustCurl(t, dir, "-o", out, plain.url(nil, "/synthetic/"+string(m[1])))
		if got := fileSum(t, out); got != string(m[2]) {
			t.Errorf("README says %s has sha256 %s; the server sent %s", m[1], m[2], got)
		}
	})
	t.Run("listings", func(t *testing.T) {
		dir := t.TempDir()
		out := mustCurl(t, dir, "-l", s.url(nil, "/synthetic/tree/"))
		if n := strings.Count(out, "\nd00"); n < 1499 || !strings.Contains(out, "d001499") || strings.Contains(out, "d001500") {
			t.Errorf("NLST of tree/ lists %d d00… entries, want 1500 (d000000 to d001499)", n)
		}
		list := listLines(mustCurlQuiet(t, dir, s.url(nil, "/synthetic/tree/d000042/")))
		if len(list) != 1500 || !strings.HasSuffix(list[1], " f000001-4K.bin") || !strings.Contains(list[1], " 4096 ") {
			t.Errorf("LIST of a tree directory: %d lines, second %q", len(list), list[min(1, len(list)-1)])
		}
	})
}

// mustCurlQuiet runs curl without -v and returns what it wrote to stdout.
func mustCurlQuiet(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return mustRunTool(t, dir, "curl", append([]string{"-q", "-sS", "--connect-timeout", "10", "--max-time", "45"}, args...)...)
}

func listLines(out string) []string {
	out = strings.TrimRight(out, "\r\n")
	if out == "" {
		return nil
	}
	return strings.Split(strings.ReplaceAll(out, "\r\n", "\n"), "\n")
}

// TestSynthLftp: lftp gets synthetic files (passive and active), lists the
// tree, and puts into the sink: a correct file gets 226, a corrupted one
// 451 naming the offset of the corrupted byte.
func TestSynthLftp(t *testing.T) {
	t.Parallel()
	e2e(t)
	ref := synthRef(t)
	s := startServer(t, serverConfig{args: synthArgs})
	good := refFile(t, ref, "3M.bin", 3<<20, "")
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	data[2000001] ^= 0x20
	bad := filepath.Join(t.TempDir(), "3M.bin")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, m := range lftpModes {
		t.Run(m.name, func(t *testing.T) {
			dir := t.TempDir()
			mustLftp(t, s, dir, nil, m.settings, "get /synthetic/3M.bin -o got.bin")
			if got, want := fileSum(t, filepath.Join(dir, "got.bin")), fileSum(t, good); got != want {
				t.Errorf("lftp got sha256 %s, the reference's %s", got, want)
			}
			out := mustLftp(t, s, dir, nil, m.settings, "cls -1 /synthetic/tree/d000001/")
			if n := strings.Count(out, "-1K.bin\n") + strings.Count(out, "-4K.bin\n") + strings.Count(out, "-16K.bin\n") + strings.Count(out, "-64K.bin\n"); n != 1500 {
				t.Errorf("cls of a tree directory shows %d files, want 1500", n)
			}
			out = mustLftp(t, s, dir, &alice, m.settings, "put "+good+" -o /sink/3M.bin")
			if !strings.Contains(out, "<--- 226 Transfer complete: 3145728 bytes match 3M.bin.") {
				t.Errorf("put of the right content: no 226 naming the match:\n%s", lastOf(out))
			}
			out, err := lftpRun(t, s, dir, &alice, m.settings+"set net:max-retries 1; ", "put "+bad+" -o /sink/3M.bin")
			if err == nil || !strings.Contains(out, "<--- 451 Content differs from 3M.bin at offset 2000001.") {
				t.Errorf("put of a corrupted file: err %v, want 451 at offset 2000001:\n%s", err, lastOf(out))
			}
		})
	}
	if ents, err := os.ReadDir(s.root); err != nil || len(ents) != 0 {
		t.Errorf("the root holds %v (%v): the sink and the tree must not touch the disk", ents, err)
	}
}

// lastOf is the end of a long tool output, for failure messages.
func lastOf(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// TestSynthCommands: SIZE, MDTM, MLST, CWD and refusals of every change,
// and the sink's verdicts for short, long, REST-resumed and unchecked
// uploads, over a raw control connection.
func TestSynthCommands(t *testing.T) {
	t.Parallel()
	e2e(t)
	ref := synthRef(t)
	s := startServer(t, serverConfig{args: synthArgs})
	full, err := os.ReadFile(refFile(t, ref, "1M.bin", 1<<20, ""))
	if err != nil {
		t.Fatal(err)
	}
	c := s.login(t, &alice)
	for _, x := range []struct {
		line string
		code int
		msg  string
	}{
		{"SIZE /synthetic/1G.bin", 550, ""}, // above -synthetic-max 64M
		{"SIZE /synthetic/64M.bin", 213, "67108864"},
		{"SIZE /synthetic/tree/d000003/f000003-64K.bin", 213, "65536"},
		{"SIZE /synthetic/tree/d001500/f000000-1K.bin", 550, ""},
		{"MDTM /synthetic/1M.bin", 213, "20000101000000"},
		{"CWD /synthetic/tree", 250, ""},
		{"SIZE d000001/f000001-4K.bin", 213, "4096"},
		{"CWD /", 250, ""},
		{"STOR /synthetic/new.bin", 550, ""},
		{"DELE /synthetic/1M.bin", 550, ""},
		{"MKD /synthetic/dir", 550, ""},
		{"RMD /synthetic/tree", 550, ""},
		{"RNFR /synthetic/1M.bin", 550, ""},
		{"SITE CHMOD 777 /synthetic/1M.bin", 550, ""},
		{"MKD /sink/dir", 550, ""},
		{"RETR /sink/1M.bin", 550, ""},
	} {
		var r reply
		if strings.HasPrefix(x.line, "STOR") || strings.HasPrefix(x.line, "RETR") {
			_, r = c.stor(x.line, nil)
		} else {
			r = c.cmd(x.line)
		}
		if r.code != x.code || !strings.Contains(r.msg, x.msg) {
			t.Errorf("%s: %v, want %d %q", x.line, r, x.code, x.msg)
		}
	}
	if r := c.cmd("MLST /synthetic/1M.bin"); r.code != 250 || !strings.Contains(r.msg, "size=1048576;") || !strings.Contains(r.msg, "type=file;") || !strings.Contains(r.msg, "modify=20000101000000") {
		t.Errorf("MLST: %v", r)
	}
	corrupt := append([]byte(nil), full...)
	corrupt[777777] ^= 1
	for _, u := range []struct {
		name string
		rest int64
		data []byte
		code int
		msg  string
	}{
		{"1M.bin", 0, full, 226, "Transfer complete: 1048576 bytes match 1M.bin."},
		{"1M.bin", 0, corrupt, 451, "Content differs from 1M.bin at offset 777777."},
		{"1M.bin", 0, full[:1000], 451, "Upload ended at offset 1000; 1M.bin has 1048576 bytes."},
		{"1M.bin", 0, append(append([]byte(nil), full...), 'x'), 451, "Upload longer than 1M.bin: extra bytes from offset 1048576."},
		{"1M.bin", 500000, full[500000:], 226, "Transfer complete: 548576 bytes match 1M.bin."},
		{"1M.bin", 500000, full[500001:], 451, "Content differs from 1M.bin at offset 500000."},
		{"notes.txt", 0, []byte("hello"), 226, "Transfer complete: 5 bytes counted and discarded."},
	} {
		if u.rest > 0 {
			c.must("REST "+strconv.FormatInt(u.rest, 10), 350)
		}
		_, r := c.stor("STOR /sink/"+u.name, u.data)
		if r.code != u.code || r.msg != u.msg {
			t.Errorf("STOR /sink/%s (REST %d, %d bytes): %v, want %d %s", u.name, u.rest, len(u.data), r, u.code, u.msg)
		}
	}
	// Anonymous logins may upload into the sink, and nowhere else.
	anon := s.login(t, nil)
	if _, r := anon.stor("STOR /sink/1M.bin", full); r.code != 226 || r.msg != "Transfer complete: 1048576 bytes match 1M.bin." {
		t.Errorf("anonymous STOR into the sink: %v", r)
	}
	if _, r := anon.stor("STOR /sink/1M.bin", corrupt); r.code != 451 {
		t.Errorf("anonymous corrupted STOR into the sink: %v", r)
	}
	for _, line := range []string{"STOR /elsewhere.bin", "STOR /synthetic/1M.bin", "MKD /sink/d"} {
		var r reply
		if strings.HasPrefix(line, "STOR") {
			_, r = anon.stor(line, []byte("x"))
		} else {
			r = anon.cmd(line)
		}
		if r.code != 550 {
			t.Errorf("anonymous %s: %v, want 550", line, r)
		}
	}
	if ents, err := os.ReadDir(s.root); err != nil || len(ents) != 0 {
		t.Errorf("the root holds %v (%v): the sink must not touch the disk", ents, err)
	}
}
