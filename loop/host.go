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
	"github.com/ftpsd/ftpsd/internal/auth"
	"github.com/ftpsd/ftpsd/internal/fsys"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// Host is one FTP server a listener can serve: a virtual host in Apache's
// terms. Config embeds the default host; more come from
// Config.VirtualHosts, chosen by the address a connection reached
// (Config.Route) and then by name, with HOST (RFC 7151) or USER user@host.
// The zero value works: every field has a default, and the server never
// modifies the caller's Host.
type Host struct {
	// Names are the names HOST and USER user@host select this host by
	// (ServerName and ServerAlias), compared without regard to case; * and
	// ? match as in path.Match.
	Names []string

	// Root is the document root. Default: the current directory.
	Root string
	// FileUmask and DirUmask apply to new files and directories when
	// SetUmask is true; otherwise both are 022.
	FileUmask, DirUmask fs.FileMode
	SetUmask            bool

	// Auth checks logins. Nil means nobody can log in.
	Auth auth.Authenticator
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

	// PasvMin..PasvMax is the passive port range. Zero means any free port.
	PasvMin, PasvMax uint16
	// PasvAddr, when valid, is the address announced in 227 replies instead
	// of the control connection's local address (masquerading behind NAT).
	PasvAddr netip.Addr
	// PasvAddrFor, tried in order before PasvAddr, announce another
	// address to the clients of some networks (pasvaddr.go).
	PasvAddrFor []PasvAddrRule
	// PasvAddrFunc, when set, gives the address to announce instead of
	// PasvAddr (an address resolved from a DNS name and refreshed off the
	// loop). It runs on the event loop and must not block: load an atomic.
	// An invalid answer falls back to PasvAddr.
	PasvAddrFunc func() netip.Addr
	// PasvAnnounceMin, when set with PasvMin..PasvMax, is the port 227 and
	// 229 replies announce for PasvMin; the others follow in order, for a
	// balancer that maps ports (pasvaddr.go).
	PasvAnnounceMin uint16
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

	// Banner is the text of the 220 greeting. Default "ftpsd ready.".
	Banner string
	// ExitMessage is the text of the 221 reply to QUIT. Default "Goodbye.".
	ExitMessage string
	// Readme, when set, gives the message shown with the 250 reply to CWD
	// (mod_ftp's FTPReadmeMessage) for the directory entered: literal
	// text, or the name of a file, relative names being looked up in that
	// directory. It runs on a worker, with the paths Authorizer.Allow gets.
	Readme func(fsPath, virtualPath string) (text, file string)

	// TLS, when set, enables AUTH TLS; a connection on an implicit
	// listener needs it on the host it reaches. Build it with tlsstate.BaseConfig: every control and
	// data config is cloned from it and shares its session-ticket key. Set
	// ClientCAs and ClientAuth on it to ask for client certificates.
	TLS *tls.Config
	// RequireTLS refuses USER, PASS and every command that needs a login
	// until TLS is up (530), refuses PROT C (534), refuses CCC (534) and
	// refuses transfers on a clear data connection (521): mod_ftp's
	// RequireSSL.
	RequireTLS bool
	// TLSReuse is which TLS session a PROT P data connection must resume,
	// else 522 (tlsreuse.go). The zero value, ReuseUser, accepts any open
	// session of the same user from the same client address.
	TLSReuse ReusePolicy
	// AllowDataWithoutReuse, when true, overrides TLSReuse with
	// ReuseOptional. It predates TLSReuse and is kept for callers that
	// set it.
	AllowDataWithoutReuse bool

	// Log receives the command and transfer logs (CustomLog). Nil logs
	// nothing. Its methods never block, so the loop calls them directly.
	Log *ftplog.Logger
	// ServerName names the server in the logs (%v). Default: none.
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
// it (an index into Config.Listeners, found by the address and port the
// connection reached, a wildcard listener taking the other addresses of
// its port; -1 if none matches) and the local address it reached; see
// Config.Route. A nil *Host in the result stands for the default host.
type Route func(listener int, local netip.AddrPort) []*Host

// DefaultHost returns a copy of the default host (Config.Host), to list
// in another Config's VirtualHosts.
func (c *Config) DefaultHost() *Host {
	h := c.Host
	return &h
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
	gen      *routing // the generation of hosts this one belongs to (reload.go); nil in tests that build a vhost
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

// matches reports whether name (from HOST or user@host, through
// hostKey) names the host.
func (v *vhost) matches(name string) bool {
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

// hostKey is a name as matches compares it: lower case, without the
// root's trailing dot.
func hostKey(name string) string {
	return strings.ToLower(strings.TrimSuffix(name, "."))
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
		return DefaultBanner
	}
	return h.Banner
}

func (h *Host) exitMessage() string {
	if h.ExitMessage == "" {
		return DefaultExitMessage
	}
	return h.ExitMessage
}
