package config

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// DIRECTIVES.md documents every directive of the table, with the table's syntax, and nothing
// the table lacks.
func TestDirectivesDocumented(t *testing.T) {
	b, err := os.ReadFile("DIRECTIVES.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	headings := map[string]bool{}
	for _, line := range strings.Split(doc, "\n") {
		if name, ok := strings.CutPrefix(line, "### "); ok {
			headings[name] = true
		}
	}
	known := map[string]bool{"Include": true, "IncludeOptional": true, "IfModule": true, "IfDefine": true,
		"Contexts": true, "Inheritance": true, "Notes": true, "How authorization works": true}
	for _, s := range table {
		known[s.name] = true
		if !headings[s.name] {
			t.Errorf("%s has no section in DIRECTIVES.md", s.name)
		}
		syntax := s.syntax
		if s.section {
			syntax = strings.TrimSuffix(syntax, ">") + "> ... </" + s.name + ">"
		}
		if !strings.Contains(doc, "Syntax: `"+syntax+"`") {
			t.Errorf("DIRECTIVES.md does not give %s's syntax as `%s`", s.name, syntax)
		}
	}
	for h := range headings {
		if !known[h] {
			t.Errorf("DIRECTIVES.md documents %s, which the table lacks", h)
		}
	}
}

// The example in DIRECTIVES.md loads.
func TestDirectivesExample(t *testing.T) {
	b, err := os.ReadFile("DIRECTIVES.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(b), "```apache\n")
	example, _, ok2 := strings.Cut(example, "```")
	if !ok || !ok2 {
		t.Fatal("no example")
	}
	cfg, _, err := loadConf(t, example)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Listen) != 2 || cfg.Listen[0].Implicit || !cfg.Listen[1].Implicit {
		t.Errorf("Listen %+v", cfg.Listen)
	}
	// What the text promises: anonymous may read, named users may also write.
	for _, s := range cfg.Servers() {
		sc := s.Access("/srv/ftp/pub/f", "/pub/f")
		for _, c := range []struct {
			verb, user string
			want       bool
		}{{"RETR", "anonymous", true}, {"LIST", "anonymous", true}, {"STOR", "anonymous", false}, {"DELE", "anonymous", false},
			{"STOR", "alice", true}, {"RETR", "alice", true}, {"XMKD", "bob", true}, {"STOR", "carol", false}} {
			if got := sc.Allows(c.verb, c.user, nil); got != c.want {
				t.Errorf("%s by %s: %v, want %v", c.verb, c.user, got, c.want)
			}
		}
		if !reflect.DeepEqual(sc.Providers(), []Provider{ProviderAnon, ProviderFile}) || sc.MustGiveEmail() {
			t.Errorf("scope %+v", sc)
		}
	}
}
