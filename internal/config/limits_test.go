package config

import (
	"testing"
	"time"
)

// The ftpsd extensions' cases join the directive tables (and so FuzzConfig's seeds).
func init() {
	directiveTests = append(directiveTests, []struct {
		name  string
		conf  string
		errs  string
		notes []string
		check check
	}{
		{name: "FTPRateLimit", conf: "FTPRateLimitSession 512K\nFTPRateLimitServer 100m\n", check: onMain(func(t *testing.T, s *Server) {
			eq(t, "rates", []int64{s.FTPRateLimitSession.Value, s.FTPRateLimitServer.Value}, []int64{512 << 10, 100 << 20})
		})},
		{name: "FTPRateLimit inherited", conf: "FTPRateLimitServer 1G\n" + vh("FTPRateLimitSession 0"), check: onVHost(func(t *testing.T, s *Server) {
			eq(t, "rates", []int64{s.FTPRateLimitSession.Value, s.FTPRateLimitServer.Value}, []int64{0, 1 << 30})
		})},
		{name: "FTPRateLimitSession bad", conf: "FTPRateLimitSession 10 K\n", errs: at(1, "FTPRateLimitSession takes 1 argument, got 2 (FTPRateLimitSession bytes-per-second)")},
		{name: "FTPLoginBan", conf: vh("FTPLoginBan 10 600 3600"), check: onVHost(func(t *testing.T, s *Server) {
			eq(t, "ban", s.FTPLoginBan.Value, LoginBan{Failures: 10, Window: 600 * time.Second, Duration: time.Hour})
		})},
		{name: "FTPLoginBan bad", conf: "FTPLoginBan -1 600 3600\n", errs: at(1, "FTPLoginBan: -1 is not a number of failed logins (0 to 1000000)")},
		{name: "FTPLoginBan 0 is no ban", conf: vh("FTPLoginBan 0 600 3600"), check: onVHost(func(t *testing.T, s *Server) {
			eq(t, "ban", s.FTPLoginBan.Value, LoginBan{Failures: 0, Window: 600 * time.Second, Duration: time.Hour})
		})},
	}...)
	badValues = append(badValues, []struct{ conf, errs string }{
		{"FTPRateLimitServer -5", at(1, "FTPRateLimitServer: -5 is not a rate in bytes per second (a number, K, M or G after it)")},
		{"FTPLoginBan 5 0 60", at(1, "FTPLoginBan: 0 is not a number of seconds (1 to 86400)")},
	}...)
}

func TestParseRate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1500", 1500, true},
		{"64k", 64 << 10, true},
		{"64K", 64 << 10, true},
		{"10M", 10 << 20, true},
		{"2g", 2 << 30, true},
		{"1024G", 1 << 40, true},
		{"1025G", 0, false},
		{"", 0, false},
		{"K", 0, false},
		{"+5", 0, false},
		{"-5", 0, false},
		{"5KB", 0, false},
		{"1.5M", 0, false},
		{"18446744073709551615", 0, false},
	} {
		got, err := ParseRate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1K", 1 << 10, true},
		{"1024", 1 << 10, true},
		{"64k", 64 << 10, true},
		{"1G", 1 << 30, true},
		{"1024M", 1 << 30, true},
		{"1023", 0, false},
		{"0", 0, false},
		{"1025M", 0, false},
		{"2G", 0, false},
		{"lots", 0, false},
	} {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (ok %v)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
