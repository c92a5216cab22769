package config

import (
	"strings"
	"testing"
)

// badValues complete directiveTests: one wrong value for each directive not refused there.
var badValues = []struct{ conf, errs string }{
	{"ServerRoot \"\"", at(1, "ServerRoot: empty path")},
	{"SSLCertificateFile |cat", at(1, "SSLCertificateFile: piped logs (|cat) are not supported; write to a file and rotate it with SIGHUP")},
	{"SSLCertificateChainFile \"\"", at(1, "SSLCertificateChainFile: empty path")},
	{"SSLCACertificateFile \"\"", at(1, "SSLCACertificateFile: empty path")},
	{"FTPActiveRange 20100-20000", at(1, "FTPActiveRange: range 20100-20000 is empty (low port above high port)")},
	{"FTPActiveRange 1-x", at(1, "FTPActiveRange: x is not a port number (1 to 65535)")},
	{"FTPDirUmask rwx", at(1, "FTPDirUmask: rwx is not an octal umask (000 to 777)")},
	{"FTPExitMessage file:", at(1, "FTPExitMessage: file: names no file")},
	{"FTPReadmeMessage a b", at(1, "FTPReadmeMessage takes 1 argument, got 2 (FTPReadmeMessage message|file:path)")},
	{"FTPHomeDir \"\"", at(1, `FTPHomeDir: "" is not a path`)},
	{"FTPJailUser maybe", at(1, "FTPJailUser: maybe is not On or Off")},
	{"FTPImplicitSSL 1", at(1, "FTPImplicitSSL: 1 is not On or Off")},
	{"FTPEPSVIgnoreFamily 0", at(1, "FTPEPSVIgnoreFamily: 0 is not On or Off")},
	{"FTPLowPortSock yes", at(1, "FTPLowPortSock: yes is not On or Off")},
	{"FTPLimitDBFile \"\"", at(1, "FTPLimitDBFile: empty path")},
	{"FTPLimitLoginUser -1", at(1, "FTPLimitLoginUser: -1 is not a number of logins (0 to 1000000)")},
	{"FTPLimitLoginServer 1e3", at(1, "FTPLimitLoginServer: 1e3 is not a number of logins (0 to 1000000)")},
	{"FTPTimeoutLogin 86401", at(1, "FTPTimeoutLogin: 86401 is not a number of seconds (1 to 86400)")},
	{"FTPPASVbindaddr fe80::1%eth0", at(1, "FTPPASVbindaddr: fe80::1%eth0 is not an IP address")},
	{"SSLEngine", at(1, "SSLEngine takes 1 argument, got 0 (SSLEngine on|off)")},
	{dir("AuthName"), at(2, "AuthName takes 1 argument, got 0 (AuthName realm)")},
	{dir("AuthUserFile \"\""), at(2, "AuthUserFile: empty path")},
	{dir("AuthGroupFile a b"), at(2, "AuthGroupFile takes 1 argument, got 2 (AuthGroupFile file)")},
	{dir("Anonymous \"\""), at(2, "Anonymous: empty user name")},
	{dir("Anonymous_MustGiveEmail sure"), at(2, "Anonymous_MustGiveEmail: sure is not On or Off")},
	{dir("Anonymous_LogEmail"), at(2, "Anonymous_LogEmail takes 1 argument, got 0 (Anonymous_LogEmail on|off)")},
	{dir("Anonymous_VerifyEmail x"), at(2, "Anonymous_VerifyEmail: x is not On or Off")},
	{"<LimitExcept PUT>\n</LimitExcept>", at(1, "<LimitExcept>: PUT is an HTTP method; name FTP commands (STOR)")},
	{"<Location \"\">\n</Location>", at(1, `<Location>: "" is not a path`)},
	{"<Directory>\n</Directory>", at(1, "<Directory> takes 1 argument, got 0 (<Directory path>)")},
	{"AcceptFilter ftp", at(1, "AcceptFilter takes 2 arguments, got 1 (AcceptFilter protocol filter)")},
	{"LogFormat \"%u\" \"\"", at(1, "LogFormat: empty nickname")},
	{"DocumentRoot a b", at(1, "DocumentRoot takes 1 argument, got 2 (DocumentRoot directory)")},
}

func TestBadValues(t *testing.T) {
	for _, tt := range badValues {
		_, _, err := loadConf(t, tt.conf)
		if got := errString(err); got != tt.errs {
			t.Errorf("%q:\n got %q\nwant %q", tt.conf, got, tt.errs)
		}
	}
}

// Every directive of the table has a case that loads and a case refused with an exact message.
func TestEveryDirectiveTested(t *testing.T) {
	good, bad := map[string]bool{}, map[string]bool{}
	mark := func(conf string, m map[string]bool) {
		for _, line := range strings.Split(conf, "\n") {
			f := strings.Fields(strings.TrimPrefix(strings.TrimSpace(line), "<"))
			if len(f) > 0 {
				m[strings.ToLower(strings.TrimSuffix(f[0], ">"))] = true
			}
		}
	}
	for _, tt := range directiveTests {
		if tt.errs == "" {
			mark(tt.conf, good)
		} else {
			// Only the directive on the failing line counts as refused.
			line := strings.Split(tt.conf, "\n")[lineOf(tt.errs)-1]
			mark(line, bad)
		}
	}
	for _, tt := range badValues {
		mark(strings.Split(tt.conf, "\n")[lineOf(tt.errs)-1], bad)
	}
	for _, s := range table {
		n := strings.ToLower(s.name)
		if !good[n] {
			t.Errorf("%s has no good case", s.name)
		}
		if !bad[n] {
			t.Errorf("%s has no bad case", s.name)
		}
	}
}

// lineOf returns the line of the first "mainFile:line: " error in errs.
func lineOf(errs string) int {
	rest := strings.TrimPrefix(errs, mainFile+":")
	n := 0
	for _, c := range rest {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
