package loop

import (
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/xfer"
)

// access is what an authorization check needs from a login (Session.acc):
// jobs take it as it is and run the check on their worker
// (xfer.Access.Check). A nil *access allows everything: the host has no
// Authorizer.
type access = xfer.Access

// access returns the checker of a login as user, seeing view rooted at
// prefix under the host's Root; nil when the host has no Authorizer. It
// only copies values: the loop builds it once when the login succeeds.
func (v *vhost) access(user string, view *fsys.FS, prefix string) *access {
	if v.Authorize == nil {
		return nil
	}
	return &xfer.Access{Authorizer: v.Authorize, User: user, View: view, Prefix: prefix, Root: v.absRoot,
		RealRoot: v.realRoot}
}
