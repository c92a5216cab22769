package authz

import (
	"path"
	"slices"
	"strings"

	"github.com/tg123/go-htpasswd"

	"github.com/ftpsd/ftpsd/internal/config"
)

// Authorizer decides per command and path for one server; see Compile. The zero value allows
// everything. Its methods may be called from any goroutine.
type Authorizer struct {
	base *section   // the server's own settings (config.Server.Dir); nil without
	dirs []*section // <Directory> sections, fewest components first, file order among equals
	locs []*section // <Location> sections, in file order
	// groups are the AuthGroupFile files, by path, read at Compile.
	groups map[string]*htpasswd.HTGroup
}

// section is one compiled <Directory> or <Location> section, or the server's own settings.
type section struct {
	pattern []string // the section path's components; each may hold * ? [...]
	literal []bool   // per component: no wildcard, so it matches by equality only

	authz  bool     // the section has Require lines, itself or in a <Limit>
	rules  []rule   // Require lines outside any <Limit>
	limits []*limit // <Limit> and <LimitExcept> sections

	groupFile    string // AuthGroupFile, when hasGroupFile
	hasGroupFile bool
}

// limit is one compiled <Limit> or <LimitExcept>.
type limit struct {
	except bool
	verbs  map[string]struct{} // canonical verbs (config.CanonicalVerb)
	rules  []rule
}

// covers reports whether the limit applies to a canonical verb.
func (l *limit) covers(verb string) bool {
	_, named := l.verbs[verb]
	return named != l.except
}

// rule is one compiled Require line.
type rule struct {
	kind  config.RequireKind
	names map[string]struct{} // users or groups, for RequireUser and RequireGroup
}

// Compile builds the Authorizer of srv, an effective server (config.Config.Servers or Match).
// It returns nil when no section of srv has a Require line: every logged-in user may then do
// what its account allows, and no check need run. The errors are the AuthGroupFile files that
// cannot be read, each at its directive; the Authorizer is still returned, and treats their
// groups as empty. Runs at start-up only.
func Compile(srv *config.Server) (*Authorizer, []*config.Error) {
	a := &Authorizer{groups: map[string]*htpasswd.HTGroup{}}
	var errs []*config.Error
	any := false
	add := func(sc *config.Scope) *section {
		s := compileScope(sc)
		any = any || s.authz
		if gf := sc.AuthGroupFile; gf.Set {
			if _, done := a.groups[gf.Value]; !done {
				g, err := htpasswd.NewGroups(gf.Value, nil)
				if err != nil {
					errs = append(errs, &config.Error{Pos: gf.At, Msg: "AuthGroupFile: " + err.Error(), Kind: config.ErrValue, Err: err})
					g = nil
				}
				a.groups[gf.Value] = g // nil when unreadable: no one is in its groups
			}
		}
		return s
	}
	if srv.Dir != nil {
		a.base = add(srv.Dir)
	}
	for _, d := range srv.Directories {
		a.dirs = append(a.dirs, add(d))
	}
	// Access merges Directory sections shortest path first, file order among equals.
	slices.SortStableFunc(a.dirs, func(x, y *section) int { return len(x.pattern) - len(y.pattern) })
	for _, l := range srv.Locations {
		a.locs = append(a.locs, add(l))
	}
	if !any {
		return nil, errs
	}
	return a, errs
}

func compileScope(sc *config.Scope) *section {
	s := &section{authz: sc.HasAuthz(), rules: compileRules(sc.Require)}
	s.groupFile, s.hasGroupFile = sc.AuthGroupFile.Value, sc.AuthGroupFile.Set
	if sc.Kind != config.ScopeServer {
		s.pattern = split(sc.Path)
		s.literal = make([]bool, len(s.pattern))
		for i, c := range s.pattern {
			s.literal[i] = !strings.ContainsAny(c, `*?[\`)
		}
	}
	for _, l := range sc.Limits {
		cl := &limit{except: l.Except, verbs: map[string]struct{}{}, rules: compileRules(l.Require)}
		for _, v := range l.Verbs {
			cl.verbs[config.CanonicalVerb(v)] = struct{}{}
		}
		s.limits = append(s.limits, cl)
	}
	return s
}

func compileRules(reqs []config.Require) []rule {
	out := make([]rule, len(reqs))
	for i, r := range reqs {
		out[i] = rule{kind: r.Kind}
		if len(r.Names) > 0 {
			out[i].names = make(map[string]struct{}, len(r.Names))
			for _, n := range r.Names {
				out[i].names[n] = struct{}{}
			}
		}
	}
	return out
}

// Allow reports whether user ("" before login; "anonymous" for every anonymous login) may run
// verb on fsPath, the file that virtualPath names: Apache 2.4's rules, as config.Server.Access
// followed by config.Scope.Allows decide them. The Require lines of the last matching section
// that has any are in force (the server's own, then Directory sections shortest first, then
// Location sections); several lines form an implicit RequireAny; a verb no line applies to is
// allowed. Runs on a worker; it reads nothing from disk.
func (a *Authorizer) Allow(verb, user, fsPath, virtualPath string) bool {
	if a == nil {
		return true
	}
	var inForce *section
	groupFile, hasGroupFile := "", false
	visit := func(s *section) {
		if s.authz {
			inForce = s
		}
		if s.hasGroupFile {
			groupFile, hasGroupFile = s.groupFile, true
		}
	}
	if a.base != nil {
		visit(a.base)
	}
	if len(a.dirs) > 0 {
		parts := split(path.Clean("/" + fsPath))
		for _, d := range a.dirs {
			if d.contains(parts) {
				visit(d)
			}
		}
	}
	if len(a.locs) > 0 {
		parts := split(path.Clean("/" + virtualPath))
		for _, l := range a.locs {
			if l.contains(parts) {
				visit(l)
			}
		}
	}
	if inForce == nil {
		return true
	}
	var group *htpasswd.HTGroup
	if hasGroupFile {
		group = a.groups[groupFile]
	}
	verb = config.CanonicalVerb(verb)
	applied := false
	grants := func(rules []rule) bool {
		for _, r := range rules {
			applied = true
			if r.grants(user, group) {
				return true
			}
		}
		return false
	}
	if grants(inForce.rules) {
		return true
	}
	for _, l := range inForce.limits {
		if l.covers(verb) && grants(l.rules) {
			return true
		}
	}
	return !applied
}

// contains reports whether the section's path holds the path split into parts: equal to it or
// to a leading run of its components, wildcards matching within one component.
func (s *section) contains(parts []string) bool {
	if len(s.pattern) > len(parts) {
		return false
	}
	for i, c := range s.pattern {
		if c == parts[i] {
			continue
		}
		if s.literal[i] {
			return false
		}
		if ok, err := path.Match(c, parts[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

// grants reports whether the Require line admits user, with group answering membership.
func (r rule) grants(user string, group *htpasswd.HTGroup) bool {
	switch r.kind {
	case config.RequireAllGranted:
		return true
	case config.RequireValidUser:
		return user != ""
	case config.RequireUser:
		_, ok := r.names[user]
		return user != "" && ok
	case config.RequireGroup:
		if user == "" || group == nil {
			return false
		}
		for g := range r.names {
			if group.IsUserInGroup(user, g) {
				return true
			}
		}
	}
	return false
}

func split(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
