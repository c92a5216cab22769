package setup

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/internal/authz"
	"github.com/ftpsd/ftpsd/internal/config"
)

// authorization compiles the server's Require rules (internal/authz) when
// any section has some; without them every logged-in user may do what its
// account allows (named users write, anonymous ones read), and no check
// runs.
func (p *problems) authorization(srv *config.Server, f *fileSettings) {
	a, errs := authz.Compile(srv)
	p.errs = append(p.errs, errs...)
	if a != nil {
		f.authorize = a
	}
}

// readmeOf returns the loop's Readme lookup for FTPReadmeMessage: the
// message of the sections that apply to the directory entered. A relative
// file: name is the loop's to read in that directory; an absolute one is a
// host file, read here. The function runs on a worker, the one that
// answers CWD.
func readmeOf(srv *config.Server) func(fsPath, virtualPath string) (string, string) {
	return func(fsPath, virtualPath string) (string, string) {
		m := srv.Access(fsPath, virtualPath).FTPReadmeMessage
		switch {
		case !m.Set:
			return "", ""
		case m.Value.File == "":
			return m.Value.Text, ""
		case !filepath.IsAbs(m.Value.File):
			return "", m.Value.File
		}
		f, err := os.Open(m.Value.File)
		if err != nil {
			return "", ""
		}
		defer f.Close()
		b, _ := io.ReadAll(io.LimitReader(f, 8<<10))
		return strings.TrimRight(string(b), "\r\n"), ""
	}
}
