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
//
// The check asks twice: for the path as named, and for the path with its
// symbolic links resolved by the kernel through the root (fsys.Resolve).
// Apache matches <Directory> against the path as named only, so a link
// inside the tree (pub/p -> ../private) would lead around a rule written
// for private; here both must be allowed.
func (s *Session) guard(vpath string) func() error {
	az := s.host.Authorize
	if az == nil {
		return nil
	}
	verb, user, view, prefix := s.verb, s.ident.User, s.fs, s.viewPrefix
	root, realRoot := s.host.absRoot, s.host.realRoot
	return func() error {
		hv := path.Join("/", prefix, vpath)
		if !az.Allow(verb, user, filepath.Join(root, filepath.FromSlash(hv)), hv) {
			return errDenied
		}
		real, err := view.Resolve(vpath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // nothing there to lead elsewhere: the command fails on its own
		case err != nil:
			return err
		}
		rel, err := filepath.Rel(realRoot, real)
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return fsys.ErrEscape
		}
		if !az.Allow(verb, user, real, path.Join("/", filepath.ToSlash(rel))) {
			return errDenied
		}
		return nil
	}
}

// allowed runs a guard; nil allows.
func allowed(check func() error) error {
	if check == nil {
		return nil
	}
	return check()
}
