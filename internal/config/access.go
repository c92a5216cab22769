package config

import (
	"io/fs"
	"path"
	"slices"
	"strings"
)

// ScopeKind says which section a Scope comes from.
type ScopeKind uint8

const (
	ScopeServer    ScopeKind = iota // a server's own per-directory settings (Server.Dir)
	ScopeDirectory                  // <Directory path>: matched against file-system paths
	ScopeLocation                   // <Location path>: matched against the virtual (URL) path
)

func (k ScopeKind) String() string {
	return [...]string{"server", "Directory", "Location"}[k]
}

// AuthType is the value of AuthType.
type AuthType uint8

const (
	AuthBasic AuthType = iota + 1 // user and password checked by AuthBasicProvider
	AuthNone                      // no authentication (cancels an inherited AuthType)
)

func (a AuthType) String() string {
	switch a {
	case AuthBasic:
		return "Basic"
	case AuthNone:
		return "None"
	}
	return ""
}

// Provider is an AuthBasicProvider.
type Provider string

const (
	ProviderFile Provider = "file" // mod_authn_file: AuthUserFile, an htpasswd file
	ProviderAnon Provider = "anon" // mod_authn_anon: the Anonymous user names
)

// Scope is a set of per-directory settings: a <Directory> or <Location> section, or a server's
// own (Server.Dir). The scope in force for a path is the merge of every section that matches
// it; see Server.Access.
type Scope struct {
	Kind ScopeKind
	Path string // absolute file-system path (Directory) or virtual path (Location)
	At   Pos

	AuthType          Opt[AuthType]
	AuthName          Opt[string]
	AuthBasicProvider Opt[[]Provider] // default [file]
	AuthUserFile      Opt[string]     // absolute
	AuthGroupFile     Opt[string]     // absolute
	// Anonymous are the user names mod_authn_anon accepts, compared without regard to case;
	// "*" accepts any name.
	Anonymous              Opt[[]string]
	AnonymousMustGiveEmail Opt[bool] // Anonymous_MustGiveEmail, default On
	AnonymousNoUserID      Opt[bool] // Anonymous_NoUserID, default Off
	AnonymousLogEmail      Opt[bool] // Anonymous_LogEmail, default On
	AnonymousVerifyEmail   Opt[bool] // Anonymous_VerifyEmail, default Off

	// Require are the Require lines outside any <Limit>; they apply to every command.
	Require []Require
	// Limits are the <Limit> and <LimitExcept> sections; their Require lines apply to the
	// commands they name (Limit) or to every other command (LimitExcept).
	Limits []*Limit

	FTPUmask         Opt[fs.FileMode] // default DefaultUmask
	FTPDirUmask      Opt[fs.FileMode] // default DefaultDirUmask
	FTPReadmeMessage Opt[Message]     // a relative file: name is looked up in the directory entered
}

// Limit is a <Limit VERB ...> or <LimitExcept VERB ...> section.
type Limit struct {
	At     Pos
	Except bool     // LimitExcept
	Verbs  []string // FTP commands in upper case, X-variants folded (XMKD is MKD)
	// Require are the Require lines inside the section.
	Require []Require
}

// covers reports whether the limit applies to verb (upper case, canonical).
func (l *Limit) covers(verb string) bool {
	return slices.Contains(l.Verbs, verb) != l.Except
}

// RequireKind is the kind of a Require line.
type RequireKind uint8

const (
	RequireValidUser  RequireKind = iota // Require valid-user: any authenticated user, anonymous included
	RequireUser                          // Require user name...
	RequireGroup                         // Require group name... (AuthGroupFile)
	RequireAllGranted                    // Require all granted
	RequireAllDenied                     // Require all denied
)

// Require is one Require line.
type Require struct {
	At    Pos
	Kind  RequireKind
	Names []string // users or groups, for RequireUser and RequireGroup
}

// Grants reports whether the requirement admits user ("" when nobody is logged in). inGroup
// answers group membership from AuthGroupFile; it may be nil when no RequireGroup is used.
func (r Require) Grants(user string, inGroup func(group string) bool) bool {
	switch r.Kind {
	case RequireAllGranted:
		return true
	case RequireAllDenied:
		return false
	case RequireValidUser:
		return user != ""
	case RequireUser:
		return user != "" && slices.Contains(r.Names, user)
	case RequireGroup:
		if user == "" || inGroup == nil {
			return false
		}
		return slices.ContainsFunc(r.Names, inGroup)
	}
	return false
}

// Requirements returns the Require lines that apply to the FTP command verb (any case; XMKD is
// MKD and so on): those outside any Limit, and those of the Limit and LimitExcept sections that
// cover verb.
func (sc *Scope) Requirements(verb string) []Require {
	verb = canonicalVerb(strings.ToUpper(verb))
	out := slices.Clone(sc.Require)
	for _, l := range sc.Limits {
		if l.covers(verb) {
			out = append(out, l.Require...)
		}
	}
	return out
}

