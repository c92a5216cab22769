package main

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftpsd/ftpsd/cmd/ftpsd/config"
	"github.com/ftpsd/ftpsd/loop/auth"
)

// Per-directory settings. The loop applies one set of them to the whole
// document root: the scope Server.Access gives for the root itself. A
// section below the root (or beside it) may only say what the loop would do
// anyway; whatever would make the loop grant more is refused.

// authentication takes the login settings of the document root's scope and
// refuses every authorization rule the loop cannot enforce: it knows two
// kinds of account (named users may write, anonymous ones may read) and one
// set of them for the whole tree.
func (p *problems) authentication(srv *config.Server, root string, scope *config.Scope, o *options) {
	for _, sc := range scopes(srv) {
		for _, r := range sc.Require {
			p.checkRequire(r)
		}
		for _, l := range sc.Limits {
			for _, r := range l.Require {
				p.checkRequire(r)
			}
		}
		if sc.Kind != config.ScopeServer && !appliesAtRoot(sc, root) && hasAuth(sc) {
			p.errorf(sc.At, "<%s %s> sets authentication or authorization for part of the tree: %s", sc.Kind, sc.Path, refuseAuthz)
		}
	}

	providers := scope.Providers()
	if uf := scope.AuthUserFile; uf.Set {
		switch {
		case !slices.Contains(providers, config.ProviderFile):
			p.warnf(uf.At, "AuthUserFile: not used, AuthBasicProvider does not list file")
		case !o.set["users"]:
			o.users = uf.Value
			o.from("users", "AuthUserFile", uf.At)
			if _, err := auth.NewUsers(uf.Value, false); err != nil {
				p.wrap(uf.At, err, "AuthUserFile")
			}
		}
	}
	if an := scope.Anonymous; an.Set {
		if !slices.Contains(providers, config.ProviderAnon) {
			p.warnf(an.At, "Anonymous: not used, AuthBasicProvider does not list anon")
		} else {
			if !o.set["anonymous"] {
				o.anonymous = true
			}
			p.anonymousNames(an)
		}
	}
	for _, x := range []struct {
		name string
		set  bool
		at   config.Pos
	}{
		{"AuthGroupFile", scope.AuthGroupFile.Set, scope.AuthGroupFile.At},
		{"Anonymous_MustGiveEmail", scope.AnonymousMustGiveEmail.Set, scope.AnonymousMustGiveEmail.At},
		{"Anonymous_NoUserID", scope.AnonymousNoUserID.Set, scope.AnonymousNoUserID.At},
		{"Anonymous_LogEmail", scope.AnonymousLogEmail.Set, scope.AnonymousLogEmail.At},
		{"Anonymous_VerifyEmail", scope.AnonymousVerifyEmail.Set, scope.AnonymousVerifyEmail.At},
	} {
		if x.set {
			p.notYet(x.at, x.name)
		}
	}
}

// checkRequire refuses a Require line that grants less than "every
// logged-in user": the loop cannot tell users apart per command or path.
func (p *problems) checkRequire(r config.Require) {
	switch r.Kind {
	case config.RequireValidUser, config.RequireAllGranted:
		return
	}
	p.errorf(r.At, "%s: %s", requireText(r), refuseAuthz)
}

func requireText(r config.Require) string {
	switch r.Kind {
	case config.RequireValidUser:
		return "Require valid-user"
	case config.RequireUser:
		return "Require user " + strings.Join(r.Names, " ")
	case config.RequireGroup:
		return "Require group " + strings.Join(r.Names, " ")
	case config.RequireAllGranted:
		return "Require all granted"
	case config.RequireAllDenied:
		return "Require all denied"
	}
	return "Require"
}

// anonymousNames warns when Anonymous names differ from the loop's
// anonymous accounts, anonymous and ftp.
func (p *problems) anonymousNames(an config.Opt[[]string]) {
	var other []string
	var isAnon, isFTP bool
	for _, n := range an.Value {
		switch strings.ToLower(n) {
		case "anonymous":
			isAnon = true
		case "ftp":
			isFTP = true
		default:
			other = append(other, n)
		}
	}
	if len(other) > 0 {
		p.warnf(an.At, "Anonymous: ftpsd's anonymous logins are anonymous and ftp; %s not accepted", strings.Join(other, ", "))
	}
	if !isAnon || !isFTP {
		p.warnf(an.At, "Anonymous: ftpsd accepts both anonymous and ftp as anonymous logins")
	}
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

// hasAuth reports whether a scope sets anything about logins or access.
func hasAuth(sc *config.Scope) bool {
	return sc.AuthType.Set || sc.AuthName.Set || sc.AuthBasicProvider.Set || sc.AuthUserFile.Set ||
		sc.AuthGroupFile.Set || sc.Anonymous.Set || sc.AnonymousMustGiveEmail.Set ||
		sc.AnonymousNoUserID.Set || sc.AnonymousLogEmail.Set || sc.AnonymousVerifyEmail.Set ||
		len(sc.Require) > 0 || len(sc.Limits) > 0
}

// dirUmask handles an FTPUmask or FTPDirUmask of a section below the
// document root: the loop applies one umask everywhere, so a stricter one
// there is refused and a looser one is a warning.
func (p *problems) dirUmask(sc *config.Scope, name string, m config.Opt[os.FileMode], applied uint64) {
	if !m.Set {
		return
	}
	if uint64(m.Value)&^applied != 0 {
		p.errorf(m.At, "%s %03o in <%s %s>: per-directory umasks are not applied yet and this one is stricter than the %03o applied everywhere; refusing to start rather than create files more open than configured",
			name, m.Value, sc.Kind, sc.Path, applied)
		return
	}
	p.warnf(m.At, "%s in <%s %s>: not acted on yet, %03o applies everywhere", name, sc.Kind, sc.Path, applied)
}
