package main

import (
	"bytes"
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/internal/config"
)

func parsedFlags(t *testing.T) *flag.FlagSet {
	t.Helper()
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return o.fs
}

// TestManPageCurrent: docs/ftpsd.8, which make install installs, is what
// -manpage writes now: a flag or directive added without `make man` fails
// here. The page names every flag and every directive.
func TestManPageCurrent(t *testing.T) {
	fs := parsedFlags(t)
	var b bytes.Buffer
	writeManPage(&b, fs)
	page := b.String()
	committed, err := os.ReadFile("../../docs/ftpsd.8")
	if err != nil {
		t.Fatal(err)
	}
	if string(committed) != page {
		t.Errorf("docs/ftpsd.8 is stale: run make man")
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(page, `\fB\-`+roff(f.Name)+`\fR`) {
			t.Errorf("the man page lacks -%s", f.Name)
		}
	})
	for _, d := range config.Directives() {
		if !strings.Contains(page, `\fB`+roff(strings.TrimSuffix(d.Syntax, ">"))) {
			t.Errorf("the man page lacks %s", d.Name)
		}
	}
	// No line may start a roff request by accident.
	for i, l := range strings.Split(page, "\n") {
		if strings.HasPrefix(l, "'") {
			t.Errorf("line %d starts with a quote: %q", i+1, l)
		}
	}
}

// TestUsageGrouped: -h opens with the synopsis and examples, and lists
// every flag exactly once, under a heading.
func TestUsageGrouped(t *testing.T) {
	var b bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &b); err != flag.ErrHelp {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	out := b.String()
	if !strings.HasPrefix(out, "Usage:\n  ftpsd ") || !strings.Contains(out, "\nExamples:\n") {
		t.Fatalf("-h does not open with a synopsis and examples:\n%s", out)
	}
	for _, heading := range []string{"Listeners and files:", "TLS:", "Process:"} {
		if !strings.Contains(out, "\n"+heading+"\n") {
			t.Errorf("-h lacks the heading %q", heading)
		}
	}
	parsedFlags(t).VisitAll(func(f *flag.Flag) {
		re := regexp.MustCompile(`(?m)^  -` + regexp.QuoteMeta(f.Name) + `( |$)`)
		if n := len(re.FindAllString(out, -1)); n != 1 {
			t.Errorf("-%s listed %d times in -h, want once", f.Name, n)
		}
	})
	if strings.Contains(out, "\nOther:\n") {
		t.Errorf("a flag is in no group (listed under Other): add it to flagGroups:\n%s", out[strings.Index(out, "\nOther:\n"):])
	}
}

// TestVersion: -version names the version, the commit and the Go version.
func TestVersion(t *testing.T) {
	var b bytes.Buffer
	printVersion(&b)
	if !regexp.MustCompile(`^ftpsd \S+ \(commit [^)]+\) go\S+ \w+/\w+\n$`).MatchString(b.String()) {
		t.Errorf("-version printed %q", b.String())
	}
}
