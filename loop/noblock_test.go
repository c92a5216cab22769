package loop

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The loop never blocks (doc.go): no disk, no socket waits, no DNS, no
// sleeping. These tables are what that rules out in loop's own code; the
// blocking work belongs in xfer jobs, which run on workers.

// blockingFuncs are package functions that block, by import path.
var blockingFuncs = map[string][]string{
	"os": {"Open", "OpenFile", "OpenRoot", "OpenInRoot", "Stat", "Lstat", "ReadFile", "ReadDir", "Create",
		"CreateTemp", "Remove", "RemoveAll", "Rename", "Mkdir", "MkdirAll", "MkdirTemp", "Chtimes", "Chmod",
		"Chown", "Lchown", "WriteFile", "Readlink", "Symlink", "Link", "Truncate", "Getwd"},
	"net": {"Dial", "DialTimeout", "DialTCP", "DialUDP", "DialIP", "DialUnix", "LookupHost", "LookupIP",
		"LookupAddr", "LookupCNAME", "LookupPort", "LookupMX", "LookupTXT", "LookupSRV", "LookupNS",
		"ResolveTCPAddr", "ResolveUDPAddr", "ResolveIPAddr"},
	"io":                                   {"ReadAll", "Copy", "CopyN", "CopyBuffer", "ReadFull", "ReadAtLeast"},
	"time":                                 {"Sleep"},
	"path/filepath":                        {"Abs", "EvalSymlinks", "Walk", "WalkDir", "Glob"},
	"github.com/ftpsd/ftpsd/internal/fsys": {"Open"},
	"github.com/ftpsd/ftpsd/xfer":          {"Dial", "ServeTLS", "CloseTLS", "Send", "Receive", "WriteListing"},
}

// blockingMethods are the methods of *fsys.FS, *os.Root, *os.File,
// net.Listener, *xfer.Passive and *tls.Conn that wait for the disk or the
// network. Without type information any method of that name counts, so
// loop must not name its own methods so either. (*fsys.FS).Sub, which opens
// a directory, is left out: time.Time.Sub, which loop calls often, has its
// name.
var blockingMethods = []string{
	"Open", "OpenFile", "OpenRoot", "Stat", "Lstat", "ReadDir", "Readdir", "Readdirnames", "ReadFile",
	"Create", "CreateUpload", "Remove", "RemoveAll", "RemoveDir", "Rename", "Mkdir", "MkdirAll", "Chtimes",
	"Chmod", "Chown", "Resolve", "Seek", "ReadAt", "WriteAt", "Readlink", "Symlink", "Truncate",
	"Sync", "Accept", "AcceptTCP", "Handshake", "HandshakeContext",
}

// offLoop are the functions of loop's files that make such calls and yet
// never run on an event loop, each with where it runs. Anything else
// found fails the test.
var offLoop = map[string]string{
	// Server start-up (New), before any event loop runs.
	"host.go:openHost": "runs in New, at start-up",
}

// blockingCall is one call of a blocking function found in a file.
type blockingCall struct {
	Func string // the enclosing function, "(*T).M" or "F"; "" at package level
	Call string // what is called, "os.Stat" or ".Stat"
	Line int
}

// findBlocking returns the blocking calls of one parsed file.
func findBlocking(fset *token.FileSet, f *ast.File) []blockingCall {
	pkgs := map[string]map[string]bool{} // local import name -> blocking function names
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		names, ok := blockingFuncs[p]
		name := p[strings.LastIndexByte(p, '/')+1:]
		if imp.Name != nil {
			name = imp.Name.Name
		}
		set := map[string]bool{}
		if ok {
			for _, n := range names {
				set[n] = true
			}
		}
		pkgs[name] = set // also records imports with nothing blocking: their functions are not methods
	}
	methods := map[string]bool{}
	for _, m := range blockingMethods {
		methods[m] = true
	}
	var found []blockingCall
	check := func(fn string, n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil {
			if set, isPkg := pkgs[id.Name]; isPkg {
				if set[sel.Sel.Name] {
					found = append(found, blockingCall{fn, id.Name + "." + sel.Sel.Name, fset.Position(sel.Pos()).Line})
				}
				return true
			}
		}
		if methods[sel.Sel.Name] {
			found = append(found, blockingCall{fn, "." + sel.Sel.Name, fset.Position(sel.Pos()).Line})
		}
		return true
	}
	for _, d := range f.Decls {
		fn := ""
		if fd, ok := d.(*ast.FuncDecl); ok {
			fn = funcName(fd)
		}
		ast.Inspect(d, func(n ast.Node) bool { return check(fn, n) })
	}
	return found
}

