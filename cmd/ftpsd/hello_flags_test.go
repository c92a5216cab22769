package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
)

// TestFirstFlightFlags: -max-handshakes-per-ip 0 turns the per-address cap
// off (loop.NoLimit); negative values and a non-positive first-flight
// deadline are refused.
func TestFirstFlightFlags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		err  string
	}{
		{[]string{"-max-handshakes-per-ip", "-1"}, "-max-handshakes-per-ip: -1 is negative"},
		{[]string{"-first-flight-timeout", "0s"}, "-first-flight-timeout must be positive"},
		{[]string{"-first-flight-timeout", "-1s"}, "-first-flight-timeout must be positive"},
	} {
		_, err := parseFlags(tt.args, io.Discard)
		if err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%q: %v, want %q", tt.args, err, tt.err)
		}
	}
	for _, tt := range []struct {
		args    []string
		perIP   setup.Opt[int]
		timeout setup.Opt[time.Duration]
	}{
		{nil, setup.Opt[int]{Value: loop.DefaultMaxHandshakesPerIP}, setup.Opt[time.Duration]{Value: loop.DefaultFirstFlightTimeout}},
		{[]string{"-max-handshakes-per-ip", "0"}, setup.Given(loop.NoLimit), setup.Opt[time.Duration]{Value: loop.DefaultFirstFlightTimeout}},
		{[]string{"-max-handshakes-per-ip", "3", "-first-flight-timeout", "500ms"}, setup.Given(3), setup.Given(500 * time.Millisecond)},
	} {
		o, err := parseFlags(tt.args, io.Discard)
		if err != nil {
			t.Fatalf("%q: %v", tt.args, err)
		}
		if f := o.flags; f.MaxHandshakesPerIP != tt.perIP || f.FirstFlightTimeout != tt.timeout {
			t.Errorf("%q: per-IP %+v, first flight %+v; want %+v, %+v", tt.args, f.MaxHandshakesPerIP, f.FirstFlightTimeout, tt.perIP, tt.timeout)
		}
	}
}
