package codec

import (
	"path"
	"strings"
	"testing"
)

func TestJoin(t *testing.T) {
	tests := []struct{ name, cwd, arg, want string }{
		{"empty arg gives cwd", "/pub", "", "/pub"},
		{"empty arg at root", "/", "", "/"},
		{"relative", "/pub", "file.txt", "/pub/file.txt"},
		{"relative from root", "/", "a/b", "/a/b"},
		{"absolute replaces cwd", "/pub", "/etc/x", "/etc/x"},
		{"dot", "/pub", ".", "/pub"},
		{"parent", "/pub/sub", "..", "/pub"},
		{"parent at root stays", "/", "..", "/"},
		{"many parents", "/a", "../../../..", "/"},
		{"parents in an absolute path", "/a", "/../../etc/passwd", "/etc/passwd"},
		{"parents in the middle", "/a", "b/../../../c", "/c"},
		{"double slashes", "/a", "b//c/", "/a/b/c"},
		{"trailing slash", "/a", "b/", "/a/b"},
		{"backslash is a name byte", "/a", `..\..\etc`, `/a/..\..\etc`},
		{"spaces kept", "/a", " b ", "/a/ b "},
		{"dot-dot-dot is a name", "/a", "...", "/a/..."},
		{"relative cwd is rooted", "a/b", "c", "/a/b/c"},
		{"empty cwd is root", "", "", "/"},
		{"unclean cwd cleaned", "/a/../b/", "", "/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Join(tt.cwd, tt.arg); got != tt.want {
				t.Errorf("Join(%q, %q) = %q, want %q", tt.cwd, tt.arg, got, tt.want)
			}
		})
	}
}

func FuzzJoin(f *testing.F) {
	f.Add("/", "..")
	f.Add("/pub", "../../etc/passwd")
	f.Add("/a/b", "/x/./y/../z/")
	f.Add("", `..\..`)
	f.Add("x/..", "../")
	f.Fuzz(func(t *testing.T, cwd, arg string) {
		got := Join(cwd, arg)
		if !strings.HasPrefix(got, "/") || strings.Contains(got, "/../") || strings.HasSuffix(got, "/..") {
			t.Fatalf("Join(%q, %q) = %q escapes or is not absolute", cwd, arg, got)
		}
		if path.Clean(got) != got {
			t.Fatalf("Join(%q, %q) = %q is not clean", cwd, arg, got)
		}
		if again := Join("/", got); again != got {
			t.Fatalf("Join(/, %q) = %q, not idempotent", got, again)
		}
		if arg == "" && got != path.Clean("/"+cwd) {
			t.Fatalf("Join(%q, \"\") = %q, want the cleaned cwd", cwd, got)
		}
	})
}
