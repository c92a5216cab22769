package setup

import (
	"os"
	"path/filepath"
	"testing"
)

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

// TestAdminRemoteRefusedAtLoad: a non-loopback admin address without
// AllowRemote is an error of Load (so of -t too), with FTPAdminListen's
// file:line when the file set it.
func TestAdminRemoteRefusedAtLoad(t *testing.T) {
	t.Parallel()
	dir := fcFixture(t)
	path := filepath.Join(dir, "admin.conf")
	tests := []struct {
		name  string
		text  string
		flags Flags
		want  string // "" loads
	}{
		{"file, public", "FTPAdminListen 0.0.0.0:9121\n" + fcVHost(""), Flags{},
			path + ":1: FTPAdminListen: 0.0.0.0:9121 is not a loopback address (127.0.0.1, ::1, localhost); FTPAdminAllowRemote on (-admin-allow-remote) allows it"},
		{"file, allowed", "FTPAdminListen 0.0.0.0:9121\nFTPAdminAllowRemote on\n" + fcVHost(""), Flags{}, ""},
		{"flag, public", fcVHost(""), Flags{Admin: AdminFlags{Listen: Given("192.0.2.1:9121")}},
			"-admin: 192.0.2.1:9121 is not a loopback address (127.0.0.1, ::1, localhost); FTPAdminAllowRemote on (-admin-allow-remote) allows it"},
		{"flag allows the file's", "FTPAdminListen 0.0.0.0:9121\n" + fcVHost(""), Flags{Admin: AdminFlags{AllowRemote: Given(true)}}, ""},
		{"loopback", "FTPAdminListen localhost:9121\n" + fcVHost(""), Flags{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(tt.text), 0o600); err != nil {
				t.Fatal(err)
			}
			_, errs := Load(path, tt.flags)
			got := ""
			if len(errs) > 0 {
				got = errs[0].Error()
			}
			if got != tt.want || len(errs) > 1 {
				t.Errorf("Load: %q (%d errors), want %q", got, len(errs), tt.want)
			}
		})
	}
}
