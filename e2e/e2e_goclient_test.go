package e2e

// github.com/jlaffaye/ftp against the server, over EPSV and over PASV.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

// goDial connects and logs in (a nil account is anonymous); the connection
// is closed by t.Cleanup.
func goDial(t *testing.T, s *server, a *account, opts ...ftp.DialOption) *ftp.ServerConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*toolTimeout)
	t.Cleanup(cancel)
	c, err := goDialErr(ctx, s, a, opts...)
	if err != nil {
		t.Fatalf("jlaffaye/ftp dial and login: %v", err)
	}
	t.Cleanup(func() { c.Quit() })
	return c
}

// goDialErr is goDial for other goroutines. The client sets no deadlines
// of its own, so every connection it opens (control and data) is closed
// when ctx ends: a stuck server cannot hang the test.
func goDialErr(ctx context.Context, s *server, a *account, opts ...ftp.DialOption) (*ftp.ServerConn, error) {
	dial := ctxDial(ctx, net.Dialer{Timeout: replyTimeout}, nil)
	return goLogin(s.addr, append([]ftp.DialOption{ftp.DialWithDialFunc(dial)}, opts...), a, "e2e@example.com")
}

// ctxDial is a jlaffaye/ftp dial function whose every connection is closed
// when ctx ends. wrap, when set, may replace each new connection; control
// is true for the first one the client opens, its control connection.
func ctxDial(ctx context.Context, d net.Dialer, wrap func(c net.Conn, control bool) net.Conn) func(network, addr string) (net.Conn, error) {
	var mu sync.Mutex
	var conns []net.Conn
	context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return func(network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		mu.Lock()
		conns = append(conns, c)
		control := len(conns) == 1
		mu.Unlock()
		if wrap != nil {
			return wrap(c, control), nil
		}
		return c, nil
	}
}

// goLogin dials addr with jlaffaye/ftp and logs in as a, or as anonymous
// with anonPass when a is nil.
func goLogin(addr string, opts []ftp.DialOption, a *account, anonPass string) (*ftp.ServerConn, error) {
	c, err := ftp.Dial(addr, opts...)
	if err != nil {
		return nil, err
	}
	user, pass := "anonymous", anonPass
	if a != nil {
		user, pass = a.user, a.pass
	}
	if err := c.Login(user, pass); err != nil {
		c.Quit()
		return nil, err
	}
	return c, nil
}

// readResp reads a whole RETR response and closes it (which reads the 226).
func readResp(r *ftp.Response, err error) (string, error) {
	if err != nil {
		return "", err
	}
	_ = r.SetDeadline(time.Now().Add(dataTimeout))
	b, err := io.ReadAll(r)
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return string(b), err
}

func ftpCode(err error) int {
	var tp *textproto.Error
	if errors.As(err, &tp) {
		return tp.Code
	}
	return 0
}

var goModes = []struct {
	name string
	opts []ftp.DialOption
}{
	{"EPSV", nil},
	{"PASV", []ftp.DialOption{ftp.DialWithDisabledEPSV(true)}},
}

