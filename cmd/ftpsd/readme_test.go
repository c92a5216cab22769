package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
)

// TestREADMEDefaults: the defaults README.md's flag table states are the
// ones the code applies, which loop (and setup, for its own) export once.
func TestREADMEDefaults(t *testing.T) {
	t.Parallel()
	short := func(d time.Duration) string {
		s := d.String()
		for _, z := range []string{"0s", "0m"} {
			if strings.HasSuffix(s, "m"+z) || strings.HasSuffix(s, "h"+z) {
				s = strings.TrimSuffix(s, z)
			}
		}
		return s
	}
	want := map[string]string{
		"-listen":             loop.DefaultListen,
		"-root":               setup.DefaultRoot,
		"-umask":              "0" + strconv.FormatUint(uint64(setup.DefaultUmask), 8),
		"-workers":            strconv.Itoa(loop.DefaultWorkers),
		"-data-timeout":       short(loop.DefaultDataTimeout),
		"-login-timeout":      short(loop.DefaultLoginTimeout),
		"-idle-timeout":       short(loop.DefaultIdleTimeout),
		"-data-idle-timeout":  short(loop.DefaultDataIdleTimeout),
		"-max-pending-input":  sizeText(loop.DefaultMaxPendingInput),
		"-max-queued-output":  sizeText(loop.DefaultMaxQueuedOutput),
		"-fail-delay":         short(loop.DefaultFailDelay),
		"-max-login-attempts": strconv.Itoa(loop.DefaultMaxLoginAttempts),
		"-ban-after":          strconv.Itoa(loop.DefaultBanAfter),
		"-ban-window":         short(loop.DefaultBanWindow),
		"-ban-time":           short(loop.DefaultBanDuration),
		"-grace":              short(loop.DefaultShutdownGrace),
		"-banner":             loop.DefaultBanner,
		"-handshake-timeout":  short(loop.DefaultHandshakeTimeout),
		"-max-handshakes":     strconv.Itoa(loop.DefaultMaxHandshakes),
		"-hash-cache":         strconv.Itoa(loop.DefaultHashCacheEntries),
		"-tls-reuse":          setup.ReuseUser,
	}
	// The first-flight bounds (issue 18).
	want["-max-handshakes-per-ip"] = strconv.Itoa(loop.DefaultMaxHandshakesPerIP)
	want["-first-flight-timeout"] = short(loop.DefaultFirstFlightTimeout)
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile("`(-[a-z-]+)")
	got := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, " | ")
		if !strings.HasPrefix(line, "| `-") || len(cells) < 3 {
			continue
		}
		flags := name.FindAllStringSubmatch(cells[0], -1)
		defs := strings.Split(cells[1], ", ")
		if len(defs) != len(flags) {
			defs = slices.Repeat([]string{cells[1]}, len(flags)) // one default for all: "no limit"
		}
		for i, f := range flags {
			got[f[1]] = strings.Trim(defs[i], "`")
		}
	}
	for flag, w := range want {
		if got[flag] != w {
			t.Errorf("README gives %s default %q, the code %q", flag, got[flag], w)
		}
	}
}
