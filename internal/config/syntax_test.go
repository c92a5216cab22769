package config

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// dump renders nodes compactly: name[arg|arg]@line, sections as <name[args]@line>{...}.
func dump(nodes []*node) string {
	var b strings.Builder
	for i, n := range nodes {
		if i > 0 {
			b.WriteString(" ")
		}
		if n.section {
			b.WriteString("<")
		}
		b.WriteString(n.name + "[" + strings.Join(n.args, "|") + "]@" + strconv.Itoa(n.pos.Line))
		if n.section {
			b.WriteString(">{" + dump(n.body) + "}")
		}
	}
	return b.String()
}

// parseTests are the lexer's cases; FuzzConfig seeds from them.
var parseTests = []struct {
	name, src, want, errs string
}{
	{"simple", "Listen 21 ftp\n", "Listen[21|ftp]@1", ""},
	{"no final newline", "FTP On", "FTP[On]@1", ""},
	{"CRLF", "FTP On\r\nFTP Off\r\n", "FTP[On]@1 FTP[Off]@2", ""},
	{"blank lines and indentation", "\n\n   \t FTP   On  \t\n", "FTP[On]@3", ""},
	{"double quotes", `DocumentRoot "/srv/my ftp"`, "DocumentRoot[/srv/my ftp]@1", ""},
	{"single quotes", `AuthName 'a "b" c'`, `AuthName[a "b" c]@1`, ""},
	{"escaped double quote", `AuthName "say \"hi\""`, `AuthName[say "hi"]@1`, ""},
	{"escaped single quote", `AuthName 'it\'s'`, `AuthName[it's]@1`, ""},
	{"other backslashes kept in quotes", `AuthName "a\b\\c"`, `AuthName[a\b\\c]@1`, ""},
	{"backslash kept unquoted", `DocumentRoot C:\ftp`, `DocumentRoot[C:\ftp]@1`, ""},
	{"empty quoted arg", `AuthName ""`, `AuthName[]@1`, ""},
	{"quote inside a word is literal", `AuthName ab"c d"`, `AuthName[ab"c|d"]@1`, ""},
	{"word right after a quote", `AuthName "a"b`, `AuthName[a|b]@1`, ""},
	{"comment", "# a comment\n  # indented comment\nFTP On\n", "FTP[On]@3", ""},
	{"hash inside a line is not a comment", "AuthName a#b # c\n", "AuthName[a#b|#|c]@1", ""},
	{"continuation", "Listen \\\n  21 \\\n  ftp\nFTP On\n", "Listen[21|ftp]@1 FTP[On]@4", ""},
	{"continuation joins without space", "AuthName ab\\\ncd\n", "AuthName[abcd]@1", ""},
	{"escaped backslash at end is not a continuation", "AuthName a\\\\\nFTP On\n", `AuthName[a\\]@1 FTP[On]@2`, ""},
	{"backslash then space is not a continuation", "AuthName a\\ \nFTP On\n", `AuthName[a\]@1 FTP[On]@2`, ""},
	{"continued comment", "# comment \\\nFTP On\nFTP Off\n", "FTP[Off]@3", ""},
	{"continuation at end of file", "FTP \\\n", "FTP[]@1", ""},
	{"continuation inside quotes", "AuthName \"a \\\nb\"\n", "AuthName[a b]@1", ""},
	{"section", "<VirtualHost *:21>\n  FTP On\n</VirtualHost>\n", "<VirtualHost[*:21]@1>{FTP[On]@2}", ""},
	{"section names are case-insensitive", "<virtualhost *:21>\n</VIRTUALHOST>\n", "<virtualhost[*:21]@1>{}", ""},
	{"quoted section argument", `<Directory "/srv/a b">` + "\n</Directory>", "<Directory[/srv/a b]@1>{}", ""},
	{"section argument glued to >", "<Limit STOR>\n</Limit>", "<Limit[STOR]@1>{}", ""},
	{"nested sections", "<VirtualHost *:21>\n<Directory />\n<Limit STOR DELE>\nRequire all denied\n</Limit>\n</Directory>\n</VirtualHost>\n",
		"<VirtualHost[*:21]@1>{<Directory[/]@2>{<Limit[STOR|DELE]@3>{Require[all|denied]@4}}}", ""},
	{"space before closing >", "<Limit STOR >\n</Limit >\n", "<Limit[STOR]@1>{}", ""},

	{"unterminated double quote", "AuthName \"abc\nFTP On\n", "FTP[On]@2", `f:1: unterminated quoted string starting "\"abc"`},
	{"unterminated single quote", "AuthName 'abc", "", `f:1: unterminated quoted string starting 'abc`},
	{"section missing >", "<VirtualHost *:21\n</VirtualHost>\n", "<VirtualHost[]@1>{}", "f:1: <VirtualHost> is missing its closing '>'"},
	{"section without name", "<>\n", "", "f:1: section without a name"},
	{"unclosed section", "FTP On\n<VirtualHost *:21>\nFTP On\n", "FTP[On]@1 <VirtualHost[*:21]@2>{FTP[On]@3}", "f:2: <VirtualHost> is not closed (missing </VirtualHost>)"},
	{"unclosed nested sections", "<VirtualHost *:21>\n<Directory />\n", "<VirtualHost[*:21]@1>{<Directory[/]@2>{}}",
		"f:1: <VirtualHost> is not closed (missing </VirtualHost>)\nf:2: <Directory> is not closed (missing </Directory>)"},
	{"close without open", "</VirtualHost>\nFTP On\n", "FTP[On]@2", "f:1: </VirtualHost> without matching <VirtualHost> section"},
	{"mismatched close", "<VirtualHost *:21>\n</Directory>\n</VirtualHost>\n", "<VirtualHost[*:21]@1>{}", "f:2: </Directory> does not match <VirtualHost> (line 1)"},
	{"close skips an open inner section", "<VirtualHost *:21>\n<Directory />\n</VirtualHost>\nFTP On\n",
		"<VirtualHost[*:21]@1>{<Directory[/]@2>{}} FTP[On]@4", "f:3: </VirtualHost> closes <VirtualHost> but <Directory> (line 2) is still open"},
	{"close with argument", "<Limit STOR>\n</Limit STOR>\n</Limit>\n", "<Limit[STOR]@1>{}", "f:2: </Limit> takes no arguments"},
	{"close missing >", "<Limit STOR>\n</Limit\n</Limit>\n", "<Limit[STOR]@1>{}", "f:2: closing tag </Limit is missing its '>'"},
	{"close without name", "</>\n", "", "f:1: closing tag without a name"},
	{"error line is the directive's first line", "FTP On\nAuthName \\\n\"abc\n", "FTP[On]@1", `f:2: unterminated quoted string starting "\"abc"`},
}

