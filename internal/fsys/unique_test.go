package fsys

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var errRefused = errors.New("refused by the test")

// TestCreateUniqueVetsEachNewName: CreateUnique asks allow about the name
// it is about to create, never about names that exist, and a refusal
// creates nothing (issue 21, item 2).
func TestCreateUniqueVetsEachNewName(t *testing.T) {
	tests := []struct {
		name     string
		existing []string // files under dir/ before the upload
		refuse   string   // allow refuses names with this suffix
		want     string   // the name obtained; "" for a refusal
		asked    []string
	}{
		{name: "free name, allowed", want: "/dir/u", asked: []string{"/dir/u"}},
		{name: "free name, refused", refuse: "/u", asked: []string{"/dir/u"}},
		{name: "taken name skipped unasked, numbered one allowed", existing: []string{"u"}, want: "/dir/u.1", asked: []string{"/dir/u.1"}},
		{name: "numbered name refused, nothing made", existing: []string{"u"}, refuse: ".1", asked: []string{"/dir/u.1"}},
		{name: "several taken", existing: []string{"u", "u.1", "u.2"}, refuse: ".1", want: "/dir/u.3", asked: []string{"/dir/u.3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, Options{})
			for _, e := range tt.existing {
				mustWrite(t, filepath.Join(fx.root, "dir", e), "old")
			}
			before, _ := os.ReadDir(filepath.Join(fx.root, "dir"))
			var asked []string
			u, err := fx.fs.CreateUnique("/dir/u", func(v string) error {
				asked = append(asked, v)
				if tt.refuse != "" && strings.HasSuffix(v, tt.refuse) {
					return errRefused
				}
				return nil
			})
			if !slices.Equal(asked, tt.asked) {
				t.Errorf("allow asked about %q, want %q", asked, tt.asked)
			}
			if tt.want == "" {
				if !errors.Is(err, errRefused) {
					t.Fatalf("CreateUnique: %v, want the refusal", err)
				}
				if after, _ := os.ReadDir(filepath.Join(fx.root, "dir")); len(after) != len(before) {
					t.Errorf("a refused STOU left %d entries in dir, want %d", len(after), len(before))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != tt.want {
				t.Errorf("name %q, want %q", u.Name, tt.want)
			}
			if _, err := u.File.WriteString("new"); err != nil {
				t.Fatal(err)
			}
			if err := u.Commit(); err != nil {
				t.Fatal(err)
			}
			if b, err := os.ReadFile(filepath.Join(fx.root, filepath.FromSlash(tt.want))); err != nil || string(b) != "new" {
				t.Errorf("%s holds %q (%v), want the upload", tt.want, b, err)
			}
		})
	}
}
