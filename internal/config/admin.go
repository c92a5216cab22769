package config

import "net"

// adminAddr sets the admin listener's host:port (FTPAdminListen). The
// host must be given (an empty one would listen on every address); whether
// it may be a non-loopback one is internal/admin's rule, applied at
// start-up with FTPAdminAllowRemote.
func adminAddr(get func(*Server) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		host, port, err := net.SplitHostPort(n.args[0])
		switch {
		case err != nil:
			return errorf("%q is not host:port", n.args[0])
		case host == "":
			return errorf("%q names no host: give an address, such as 127.0.0.1:9121", n.args[0])
		case port == "":
			return errorf("%q names no port", n.args[0])
		}
		*get(p.srv) = setOpt(n.args[0], n.pos)
		return nil
	}
}
