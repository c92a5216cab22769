package config

import "testing"

// The checksum directives' cases join the directive tables (and so
// FuzzConfig's seeds).
func init() {
	directiveTests = append(directiveTests, []struct {
		name  string
		conf  string
		errs  string
		notes []string
		check check
	}{
		{name: "FTPHashMaxSize and FTPHashCache", conf: "FTPHashMaxSize 4G\nFTPHashCache 100\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "hash settings", []int64{s.FTPHashMaxSize.Value, int64(s.FTPHashCache.Value)}, []int64{4 << 30, 100})
		})},
		{name: "FTPHashCache off in a virtual host", conf: vh("FTPHashCache 0"), check: onVHost(func(t *testing.T, s *Server) {
			eq(t, "cache set to none", []any{s.FTPHashCache.Value, s.FTPHashCache.Set}, []any{0, true})
		})},
		{name: "FTPHashMaxSize bad", conf: "FTPHashMaxSize 1 G\n", errs: at(1, "FTPHashMaxSize takes 1 argument, got 2 (FTPHashMaxSize bytes)")},
	}...)
	badValues = append(badValues, []struct{ conf, errs string }{
		{"FTPHashCache -1", at(1, "FTPHashCache: -1 is not a number of digests (0 to 10000000)")},
		{"FTPHashMaxSize 4T", at(1, "FTPHashMaxSize: 4T is not a number of bytes (a number, K, M or G after it)")},
	}...)
}
