package xfer

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

// ErrDenied: the host's Authorizer refused the command on its path (550).
var ErrDenied = errors.New("xfer: denied by the configuration")

// Authorizer decides per command and path. Allow runs on a worker, once
// for the path as named and once for the path with its symbolic links
// resolved: a command is allowed only when both are. loop.Authorizer has
// the same method set, so a host's Authorizer is one of these.
type Authorizer interface {
	Allow(verb, user, fsPath, virtualPath string) bool
}

// Access is what an authorization check needs from a login, built on the
// loop once when the login succeeds and read-only from then on, so that
// every job of the session can take it as it is. A nil *Access allows
// everything: the host has no Authorizer.
type Access struct {
	Authorizer Authorizer
	User       string   // the login name the Authorizer sees
	View       *fsys.FS // the login's rooted file system
	Prefix     string   // where View is rooted, as a path under the host's Root ("" unless jailed)
	Root       string   // the host's Root, absolute
	RealRoot   string   // Root with its symbolic links resolved
}

// Check asks the Authorizer twice: for the path as named, and for the path
// with its symbolic links resolved by the kernel through the root
// (fsys.Resolve). Apache matches <Directory> against the path as named
// only, so a link inside the tree (pub/p -> ../private) would lead around a
// rule written for private; here both must be allowed. Runs on a worker:
// resolving the path reads the disk.
func (a *Access) Check(verb, vpath string) error {
	if a == nil {
		return nil
	}
	if fsPath, hv := HostPaths(a.Root, a.Prefix, vpath); !a.Authorizer.Allow(verb, a.User, fsPath, hv) {
		return ErrDenied
	}
	real, err := a.View.Resolve(vpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // nothing there to lead elsewhere: the command fails on its own
	case err != nil:
		return err
	}
	rel, err := filepath.Rel(a.RealRoot, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return fsys.ErrEscape
	}
	if !a.Authorizer.Allow(verb, a.User, real, path.Join("/", filepath.ToSlash(rel))) {
		return ErrDenied
	}
	return nil
}

// HostPaths maps vpath, a path of a login's view rooted at prefix under the
// host's Root (absolute: root), to the paths the host's Authorizer and
// Readme take: the file, and its virtual path from the host's Root. It is
// pure string work.
func HostPaths(root, prefix, vpath string) (fsPath, virtualPath string) {
	virtualPath = path.Join("/", prefix, vpath)
	return filepath.Join(root, filepath.FromSlash(virtualPath)), virtualPath
}