// TestGoClientRead: an anonymous session reads the tree with every read
// call of the client.
func TestGoClientRead(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	for _, mode := range goModes {
		t.Run(mode.name, func(t *testing.T) {
			c := goDial(t, s, nil, mode.opts...)

			entries, err := c.List("/") // MLSD: the server announces MLST
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			checkEntries(t, "List (MLSD)", entries, fixtureTime)

			names, err := c.NameList("/")
			if err != nil || !containsAll(names, []string{"hello.txt", "sub", "text.txt", "big.bin", "empty"}) {
				t.Errorf("NameList: %q, %v", names, err)
			}
			if got, err := readResp(c.Retr("hello.txt")); err != nil || got != helloText {
				t.Errorf("Retr: %q, %v", got, err)
			}
			if got, err := readResp(c.RetrFrom("hello.txt", 6)); err != nil || got != "world\n" {
				t.Errorf("RetrFrom(6): %q, %v", got, err)
			}
			if _, err := readResp(c.Retr("missing")); ftpCode(err) != 550 {
				t.Errorf("Retr missing: %v, want 550", err)
			}
			e, err := c.GetEntry("hello.txt") // MLST
			if err != nil || strings.TrimPrefix(e.Name, "/") != "hello.txt" || e.Type != ftp.EntryTypeFile || e.Size != 12 || !e.Time.Equal(fixtureTime) {
				t.Errorf("GetEntry: %+v, %v", e, err)
			}
			if e, err := c.GetEntry("sub"); err != nil || e.Type != ftp.EntryTypeFolder {
				t.Errorf("GetEntry sub: %+v, %v", e, err)
			}
			if n, err := c.FileSize("big.bin"); err != nil || n != bigSize {
				t.Errorf("FileSize: %d, %v", n, err)
			}
			if tm, err := c.GetTime("hello.txt"); err != nil || !tm.Equal(fixtureTime) {
				t.Errorf("GetTime: %v, %v; want %v", tm, err, fixtureTime)
			}
			if err := c.ChangeDir("sub"); err != nil {
				t.Fatalf("ChangeDir: %v", err)
			}
			if d, err := c.CurrentDir(); err != nil || d != "/sub" {
				t.Errorf("CurrentDir: %q, %v", d, err)
			}
			if got, err := readResp(c.Retr("inner.txt")); err != nil || got != "inner" {
				t.Errorf("Retr relative to /sub: %q, %v", got, err)
			}
			if err := c.ChangeDirToParent(); err != nil {
				t.Errorf("ChangeDirToParent: %v", err)
			}
			if d, err := c.CurrentDir(); err != nil || d != "/" {
				t.Errorf("CurrentDir after CDUP: %q, %v", d, err)
			}
			if err := c.Stor("nope.txt", strings.NewReader("x")); ftpCode(err) != 550 {
				t.Errorf("anonymous Stor: %v, want 550", err)
			}
			if err := c.MakeDir("nope"); ftpCode(err) != 550 {
				t.Errorf("anonymous MakeDir: %v, want 550", err)
			}
			if err := c.Delete("hello.txt"); ftpCode(err) != 550 {
				t.Errorf("anonymous Delete: %v, want 550", err)
			}
			if err := c.NoOp(); err != nil {
				t.Errorf("NoOp: %v", err)
			}
		})
	}

	t.Run("LIST parsing", func(t *testing.T) {
		// Without MLSD the client parses the `ls -l` lines of LIST.
		c := goDial(t, s, nil, ftp.DialWithDisabledMLSD(true))
		entries, err := c.List("/")
		if err != nil {
			t.Fatalf("List (LIST): %v", err)
		}
		// LIST shows an old file's date without its time of day.
		checkEntries(t, "List (LIST)", entries, fixtureTime.Truncate(24*time.Hour))
	})
}

func checkEntries(t *testing.T, what string, entries []*ftp.Entry, mtime time.Time) {
	t.Helper()
	byName := map[string]*ftp.Entry{}
	for _, e := range entries {
		byName[e.Name] = e
	}
	if e := byName["hello.txt"]; e == nil || e.Type != ftp.EntryTypeFile || e.Size != 12 || !e.Time.Equal(mtime) {
		t.Errorf("%s hello.txt: %+v, want a 12-byte file of %v", what, e, mtime)
	}
	if e := byName["big.bin"]; e == nil || e.Size != bigSize {
		t.Errorf("%s big.bin: %+v", what, e)
	}
	if e := byName["sub"]; e == nil || e.Type != ftp.EntryTypeFolder {
		t.Errorf("%s sub: %+v, want a folder", what, e)
	}
}

