package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func sprintf(format string, args ...any) string {
	if len(args) == 0 {
		return format
	}
	return fmt.Sprintf(format, args...)
}

// errorf builds a value error; the directive walk prefixes the directive name and position.
func errorf(format string, args ...any) error { return errors.New(sprintf(format, args...)) }

// parseOnOff reads On or Off, in any case, as Apache's FLAG directives do.
func parseOnOff(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, errorf("%s is not On or Off", quoteName(s))
}

// parseUint reads a decimal integer in [lo, hi].
func parseUint(s string, lo, hi uint64, what string) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v < lo || v > hi {
		return 0, errorf("%s is not %s (%d to %d)", quoteName(s), what, lo, hi)
	}
	return v, nil
}

// parseSeconds reads a timeout in whole seconds, 1 to 86400.
func parseSeconds(s string) (time.Duration, error) {
	v, err := parseUint(s, 1, 86400, "a number of seconds")
	return time.Duration(v) * time.Second, err
}

// parsePort reads a port number; min is 0 where port 0 means "any" or "pick one".
func parsePort(s string, min uint64) (uint16, error) {
	v, err := parseUint(s, min, 65535, "a port number")
	return uint16(v), err
}

// parseRange reads a port range written as two arguments "lo hi", one "lo-hi", or one port.
func parseRange(args []string) (PortRange, error) {
	lo, hi := args[0], args[0]
	if len(args) == 2 {
		hi = args[1]
	} else if a, b, ok := strings.Cut(args[0], "-"); ok {
		lo, hi = a, b
	}
	l, err := parsePort(lo, 1)
	if err != nil {
		return PortRange{}, err
	}
	h, err := parsePort(hi, 1)
	if err != nil {
		return PortRange{}, err
	}
	if l > h {
		return PortRange{}, errorf("range %d-%d is empty (low port above high port)", l, h)
	}
	return PortRange{Lo: l, Hi: h}, nil
}

// parseUmask reads an octal mode mask, 0 to 0777.
func parseUmask(s string) (fs.FileMode, error) {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return 0, errorf("%s is not an octal umask (000 to 777)", quoteName(s))
	}
	return fs.FileMode(v), nil
}

// parseIP reads a literal IP address (IPv6 with or without brackets).
func parseIP(s string) (netip.Addr, error) {
	a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, errorf("%s is not an IP address", quoteName(s))
	}
	return a.Unmap(), nil
}

// parseMessage reads a message argument: text, or file:PATH.
func parseMessage(s string) (Message, error) {
	if rest, ok := cutPrefixFold(s, "file:"); ok {
		if rest == "" {
			return Message{}, errorf("file: names no file")
		}
		return Message{File: rest}, nil
	}
	return Message{Text: s}, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// parsePath checks a file or directory argument. Pipes and syslog targets are refused: ftpsd
// writes files only.
func parsePath(s string) (string, error) {
	switch {
	case s == "":
		return "", errorf("empty path")
	case strings.HasPrefix(s, "|"):
		return "", errorf("piped logs (%s) are not supported; write to a file and rotate it with SIGHUP", quoteName(abbrev(s)))
	case strings.HasPrefix(strings.ToLower(s), "syslog:") || strings.EqualFold(s, "syslog"):
		return "", errorf("syslog is not supported; write to a file")
	case strings.IndexByte(s, 0) >= 0:
		return "", errorf("path contains a NUL byte")
	}
	return s, nil
}

// resolve makes p absolute against root; "" stays "".
func resolve(root, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(root, p)
}

// parseHostName checks a host name (ServerName, ServerAlias): letters, digits, '-', '.', '_',
// and for aliases the wildcards * and ?.
func parseHostName(s string, wild bool) error {
	if s == "" || len(s) > 253 {
		return errorf("%s is not a host name", quoteName(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '.', c == '_':
		case wild && (c == '*' || c == '?'):
		case c == ':' && !wild: // an IPv6 literal as ServerName
		default:
			return errorf("%s is not a host name", quoteName(s))
		}
	}
	return nil
}

// ftpVerbs are the FTP commands <Limit> and <LimitExcept> may name.
var ftpVerbs = map[string]bool{}

func init() {
	for _, v := range strings.Fields(`USER PASS ACCT CWD XCWD CDUP XCUP PWD XPWD QUIT REIN PORT PASV
		EPRT EPSV TYPE STRU MODE RETR STOR STOU APPE ALLO REST RNFR RNTO ABOR DELE RMD XRMD MKD XMKD
		LIST NLST MLSD MLST SIZE MDTM MFMT FEAT OPTS SITE SYST STAT HELP NOOP AUTH PBSZ PROT CCC HOST`) {
		ftpVerbs[v] = true
	}
}

// httpMethods are refused in <Limit> with a hint: mod_ftp names FTP commands there.
var httpMethods = map[string]string{
	"GET": "RETR", "PUT": "STOR", "POST": "STOR", "DELETE": "DELE", "MKCOL": "MKD",
	"MOVE": "RNFR RNTO", "COPY": "", "HEAD": "SIZE", "OPTIONS": "FEAT", "PROPFIND": "LIST",
	"PATCH": "", "TRACE": "", "CONNECT": "", "LOCK": "", "UNLOCK": "", "PROPPATCH": "",
}

// canonicalVerb folds the X-variants of RFC 775 onto the commands they alias.
func canonicalVerb(v string) string {
	switch v {
	case "XCWD":
		return "CWD"
	case "XCUP":
		return "CDUP"
	case "XPWD":
		return "PWD"
	case "XRMD":
		return "RMD"
	case "XMKD":
		return "MKD"
	}
	return v
}

// parseVerbs reads the arguments of <Limit> or <LimitExcept>.
func parseVerbs(args []string) ([]string, error) {
	out := make([]string, 0, len(args))
	for _, a := range args {
		v := strings.ToUpper(a)
		if !ftpVerbs[v] {
			if alt, ok := httpMethods[v]; ok {
				if alt != "" {
					return nil, errorf("%s is an HTTP method; name FTP commands (%s)", quoteName(a), alt)
				}
				return nil, errorf("%s is an HTTP method; name FTP commands", quoteName(a))
			}
			return nil, errorf("%s is not an FTP command", quoteName(a))
		}
		out = append(out, canonicalVerb(v))
	}
	return out, nil
}

// CanonicalVerb returns an FTP command as <Limit> and <LimitExcept> name it: upper case, the
// X-variants folded (XMKD is MKD). internal/authz compiles Limit sections with it.
func CanonicalVerb(v string) string { return canonicalVerb(strings.ToUpper(v)) }
