package main

import (
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
)

func TestLimitFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-rate-session", "5X"}, "-rate-session: 5X is not a rate"},
		{[]string{"-rate-server", "-1"}, "-rate-server: -1 is not a rate"},
		{[]string{"-max-sessions", "-1"}, "-max-sessions: -1 is negative"},
		{[]string{"-ban-window", "0s"}, "-ban-window and -ban-time must be positive"},
		{[]string{"-max-pending-input", "1023"}, "-max-pending-input: 1023 is not a size from 1K to 1G"},
		{[]string{"-max-pending-input", "1025M"}, "-max-pending-input: 1025M is not a size from 1K to 1G"},
		{[]string{"-max-queued-output", "2G"}, "-max-queued-output: 2G is not a size from 1K to 1G"},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
	o, err := parseFlags([]string{"-max-per-user", "3", "-rate-server", "2g", "-max-pending-input", "1K", "-max-queued-output", "1G"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := o.flags
	if f.MaxPerUser != setup.Given(3) || f.RateServer != setup.Given(int64(2<<30)) || f.MaxQueuedOutput != setup.Given(int64(1<<30)) {
		t.Errorf("flags given: %+v %+v %+v", f.MaxPerUser, f.RateServer, f.MaxQueuedOutput)
	}
	if f.MaxPendingInput != setup.Given(int64(1<<10)) {
		t.Errorf("-max-pending-input 1K: %+v", f.MaxPendingInput)
	}
	// Flags left out are not Set, so the file's directives stay in force.
	if f.MaxLoginAttempts.Set || f.MaxSessions.Set || f.Root.Set || f.Listeners.Set || f.Umask.Set || f.LogLevel.Set {
		t.Errorf("flags not given are Set: %+v", f)
	}
}

// TestFlagsAsDirectives: each flag given sets its typed setting; 0, which
// turns -max-login-attempts and -fail-delay off, becomes loop.NoLimit.
func TestFlagsAsDirectives(t *testing.T) {
	t.Parallel()
	o, err := parseFlags([]string{"-max-login-attempts", "0", "-fail-delay", "0", "-implicit", "127.0.0.1:990",
		"-umask", "077", "-pasv-ports", "2000-2010", "-log-level", "warn", "-users", "", "-cert", "c.pem", "-key", "k.pem"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	f := o.flags
	if f.MaxLoginAttempts != setup.Given(loop.NoLimit) || f.FailDelay != setup.Given(time.Duration(loop.NoLimit)) {
		t.Errorf("0 given: max-login-attempts %+v, fail-delay %+v; want NoLimit", f.MaxLoginAttempts, f.FailDelay)
	}
	// -implicit alone: implicit TLS only, no default plain listener.
	want := []loop.Listener{{Addr: "127.0.0.1:990", Implicit: true}}
	if !f.Listeners.Set || !slices.Equal(f.Listeners.Value, want) {
		t.Errorf("listeners %+v, want %v", f.Listeners, want)
	}
	both, err := parseFlags([]string{"-listen", "127.0.0.1:21", "-implicit", "127.0.0.1:990"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if want := []loop.Listener{{Addr: "127.0.0.1:21"}, {Addr: "127.0.0.1:990", Implicit: true}}; !slices.Equal(both.flags.Listeners.Value, want) {
		t.Errorf("-listen and -implicit: %+v, want %v", both.flags.Listeners.Value, want)
	}
	if f.Umask != setup.Given(os.FileMode(0o077)) || f.PasvRange != setup.Given(config.PortRange{Lo: 2000, Hi: 2010}) ||
		f.LogLevel != setup.Given(slog.LevelWarn) || f.Users != setup.Given("") {
		t.Errorf("umask %+v, pasv %+v, level %+v, users %+v", f.Umask, f.PasvRange, f.LogLevel, f.Users)
	}
	if !f.Cert.Set || len(f.Cert.Value) != 1 || f.Cert.Value[0] != (setup.CertFiles{Cert: "c.pem", Key: "k.pem"}) {
		t.Errorf("cert %+v", f.Cert)
	}
}