func TestParseFile(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.name, func(t *testing.T) {
			d := &diag{}
			got := dump(parseFile("f", []byte(tt.src), DefaultMaxLineBytes, DefaultMaxDepth, d))
			if got != tt.want {
				t.Errorf("tree:\n got %s\nwant %s", got, tt.want)
			}
			if errs := errString(d.list(0)); errs != tt.errs {
				t.Errorf("errors:\n got %q\nwant %q", errs, tt.errs)
			}
		})
	}
}

func TestParseFileBounds(t *testing.T) {
	t.Run("line too long", func(t *testing.T) {
		d := &diag{}
		src := "FTP On\nAuthName " + strings.Repeat("x", 100) + "\nFTP Off\n"
		got := dump(parseFile("f", []byte(src), 64, 32, d))
		if got != "FTP[On]@1 FTP[Off]@3" {
			t.Errorf("tree %s", got)
		}
		if errs := errString(d.list(0)); errs != "f:2: line longer than 64 bytes" {
			t.Errorf("errors %q", errs)
		}
	})
	t.Run("continued line too long", func(t *testing.T) {
		d := &diag{}
		src := "AuthName \\\n" + strings.Repeat("xx\\\n", 40) + "x\nFTP Off\n"
		got := dump(parseFile("f", []byte(src), 64, 32, d))
		if got != "FTP[Off]@43" {
			t.Errorf("tree %s", got)
		}
		if errs := errString(d.list(0)); errs != "f:1: line longer than 64 bytes" {
			t.Errorf("errors %q", errs)
		}
	})
	t.Run("nesting too deep", func(t *testing.T) {
		d := &diag{}
		src := strings.Repeat("<A>\n", 5) + "FTP On\n" + strings.Repeat("</A>\n", 5) + "FTP Off\n"
		got := dump(parseFile("f", []byte(src), 1024, 3, d))
		if got != "<A[]@1>{<A[]@2>{<A[]@3>{}}} FTP[Off]@12" {
			t.Errorf("tree %s", got)
		}
		errs := d.list(0)
		if errString(errs) != "f:4: <A> nested deeper than 3 sections" || !errors.Is(errs, ErrLimit) {
			t.Errorf("errors %q", errString(errs))
		}
	})
}

func TestErrorKinds(t *testing.T) {
	tests := []struct {
		src  string
		kind error
	}{
		{"AuthName \"x\n", ErrSyntax},
		{"Frobnicate on\n", ErrUnknown},
		{"<VirtualHost *:21>\nListen 21\n</VirtualHost>\n", ErrContext},
		{"FTP maybe\n", ErrValue},
		{"Include /nonexistent.conf\n", ErrInclude},
	}
	for _, tt := range tests {
		_, _, err := loadConf(t, tt.src)
		var e *Error
		if !errors.Is(err, tt.kind) || !errors.As(err, &e) || e.Line < 1 {
			t.Errorf("%q: got %v, want kind %v", tt.src, err, tt.kind)
		}
	}
}
