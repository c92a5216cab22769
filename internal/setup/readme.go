package setup

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
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

// readmeSection is one section's FTPReadmeMessage, compiled: its path
// split into components (nil for the server's own settings).
type readmeSection struct {
	pattern []string
	msg     config.Message
}

// readmeOf returns the loop's Readme lookup for FTPReadmeMessage: the
// message of the sections that apply to the directory entered, merged as
// config.Server.Access merges them (the server's own, then <Directory>
// sections shortest path first, then <Location> sections; the last that
// sets a message wins), compiled here once so that the workers never
// consult the model. A relative file: name is the loop's to read in that
// directory; an absolute one is a host file, read by the lookup.
func readmeOf(srv *config.Server) func(fsPath, virtualPath string) (string, string) {
	var base *config.Message
	if srv.Dir != nil && srv.Dir.FTPReadmeMessage.Set {
		base = &srv.Dir.FTPReadmeMessage.Value
	}
	// Access sorts every Directory section, shortest path first, file
	// order among equals; those without a message then drop out.
	all := slices.Clone(srv.Directories)
	slices.SortStableFunc(all, func(a, b *config.Scope) int { return len(splitPath(a.Path)) - len(splitPath(b.Path)) })
	var sortedDirs, locs []readmeSection
	for _, d := range all {
		if d.FTPReadmeMessage.Set {
			sortedDirs = append(sortedDirs, readmeSection{splitPath(d.Path), d.FTPReadmeMessage.Value})
		}
	}
	for _, l := range srv.Locations {
		if l.FTPReadmeMessage.Set {
			locs = append(locs, readmeSection{splitPath(l.Path), l.FTPReadmeMessage.Value})
		}
	}
	// The lookup runs on a worker, the one that answers CWD.
	return func(fsPath, virtualPath string) (string, string) {
		m := base
		if len(sortedDirs) > 0 {
			parts := splitPath(path.Clean("/" + fsPath))
			for i := range sortedDirs {
				if contains(sortedDirs[i].pattern, parts) {
					m = &sortedDirs[i].msg
				}
			}
		}
		if len(locs) > 0 {
			parts := splitPath(path.Clean("/" + virtualPath))
			for i := range locs {
				if contains(locs[i].pattern, parts) {
					m = &locs[i].msg
				}
			}
		}
		switch {
		case m == nil:
			return "", ""
		case m.File == "":
			return m.Text, ""
		case !filepath.IsAbs(m.File):
			return "", m.File
		}
		f, err := os.Open(m.File)
		if err != nil {
			return "", ""
		}
		defer f.Close()
		b, _ := io.ReadAll(io.LimitReader(f, 8<<10))
		return strings.TrimRight(string(b), "\r\n"), ""
	}
}

// contains reports whether a section path, split, holds the path split
// into parts: equal to it or to a leading run of its components, wildcards
// matching within one component.
func contains(pattern, parts []string) bool {
	if len(pattern) > len(parts) {
		return false
	}
	for i, c := range pattern {
		if c == parts[i] {
			continue
		}
		if ok, err := path.Match(c, parts[i]); err != nil || !ok {
			return false
		}
	}
	return true
}
