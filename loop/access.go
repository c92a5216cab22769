package loop

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

// errDenied: the host's Authorizer refused the command on its path (550).
var errDenied = errors.New("loop: denied by the configuration")

// access is what an authorization check needs from a login, built once
// when the login succeeds (Session.acc) so that path commands take it as
// it is, and read-only from then on: workers run checks with it. A nil
// *access allows everything: the host has no Authorizer.
type access struct {
	az                     Authorizer
	user                   string
	view                   *fsys.FS
	prefix, root, realRoot string
}

// access returns the checker of a login as user, seeing view rooted at
// prefix under the host's Root; nil when the host has no Authorizer.
func (v *vhost) access(user string, view *fsys.FS, prefix string) *access {
	if v.Authorize == nil {
		return nil
	}
	return &access{az: v.Authorize, user: user, view: view, prefix: prefix, root: v.absRoot, realRoot: v.realRoot}
}

// check asks the Authorizer twice: for the path as named, and for the path
// with its symbolic links resolved by the kernel through the root
// (fsys.Resolve). Apache matches <Directory> against the path as named
// only, so a link inside the tree (pub/p -> ../private) would lead around a
// rule written for private; here both must be allowed.
func (a *access) check(verb, vpath string) error {
	if a == nil {
		return nil
	}
	if fsPath, hv := hostPaths(a.root, a.prefix, vpath); !a.az.Allow(verb, a.user, fsPath, hv) {
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

// hostPaths maps vpath, a path of a login's view rooted at prefix under the
// host's Root (absolute: root), to the paths the host's Authorizer and
// Readme take: the file, and its virtual path from the host's Root.
func hostPaths(root, prefix, vpath string) (fsPath, virtualPath string) {
	virtualPath = path.Join("/", prefix, vpath)
	return filepath.Join(root, filepath.FromSlash(virtualPath)), virtualPath
}
