package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set by the Makefile (-ldflags "-X main.version=…", from git
// describe); a plain go build or go install takes the module's version and
// VCS stamp from the build information instead.
var version, commit = "", ""

// printVersion writes "ftpsd VERSION (commit REV[, modified]) GOVERSION OS/ARCH".
func printVersion(w io.Writer) {
	v, rev, dirty := version, commit, false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if rev == "" {
					rev = s.Value
				}
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		rev = "unknown"
	}
	if dirty {
		rev += ", modified"
	}
	fmt.Fprintf(w, "ftpsd %s (commit %s) %s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