// funcName names a declared function as the offLoop table does.
func funcName(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return fd.Name.Name
	}
	t := fd.Recv.List[0].Type
	ptr := ""
	if st, ok := t.(*ast.StarExpr); ok {
		t, ptr = st.X, "*"
	}
	if ix, ok := t.(*ast.IndexExpr); ok {
		t = ix.X
	}
	recv := "?"
	if id, ok := t.(*ast.Ident); ok {
		recv = id.Name
	}
	if ptr != "" {
		return "(*" + recv + ")." + fd.Name.Name
	}
	return recv + "." + fd.Name.Name
}

// TestLoopMakesNoBlockingCall parses loop's non-test files and fails on
// any blocking call outside the few functions offLoop lists.
func TestLoopMakesNoBlockingCall(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	used := map[string]bool{}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, c := range findBlocking(fset, f) {
			key := name + ":" + c.Func
			if _, ok := offLoop[key]; ok {
				used[key] = true
				continue
			}
			t.Errorf("%s:%d: %s calls %s, which blocks: the loop must not; make it an xfer job", name, c.Line, c.Func, c.Call)
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files: not loop's source directory?", checked)
	}
	var stale []string
	for key := range offLoop {
		if !used[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("offLoop lists %s, which makes no blocking call any more: remove it", key)
	}
}

// TestFindBlocking proves the check can fail: each snippet's blocking
// calls are found, under any import name, and harmless look-alikes are not.
func TestFindBlocking(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  string
		want []string // "Func Call"
	}{
		{"os.Stat", `package p; import "os"; func f() { os.Stat("x") }`, []string{"f os.Stat"}},
		{"renamed import", `package p; import o "os"; func f() { _, _ = o.ReadFile("x") }`, []string{"f o.ReadFile"}},
		{"method on a root", `package p; type S struct{}; func (s *S) m(fs interface{ Open(string) }) { fs.Open("x") }`, []string{"(*S).m .Open"}},
		{"accept", `package p; import "net"; func f(l net.Listener) { l.Accept() }`, []string{"f .Accept"}},
		{"dial", `package p; import "net"; func f() { net.DialTimeout("tcp", "x", 0) }`, []string{"f net.DialTimeout"}},
		{"handshake", `package p; import "crypto/tls"; func f(c *tls.Conn) { c.HandshakeContext(nil) }`, []string{"f .HandshakeContext"}},
		{"read all", `package p; import "io"; func f(r io.Reader) { io.ReadAll(r) }`, []string{"f io.ReadAll"}},
		{"sleep in a closure", `package p; import "time"; var g = func() { time.Sleep(1) }`, []string{" time.Sleep"}},
		{"function value", `package p; import "os"; var rm = os.Remove`, []string{" os.Remove"}},
		{"xfer copy", `package p; import "github.com/ftpsd/ftpsd/xfer"; func f() { xfer.Send(nil, nil, false, nil, nil) }`, []string{"f xfer.Send"}},
		{"harmless", `package p; import ("os"; "time"; "strings"); func f() { _ = os.Getpid(); _ = time.Now(); strings.Index("", "") }`, nil},
		{"package function of a harmless package", `package p; import "codec"; func f() { codec.Open() }`, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, "x.go", tt.src, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range findBlocking(fset, f) {
				got = append(got, c.Func+" "+c.Call)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("found %q, want %q", got, tt.want)
			}
		})
	}
}
