package loop

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/xfer/fsys"
)

// errDenied: the host's Authorizer refused the command on its path (550).
var errDenied = errors.New("loop: denied by the configuration")

// guard returns the authorization check of the current command on vpath,
// a path of the session's view, to run on the worker before the job
// touches the path; nil when the host has no Authorizer.
func (s *Session) guard(vpath string) func() error {
	a := s.access()
	if a == nil {
		return nil
	}
	verb := s.verb
	return func() error { return a.check(verb, vpath) }
}

// access is what an authorization check needs from the session, taken on
// the loop so that a worker can run the check.
type access struct {
	az                     Authorizer
	user                   string
	view                   *fsys.FS
	prefix, root, realRoot string
}

// access returns the session's checker, or nil when the host has no
// Authorizer.
func (s *Session) access() *access {
	if s.host.Authorize == nil {
		return nil
	}
	return &access{az: s.host.Authorize, user: s.ident.User, view: s.fs, prefix: s.viewPrefix,
		root: s.host.absRoot, realRoot: s.host.realRoot}
}

// check asks the Authorizer twice: for the path as named, and for the path
// with its symbolic links resolved by the kernel through the root
// (fsys.Resolve). Apache matches <Directory> against the path as named
// only, so a link inside the tree (pub/p -> ../private) would lead around a
// rule written for private; here both must be allowed.
func (a *access) check(verb, vpath string) error {
	hv := path.Join("/", a.prefix, vpath)
	if !a.az.Allow(verb, a.user, filepath.Join(a.root, filepath.FromSlash(hv)), hv) {
		return errDenied
	}
	real, err := a.view.Resolve(vpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // nothing there to lead elsewhere: the command fails on its own
	case err != nil:
		return err
	}
	rel, err := filepath.Rel(a.realRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fsys.ErrEscape
	}
	if !a.az.Allow(verb, a.user, real, path.Join("/", filepath.ToSlash(rel))) {
		return errDenied
	}
	return nil
}

// allowed runs a guard; nil allows.
func allowed(check func() error) error {
	if check == nil {
		return nil
	}
	return check()
}
