package config

import (
	"strconv"
	"strings"
	"time"
)

// ftpsd's own directives for the limits mod_ftp has no directive for:
// bandwidth (FTPRateLimitSession, FTPRateLimitServer) and the ban of an
// address after failed logins (FTPLoginBan). DIRECTIVES.md lists them as
// ftpsd extensions.

// LoginBan is FTPLoginBan: after Failures failed logins from one address
// within Window, the address is refused for Duration.
type LoginBan struct {
	Failures         int
	Window, Duration time.Duration
}

// maxRate bounds a bandwidth limit: 1 TiB/s is no limit any link needs.
const maxRate = 1 << 40

// ParseRate reads a bandwidth in bytes per second: a whole number with an
// optional K, M or G suffix (any case; 1024, 1024² and 1024³ bytes). "0"
// means no limit. The -rate-* flags use it too.
func ParseRate(s string) (int64, error) {
	num, mult := s, int64(1)
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'k', 'K':
			num, mult = s[:n-1], 1<<10
		case 'm', 'M':
			num, mult = s[:n-1], 1<<20
		case 'g', 'G':
			num, mult = s[:n-1], 1<<30
		}
	}
	v, err := strconv.ParseUint(num, 10, 64)
	if err != nil || strings.HasPrefix(num, "+") || v > maxRate/uint64(mult) {
		return 0, errorf("%s is not a rate in bytes per second (a number, K, M or G after it)", quoteName(s))
	}
	return int64(v) * mult, nil
}

func rate(get func(*Server) *Opt[int64]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := ParseRate(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

// ParseSize reads a buffer size: bytes with K, M or G suffixes as for
// ParseRate, from 1K (a smaller one would refuse ordinary command lines) to
// 1G (the most one session may hold). FTPMaxPendingInput and
// FTPMaxQueuedOutput use it, and so do their flags.
func ParseSize(s string) (int64, error) {
	v, err := ParseRate(s)
	if err != nil || v < 1<<10 || v > 1<<30 {
		return 0, errorf("%s is not a size from 1K to 1G", quoteName(s))
	}
	return v, nil
}

func size(get func(*Server) *Opt[int64]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := ParseSize(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

// setLoginBan reads "FTPLoginBan failures window-seconds ban-seconds";
// failures 0 turns off the ban ftpsd keeps by default.
func setLoginBan(_ *walker, p *place, n *node) error {
	f, err := parseUint(n.args[0], 0, 1000000, "a number of failed logins")
	if err != nil {
		return err
	}
	window, err := parseSeconds(n.args[1])
	if err != nil {
		return err
	}
	d, err := parseSeconds(n.args[2])
	if err != nil {
		return err
	}
	p.srv.FTPLoginBan = setOpt(LoginBan{Failures: int(f), Window: window, Duration: d}, n.pos)
	return nil
}