// TestGoClientWrite: a named user changes the tree with every writing call
// of the client; each change is checked on disk.
func TestGoClientWrite(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	for _, mode := range goModes {
		t.Run(mode.name, func(t *testing.T) {
			c := goDial(t, s, &alice, mode.opts...)
			dir := "w-" + mode.name
			if err := c.MakeDir(dir); err != nil {
				t.Fatalf("MakeDir: %v", err)
			}
			if fi, err := os.Stat(s.path(dir)); err != nil || !fi.IsDir() {
				t.Fatalf("MakeDir did not create %s: %v", dir, err)
			}
			if err := c.ChangeDir(dir); err != nil {
				t.Fatal(err)
			}
			data := content(1<<20+17, 3)
			if err := c.Stor("data.bin", bytes.NewReader(data)); err != nil {
				t.Fatalf("Stor: %v", err)
			}
			if got := readFile(t, s.path(dir+"/data.bin")); got != string(data) {
				t.Errorf("Stor: %d bytes on disk differ from the %d sent", len(got), len(data))
			}
			if got, err := readResp(c.Retr("data.bin")); err != nil || got != string(data) {
				t.Errorf("Retr of the upload: %d bytes, %v", len(got), err)
			}
			// StorFrom resumes: REST then STOR.
			if err := c.Stor("resume.txt", strings.NewReader("0123456789")); err != nil {
				t.Fatal(err)
			}
			if err := c.StorFrom("resume.txt", strings.NewReader("ABCDEFGH"), 5); err != nil {
				t.Errorf("StorFrom: %v", err)
			}
			if got := readFile(t, s.path(dir+"/resume.txt")); got != "01234ABCDEFGH" {
				t.Errorf("StorFrom(5): %q on disk, want 01234ABCDEFGH", got)
			}
			if err := c.Append("resume.txt", strings.NewReader("+tail")); err != nil {
				t.Errorf("Append: %v", err)
			}
			if got := readFile(t, s.path(dir+"/resume.txt")); got != "01234ABCDEFGH+tail" {
				t.Errorf("Append: %q on disk", got)
			}
			if err := c.Stor("empty.txt", strings.NewReader("")); err != nil {
				t.Errorf("Stor of an empty file: %v", err)
			}
			if fi, err := os.Stat(s.path(dir + "/empty.txt")); err != nil || fi.Size() != 0 {
				t.Errorf("empty.txt: %v %v", fi, err)
			}
			if err := c.Rename("resume.txt", "renamed.txt"); err != nil {
				t.Errorf("Rename: %v", err)
			}
			if _, err := os.Stat(s.path(dir + "/renamed.txt")); err != nil {
				t.Errorf("Rename: %v", err)
			}
			if err := c.Rename("missing", "x"); ftpCode(err) != 550 {
				t.Errorf("Rename missing: %v, want 550", err)
			}
			stamp := time.Date(2019, 12, 31, 23, 59, 58, 0, time.UTC)
			if err := c.SetTime("renamed.txt", stamp); err != nil {
				t.Errorf("SetTime (MFMT): %v", err)
			}
			if fi, err := os.Stat(s.path(dir + "/renamed.txt")); err != nil || !fi.ModTime().Equal(stamp) {
				t.Errorf("SetTime: mtime %v %v, want %v", fi.ModTime(), err, stamp)
			}
			if tm, err := c.GetTime("renamed.txt"); err != nil || !tm.Equal(stamp) {
				t.Errorf("GetTime after SetTime: %v, %v", tm, err)
			}
			if err := c.MakeDir("inner"); err != nil {
				t.Errorf("MakeDir inner: %v", err)
			}
			if err := c.RemoveDir("inner"); err != nil {
				t.Errorf("RemoveDir: %v", err)
			}
			for _, f := range []string{"data.bin", "renamed.txt", "empty.txt"} {
				if err := c.Delete(f); err != nil {
					t.Errorf("Delete %s: %v", f, err)
				}
			}
			if err := c.Delete("data.bin"); ftpCode(err) != 550 {
				t.Errorf("Delete twice: %v, want 550", err)
			}
			if names, err := c.NameList(""); err != nil || len(names) != 0 {
				t.Errorf("NameList of the emptied directory: %q, %v", names, err)
			}
			if err := c.ChangeDirToParent(); err != nil {
				t.Fatal(err)
			}
			if err := c.RemoveDir(dir); err != nil {
				t.Errorf("RemoveDir %s: %v", dir, err)
			}
			if _, err := os.Stat(s.path(dir)); !os.IsNotExist(err) {
				t.Errorf("%s still exists: %v", dir, err)
			}
			entries, err := c.List("/")
			if err != nil || slices.ContainsFunc(entries, func(e *ftp.Entry) bool { return strings.HasPrefix(e.Name, ".ftpsd-") }) {
				t.Errorf("List after the uploads: %v (upload temporaries must not show)", err)
			}
		})
	}
}
