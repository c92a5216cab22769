package setup

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/config"
)

// Per-directory settings. Logins are checked once per host, with the
// authentication settings of the document root's scope (Server.Access for
// the root itself); a section below the root may not change how users log
// in. Authorization (Require, <Limit>, <LimitExcept>, AuthGroupFile) applies
// per command and path through the Authorizer internal/authz compiles.

// authentication takes the login settings of the document root's scope and
// refuses authentication settings written for part of the tree: a login
// happens before any path is named, so they could never apply.
func (p *problems) authentication(srv *config.Server, root string, scope *config.Scope, s *settings, fl Flags, f *fileSettings) {
	for _, sc := range scopes(srv) {
		if sc.Kind != config.ScopeServer && !appliesAtRoot(sc, root) && hasAuthn(sc) {
			p.errorf(sc.At, "<%s %s> sets how users log in for part of the tree; ftpsd checks a login once, with the document root's AuthUserFile and Anonymous (Require, <Limit> and AuthGroupFile may be set per directory)", sc.Kind, sc.Path)
		}
	}

	providers := scope.Providers()
	if uf := scope.AuthUserFile; uf.Set {
		switch {
		case !slices.Contains(providers, config.ProviderFile):
			p.warnf(uf.At, "AuthUserFile: not used, AuthBasicProvider does not list file")
		case !fl.Users.Set:
			s.users = uf.Value
			s.usersFrom = uf.At.String() + ": AuthUserFile"
			if _, err := auth.NewUsers(uf.Value, false); err != nil {
				p.wrap(uf.At, err, "AuthUserFile")
			}
		}
	}
	if an := scope.Anonymous; an.Set {
		if !slices.Contains(providers, config.ProviderAnon) {
			p.warnf(an.At, "Anonymous: not used, AuthBasicProvider does not list anon")
		} else {
			if !fl.Anonymous.Set {
				s.anonymous = true
			}
			f.anonPolicy = auth.AnonPolicy{
				Names:         an.Value,
				MustGiveEmail: scope.MustGiveEmail(),
				VerifyEmail:   scope.VerifyEmail(),
				NoLogEmail:    !scope.LogEmail(),
			}
		}
	}
	if x := scope.AnonymousNoUserID; x.Set && x.Value {
		p.warnf(x.At, "Anonymous_NoUserID On: FTP's USER always names a user, so an empty one cannot reach ftpsd; not acted on")
	}
	p.authorization(srv, f)
}

// scopes returns every per-directory scope of srv.
func scopes(srv *config.Server) []*config.Scope {
	out := slices.Concat(srv.Directories, srv.Locations)
	if srv.Dir != nil {
		out = append([]*config.Scope{srv.Dir}, out...)
	}
	return out
}

// appliesAtRoot reports whether a <Directory> or <Location> section is
// merged into the document root's scope (Server.Access(root, "/")), and so
// into the settings ftpsd applies everywhere.
func appliesAtRoot(sc *config.Scope, root string) bool {
	if sc.Kind == config.ScopeLocation {
		return sc.Path == "/"
	}
	pat, parts := splitPath(sc.Path), splitPath(filepath.ToSlash(root))
	if len(pat) > len(parts) {
		return false
	}
	for i, c := range pat {
		if ok, err := path.Match(c, parts[i]); c != parts[i] && (err != nil || !ok) {
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	p = strings.Trim(path.Clean("/"+p), "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// hasAuthn reports whether a scope sets anything about how users log in.
func hasAuthn(sc *config.Scope) bool {
	return sc.AuthType.Set || sc.AuthName.Set || sc.AuthBasicProvider.Set || sc.AuthUserFile.Set ||
		sc.Anonymous.Set || sc.AnonymousMustGiveEmail.Set || sc.AnonymousNoUserID.Set ||
		sc.AnonymousLogEmail.Set || sc.AnonymousVerifyEmail.Set
}

// dirUmask handles an FTPUmask or FTPDirUmask of a section below the
// document root: the loop applies one umask everywhere, so a stricter one
// there is refused and a looser one is a warning.
func (p *problems) dirUmask(sc *config.Scope, name string, m config.Opt[os.FileMode], applied os.FileMode) {
	if !m.Set {
		return
	}
	if m.Value&^applied != 0 {
		p.errorf(m.At, "%s %03o in <%s %s>: per-directory umasks are not applied yet and this one is stricter than the %03o applied everywhere; refusing to start rather than create files more open than configured",
			name, m.Value, sc.Kind, sc.Path, applied)
		return
	}
	p.warnf(m.At, "%s in <%s %s>: not acted on yet, %03o applies everywhere", name, sc.Kind, sc.Path, applied)
}
