package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tg123/go-htpasswd"

	"github.com/ftpsd/ftpsd/internal/config"
)

// scopeAuthorizer is the loop.Authorizer of one server: Apache 2.4's
// authorization over the <Directory>, <Location> and <Limit> sections that
// apply to a path (config.Server.Access, config.Scope.Allows), with the
// groups of the scope's AuthGroupFile.
type scopeAuthorizer struct {
	srv    *config.Server
	groups map[string]*htpasswd.HTGroup // by AuthGroupFile path, loaded at start-up
}

// Allow runs on a worker: Access merges the sections that match, which
// costs a few microseconds, and reads nothing from disk.
func (a *scopeAuthorizer) Allow(verb, user, fsPath, virtualPath string) bool {
	sc := a.srv.Access(fsPath, virtualPath)
	var inGroup func(string) bool
	if g := a.groups[sc.AuthGroupFile.Value]; sc.AuthGroupFile.Set && g != nil {
		inGroup = func(group string) bool { return g.IsUserInGroup(user, group) }
	}
	return sc.Allows(verb, user, inGroup)
}

// authorization makes the server's Authorizer when any section has Require
// lines; without them every logged-in user may do what its account allows
// (named users write, anonymous ones read), and no check runs.
func (p *problems) authorization(srv *config.Server, f *fileSettings) {
	a := &scopeAuthorizer{srv: srv, groups: map[string]*htpasswd.HTGroup{}}
	hasRequire := false
	for _, sc := range scopes(srv) {
		hasRequire = hasRequire || sc.HasAuthz()
		gf := sc.AuthGroupFile
		if !gf.Set || a.groups[gf.Value] != nil {
			continue
		}
		g, err := htpasswd.NewGroups(gf.Value, nil)
		if err != nil {
			p.wrap(gf.At, err, "AuthGroupFile")
			continue
		}
		a.groups[gf.Value] = g
	}
	if hasRequire {
		f.authorize = a
	}
}

// readmeOf returns the loop's Readme lookup for FTPReadmeMessage: the
// message of the sections that apply to the directory entered. A relative
// file: name is the loop's to read in that directory; an absolute one is a
// host file, read here (on the worker that asks).
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
