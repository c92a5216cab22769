package config

import "testing"

// The admin listener's cases join the directive tables (and so
// FuzzConfig's seeds).
func init() {
	directiveTests = append(directiveTests, []struct {
		name  string
		conf  string
		errs  string
		notes []string
		check check
	}{
		{name: "FTPAdminListen and FTPAdminAllowRemote", conf: "FTPAdminListen 127.0.0.1:9121\nFTPAdminAllowRemote on\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "admin", []any{s.Process.AdminListen.Value, s.Process.AdminAllowRemote.Value}, []any{"127.0.0.1:9121", true})
		})},
		{name: "FTPAdminListen IPv6", conf: "FTPAdminListen [::1]:9121\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "admin", s.Process.AdminListen.Value, "[::1]:9121")
		})},
		{name: "FTPAdminListen without host", conf: "FTPAdminListen :9121\n", errs: at(1, `FTPAdminListen: ":9121" names no host: give an address, such as 127.0.0.1:9121`)},
		{name: "FTPAdminListen in a virtual host", conf: "<VirtualHost *:21>\nFTPAdminListen 127.0.0.1:9121\n</VirtualHost>\n", errs: at(2, "FTPAdminListen is not allowed in <VirtualHost> (allowed in server config)")},
	}...)
	badValues = append(badValues, []struct{ conf, errs string }{
		{"FTPAdminListen 9121", at(1, `FTPAdminListen: "9121" is not host:port`)},
		{"FTPAdminAllowRemote yes", at(1, "FTPAdminAllowRemote: yes is not On or Off")},
	}...)
}