// Allows applies Apache 2.4's authorization to verb: several Require lines form an implicit
// RequireAny, so the command is allowed when any applicable line grants it; when no line
// applies (no Require at all, or only Limits that do not cover verb) it is allowed, as Apache
// allows a method no Require names. Authentication is the caller's: user is the logged-in name
// (the anonymous name for an anonymous login), "" before login.
//
// The server does not call it: internal/authz compiles the same rules into
// plain data at start-up. It stays as the reference that authz's tests
// compare their decisions with.
func (sc *Scope) Allows(verb, user string, inGroup func(group string) bool) bool {
	reqs := sc.Requirements(verb)
	if len(reqs) == 0 {
		return true
	}
	for _, r := range reqs {
		if r.Grants(user, inGroup) {
			return true
		}
	}
	return false
}

// Providers returns AuthBasicProvider, default [file].
func (sc *Scope) Providers() []Provider {
	return sc.AuthBasicProvider.Or([]Provider{ProviderFile})
}

// Umask is FTPUmask, default DefaultUmask.
func (sc *Scope) Umask() fs.FileMode { return sc.FTPUmask.Or(DefaultUmask) }

// DirUmask is FTPDirUmask, default DefaultDirUmask.
func (sc *Scope) DirUmask() fs.FileMode { return sc.FTPDirUmask.Or(DefaultDirUmask) }

// MustGiveEmail is Anonymous_MustGiveEmail, default on.
func (sc *Scope) MustGiveEmail() bool { return sc.AnonymousMustGiveEmail.Or(true) }

// NoUserID is Anonymous_NoUserID, default off.
func (sc *Scope) NoUserID() bool { return sc.AnonymousNoUserID.Or(false) }

// LogEmail is Anonymous_LogEmail, default on.
func (sc *Scope) LogEmail() bool { return sc.AnonymousLogEmail.Or(true) }

// VerifyEmail is Anonymous_VerifyEmail, default off.
func (sc *Scope) VerifyEmail() bool { return sc.AnonymousVerifyEmail.Or(false) }

// HasAuthz reports whether the scope has Require lines anywhere, itself or in its <Limit>s; in a
// section that merges, they replace the inherited ones (Apache's AuthMerging Off, the default).
func (sc *Scope) HasAuthz() bool {
	if len(sc.Require) > 0 {
		return true
	}
	for _, l := range sc.Limits {
		if len(l.Require) > 0 {
			return true
		}
	}
	return false
}

// mergeFrom lays src's settings over sc's: every setting src sets wins; src's Require lines, if
// it has any, replace sc's (with its Limits).
func (sc *Scope) mergeFrom(src *Scope) {
	overlay(&sc.AuthType, src.AuthType)
	overlay(&sc.AuthName, src.AuthName)
	overlay(&sc.AuthBasicProvider, src.AuthBasicProvider)
	overlay(&sc.AuthUserFile, src.AuthUserFile)
	overlay(&sc.AuthGroupFile, src.AuthGroupFile)
	overlay(&sc.Anonymous, src.Anonymous)
	overlay(&sc.AnonymousMustGiveEmail, src.AnonymousMustGiveEmail)
	overlay(&sc.AnonymousNoUserID, src.AnonymousNoUserID)
	overlay(&sc.AnonymousLogEmail, src.AnonymousLogEmail)
	overlay(&sc.AnonymousVerifyEmail, src.AnonymousVerifyEmail)
	if src.HasAuthz() {
		sc.Require = src.Require
		sc.Limits = src.Limits
	}
	overlay(&sc.FTPUmask, src.FTPUmask)
	overlay(&sc.FTPDirUmask, src.FTPDirUmask)
	overlay(&sc.FTPReadmeMessage, src.FTPReadmeMessage)
}

// Access returns the per-directory settings in force for a file-system path and the virtual
// path that names it (the path the client sees, "/" being DocumentRoot), merged as Apache
// merges them: the server's own settings, then the <Directory> sections that contain fsPath,
// shortest path first (file order among equals), then the <Location> sections that contain
// virtualPath, in file order. A section contains a path when its path is a prefix of it ending at
// a "/" boundary; * ? and [...] in a section path match within one path component. Call it on an
// effective server (Servers, Match), which includes the main server's sections. The result is
// a new Scope the caller may keep; its slices are shared and must not be modified.
func (s *Server) Access(fsPath, virtualPath string) *Scope {
	out := &Scope{Kind: ScopeServer}
	if s.Dir != nil {
		*out = *s.Dir
	}
	dirs := make([]*Scope, 0, len(s.Directories))
	for _, d := range s.Directories {
		if pathContains(d.Path, fsPath) {
			dirs = append(dirs, d)
		}
	}
	slices.SortStableFunc(dirs, func(a, b *Scope) int { return components(a.Path) - components(b.Path) })
	for _, d := range dirs {
		out.mergeFrom(d)
	}
	for _, l := range s.Locations {
		if pathContains(l.Path, virtualPath) {
			out.mergeFrom(l)
		}
	}
	return out
}

// pathContains reports whether the section path pattern contains p: equal to p or to a leading
// run of its components, matching wildcards within components.
func pathContains(pattern, p string) bool {
	pat := splitPath(pattern)
	parts := splitPath(path.Clean("/" + p))
	if len(pat) > len(parts) {
		return false
	}
	for i, c := range pat {
		if c == parts[i] {
			continue
		}
		if ok, err := path.Match(c, parts[i]); err != nil || !ok {
			return false
		}
	}
	return true
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func components(p string) int { return len(splitPath(p)) }
