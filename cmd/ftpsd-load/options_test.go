package main

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func TestParseDefaults(t *testing.T) {
	tests := []struct {
		args  []string
		check func(*options) string
	}{
		{[]string{"bulk"}, func(o *options) string {
			if o.file != defaultBulkFile || o.duration != defaultDuration || o.clients != 4 || o.tlsMode != tlsNone {
				return "bulk defaults"
			}
			return ""
		}},
		{[]string{"small", "--store"}, func(o *options) string {
			if !o.store || o.size != 4<<10 || o.uploadDir != defaultUploadDir {
				return "small --store uploads 4K to /sink"
			}
			return ""
		}},
		{[]string{"bulk", "--store"}, func(o *options) string {
			if o.size != 10<<20 {
				return "bulk --store uploads 10M"
			}
			return ""
		}},
		{[]string{"mirror"}, func(o *options) string {
			if o.dir != defaultMirrorDir || len(o.sizes.sizes) != 3 || o.sizes.sizes[2] != 100<<20 {
				return "mirror defaults"
			}
			return ""
		}},
		{[]string{"list"}, func(o *options) string {
			if o.dir != "/" || o.listVerb != "LIST" {
				return "list defaults"
			}
			return ""
		}},
		{[]string{"churn"}, func(o *options) string {
			if o.file != "" {
				return "churn downloads nothing by default"
			}
			return ""
		}},
		{[]string{"--scenario", "idle", "--count", "5"}, func(o *options) string {
			if o.scenario != "idle" || o.count != 5 || o.duration != 0 {
				return "--count alone leaves no duration"
			}
			return ""
		}},
		{[]string{"mirror", "--tls", "implicit", "--prot", "c", "--sizes", "4K", "--duration", "3s", "--clients", "9",
			"--verify", "--seed", "s1", "--list-verb", "mlsd", "--json"}, func(o *options) string {
			if o.tlsMode != tlsImplicit || !o.protC || o.sizes.sizes[0] != 4<<10 || o.duration != 3*time.Second ||
				o.clients != 9 || !o.verify || o.seed != "s1" || o.listVerb != "MLSD" || !o.json {
				return "every flag read"
			}
			if o.tlsLabel() != "implicit TLS, PROT C" {
				return "label " + o.tlsLabel()
			}
			return ""
		}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o, err := parse(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			if bad := tt.check(o); bad != "" {
				t.Errorf("%s: %+v", bad, o)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // in the error
	}{
		{"no scenario", nil, "no scenario"},
		{"unknown scenario", []string{"stress"}, "unknown scenario"},
		{"bad tls", []string{"bulk", "--tls", "starttls"}, "--tls"},
		{"bad prot", []string{"bulk", "--prot", "S"}, "--prot"},
		{"no clients", []string{"bulk", "--clients", "0"}, "--clients"},
		{"negative count", []string{"bulk", "--count", "-1"}, "negative"},
		{"store on list", []string{"list", "--store"}, "--store"},
		{"size without store", []string{"bulk", "--size", "1M"}, "--store"},
		{"bad size", []string{"bulk", "--store", "--size", "1MB"}, "--size"},
		{"bad sizes", []string{"mirror", "--sizes", "1K:50%"}, "--sizes"},
		{"sizes off mirror", []string{"bulk", "--sizes", "1K"}, "--sizes is for mirror"},
		{"bad verb", []string{"list", "--list-verb", "STAT"}, "--list-verb"},
		{"verify idle", []string{"idle", "--verify"}, "--verify"},
		{"verify a name without size", []string{"bulk", "--verify", "--file", "/pub/big.iso"}, "spells no size"},
		{"verify churn without file", []string{"churn", "--verify"}, "--verify"},
		{"seed without verify", []string{"mirror", "--seed", "x"}, "--seed"},
		{"zero interval", []string{"idle", "--interval", "0s"}, "--interval"},
		{"stray argument", []string{"bulk", "--clients", "2", "extra"}, "unexpected argument"},
		{"unknown flag", []string{"bulk", "--nope"}, "not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parse(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	var b strings.Builder
	_, err := parse([]string{"-h"}, &b)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	for _, s := range append([]string{"Usage: ftpsd-load SCENARIO", "-metrics-listen", "-verify"}, scenarios...) {
		if !strings.Contains(b.String(), s) {
			t.Errorf("-h does not mention %q:\n%s", s, b.String())
		}
	}
}
