package setup

import "testing"

// TestAdminMapping: FTPAdminListen and FTPAdminAllowRemote reach the
// admin settings with their position, and the flags win.
func TestAdminMapping(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	tests := []struct {
		name   string
		text   string
		flags  Flags
		want   Admin
		atLine int // FTPAdminListen's line, 0: set by no directive
	}{
		{"directives", "FTPAdminListen 127.0.0.1:9121\nFTPAdminAllowRemote on\n" + fcVHost(""), Flags{},
			Admin{Listen: "127.0.0.1:9121", AllowRemote: true}, 1},
		{"flags win", "FTPAdminListen 127.0.0.1:9121\n" + fcVHost(""),
			Flags{Admin: AdminFlags{Listen: Given("[::1]:9000"), AllowRemote: Given(false)}},
			Admin{Listen: "[::1]:9000"}, 0},
		{"off", fcVHost(""), Flags{}, Admin{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := fcMap(t, dir, tt.text, tt.flags)
			if len(m.errs) > 0 {
				t.Fatalf("errors: %q", m.errs)
			}
			got := m.s.admin
			if got.Listen != tt.want.Listen || got.AllowRemote != tt.want.AllowRemote || got.At.Line != tt.atLine {
				t.Errorf("admin %+v, want %+v at line %d", got, tt.want, tt.atLine)
			}
		})
	}
}
