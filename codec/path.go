package codec

import "path"

// Join resolves arg, a path from a command, against cwd, the session's
// current virtual directory, and returns a cleaned absolute virtual path
// (path.Clean rules on a path rooted at "/"): an absolute arg replaces cwd,
// a relative one is appended to it, ".." never climbs above "/", and an
// empty arg gives cwd. Only '/' separates names; a backslash is an ordinary
// byte of a name, as on the Unix file systems behind the server.
//
// Join works on strings only; the file system that checks the result (and
// refuses escaping symbolic links) lives in xfer. A cwd that is not absolute
// and clean is cleaned first, so the result always starts with "/".
func Join(cwd, arg string) string {
	if len(arg) > 0 && arg[0] == '/' {
		return path.Clean(arg)
	}
	if len(cwd) == 0 || cwd[0] != '/' {
		cwd = "/" + cwd
	}
	if arg == "" {
		return path.Clean(cwd)
	}
	return path.Clean(cwd + "/" + arg)
}
