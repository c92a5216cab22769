package loop

import (
	"crypto/tls"
	"fmt"
	"io/fs"
	"net/netip"
	"path"
	"path/filepath"
	"strings"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/loop/auth"
	"github.com/ftpsd/ftpsd/loop/ftplog"
	"github.com/ftpsd/ftpsd/xfer/fsys"
)

// Host is one FTP server a listener can serve: a virtual host in Apache's
// terms. Config's own fields of the same names make the default host; more
// come from Config.VirtualHosts, chosen by the address a connection reached
// (Config.Route) and then by name, with HOST (RFC 7151) or USER user@host.
// The zero value works as Config's fields do.
type Host struct {
	// Names are the names HOST and USER user@host select this host by
	// (ServerName and ServerAlias), compared without regard to case; * and
	// ? match as in path.Match.
	Names []string

	Root                string
	FileUmask, DirUmask fs.FileMode
	SetUmask            bool
	Auth                auth.Authenticator
	// Authorize, when set, narrows what logged-in users may do per path
	// and command: Apache's Require inside <Directory>, <Location> and
	// <Limit>. It can only take away: anonymous logins stay read-only.
	Authorize Authorizer
	// HomeDir, when set, is a virtual path under Root; a named user's home
	// is HomeDir/<user>, where the session starts (mod_ftp's FTPHomeDir).
	// Anonymous logins start at "/".
	HomeDir string
	// Jail makes a named user's home its root: nothing outside it is
	// reachable (FTPJailUser). A user whose home does not exist cannot log
	// in. Without HomeDir it has no effect.
	Jail bool

	PasvMin, PasvMax uint16
	PasvAddr         netip.Addr
	// PasvBindAddr, when valid, is the local address passive listeners
	// bind to instead of the control connection's (FTPPASVbindaddr).
	PasvBindAddr netip.Addr
	// ActiveMin..ActiveMax are the local ports active (PORT/EPRT) data
	// connections leave from (FTPActiveRange); zero lets the kernel choose.
	ActiveMin, ActiveMax uint16
	// EPSVIgnoreFamily answers "EPSV 1" or "EPSV 2" naming the other
	// address family as a plain EPSV, instead of 522
	// (FTPEPSVIgnoreFamily, on by default in mod_ftp).
	EPSVIgnoreFamily bool

	Banner, ExitMessage string
	// Readme, when set, gives the message shown with the 250 reply to CWD
	// (mod_ftp's FTPReadmeMessage) for the directory entered: literal
	// text, or the name of a file, relative names being looked up in that
	// directory. It runs on a worker, with the paths Authorizer.Allow gets.
	Readme func(fsPath, virtualPath string) (text, file string)

	TLS                   *tls.Config
	RequireTLS            bool
	AllowDataWithoutReuse bool

	Log        *ftplog.Logger
	ServerName string

	// Options are mod_ftp's FTPOptions that change replies.
	Options HostOptions
}

// HostOptions are the FTPOptions flags that change what commands answer.
type HostOptions struct {
	NLSTHideDirs     bool // NLST names files only (mod_ftp's default, unless NLSTShowDirs)
	NLSTIsLIST       bool // NLST answers as LIST does
	LISTIsNLST       bool // LIST answers as NLST does
	NoUTF8Feature    bool // FEAT does not announce UTF8
	RemoveUserGroup  bool // LIST lines carry no owner and group columns
	StripHostname    bool // USER user@host logs in as user
	VirtualHostLogin bool // USER user@host selects the host named host, then logs in as user
}

// Authorizer decides per command and path; see Host.Authorize. Allow runs
// on a worker, once for the path as named and once for the path with its
// symbolic links resolved: a command is allowed only when both are.
type Authorizer interface {
	// Allow reports whether user (the login name; "anonymous" for every
	// anonymous login, whichever of the anonymous names it gave) may run
	// verb (an FTP command in upper case) on the file fsPath, which
	// virtualPath names relative to the host's Root.
	Allow(verb, user, fsPath, virtualPath string) bool
}

// Route picks the hosts a connection reaches by the listener that accepted
// it (an index into Config.Listeners) and the local address it reached;
// see Config.Route. A nil *Host in the result stands for the default host.
type Route func(listener int, local netip.AddrPort) []*Host

// DefaultHost returns the host made of Config's own fields, as a Host to
// list in another Config's VirtualHosts.
func (c *Config) DefaultHost() *Host {
	return &Host{
		Root: c.Root, FileUmask: c.FileUmask, DirUmask: c.DirUmask, SetUmask: c.SetUmask,
		Auth: c.Auth, Authorize: c.Authorize, HomeDir: c.HomeDir, Jail: c.Jail,
		PasvMin: c.PasvMin, PasvMax: c.PasvMax, PasvAddr: c.PasvAddr, PasvBindAddr: c.PasvBindAddr,
		EPSVIgnoreFamily: c.EPSVIgnoreFamily, ActiveMin: c.ActiveMin, ActiveMax: c.ActiveMax, Banner: c.Banner, ExitMessage: c.ExitMessage, Readme: c.Readme,
		TLS: c.TLS, RequireTLS: c.RequireTLS, AllowDataWithoutReuse: c.AllowDataWithoutReuse,
		Log: c.Log, ServerName: c.ServerName, Names: c.Names, Options: c.Options,
	}
}

// vhost is a Host with what the server prepared for it.
type vhost struct {
	*Host
	fsAnon   *fsys.FS // read-only view for anonymous users
	fsUser   *fsys.FS // read-write view for named users
	absRoot  string   // Root made absolute, for Authorize
	realRoot string   // Root with its symbolic links resolved, for Authorize
	greeting []byte   // the 220 reply, built once
	names    []string // Names in lower case, built once for matches
}

func openHost(h *Host) (*vhost, error) {
	v := &vhost{Host: h}
	root := h.root()
	var err error
	if v.fsUser, err = fsys.Open(root, h.fsOptions(false)); err != nil {
		return nil, fmt.Errorf("loop: document root: %w", err)
	}
	if v.fsAnon, err = fsys.Open(root, h.fsOptions(true)); err != nil {
		v.fsUser.Close()
		return nil, fmt.Errorf("loop: document root: %w", err)
	}
	if v.absRoot, err = filepath.Abs(root); err == nil {
		v.realRoot, err = filepath.EvalSymlinks(v.absRoot)
	}
	if err != nil {
		v.close()
		return nil, fmt.Errorf("loop: document root: %w", err)
	}
	v.greeting = codec.AppendReply(nil, codec.CodeServiceReady, h.banner())
	v.names = make([]string, len(h.Names))
	for i, n := range h.Names {
		v.names[i] = strings.ToLower(n)
	}
	return v, nil
}

func (v *vhost) close() {
	v.fsUser.Close()
	v.fsAnon.Close()
}

// matches reports whether name (from HOST or user@host) names the host.
func (v *vhost) matches(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	for _, n := range v.names {
		if n == name {
			return true
		}
		if ok, err := path.Match(n, name); err == nil && ok {
			return true
		}
	}
	return false
}

func (h *Host) root() string {
	if h.Root == "" {
		return "."
	}
	return h.Root
}

func (h *Host) fsOptions(readOnly bool) fsys.Options {
	return fsys.Options{FileUmask: h.FileUmask, DirUmask: h.DirUmask, SetUmask: h.SetUmask, ReadOnly: readOnly}
}

func (h *Host) banner() string {
	if h.Banner == "" {
		return defaultBanner
	}
	return h.Banner
}

func (h *Host) exitMessage() string {
	if h.ExitMessage == "" {
		return defaultExitMessage
	}
	return h.ExitMessage
}
