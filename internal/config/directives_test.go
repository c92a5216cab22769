package config

import (
	"crypto/tls"
	"io/fs"
	"log/slog"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// at returns "mainFile:line: msg".
func at(line int, msg string) string { return mainFile + ":" + strconv.Itoa(line) + ": " + msg }

// vh wraps directives in a virtual host that starts on line 1, so they are on lines 2….
func vh(body string) string { return "<VirtualHost *:21>\n" + body + "\n</VirtualHost>\n" }

// dir wraps directives in <Directory /srv/ftp> on line 1.
func dir(body string) string { return "<Directory /srv/ftp>\n" + body + "\n</Directory>\n" }

// tls12Only is the SSLEngine line tests add where a directive needs TLS.
const sslOn = "SSLEngine on\n"

type check func(t *testing.T, c *Config)

func onMain(f func(t *testing.T, s *Server)) check {
	return func(t *testing.T, c *Config) { f(t, c.Main) }
}

func onVHost(f func(t *testing.T, s *Server)) check {
	return func(t *testing.T, c *Config) { f(t, c.Servers()[1]) }
}

func onDir(f func(t *testing.T, sc *Scope)) check {
	return func(t *testing.T, c *Config) { f(t, c.Main.Directories[0]) }
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %#v, want %#v", what, got, want)
	}
}

// directiveTests are the directive table's cases, good values and bad; FuzzConfig seeds from them.
var directiveTests = []struct {
	name  string
	conf  string
	errs  string
	notes []string
	check check
}{
	// Table-level errors.
	{name: "unknown directive", conf: "FTP On\nFrobnicate 1 2\n", errs: at(2, "unknown directive Frobnicate")},
	{name: "unknown directive with a hint", conf: dir("Order allow,deny"), errs: at(2, "unknown directive Order (mod_access_compat is not supported; use Require)")},
	{name: "unknown directive with odd bytes", conf: "Fr\x01b\n", errs: at(1, `unknown directive "Fr\x01b"`)},
	{name: "unknown section", conf: "<If \"true\">\n</If>\n", errs: at(1, "unknown section <If>")},
	{name: "directive written as section", conf: "<FTP On>\n</FTP>\n", errs: at(1, "FTP is a directive, not a section: write it without < >")},
	{name: "section written as directive", conf: "VirtualHost *:21\n", errs: at(1, "VirtualHost is a section: write <VirtualHost ...> ... </VirtualHost>")},
	{name: "names are case-insensitive", conf: "ftp on\nftptimeoutidle 30\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "FTP", s.FTPEnabled(), true)
		eq(t, "idle", s.FTPTimeoutIdle.Value, 30*time.Second)
	})},
	{name: "several errors, sorted", conf: "FTP maybe\nFrobnicate\nFTPUmask 9\n", errs: at(1, "FTP: maybe is not On or Off") + "\n" +
		at(2, "unknown directive Frobnicate") + "\n" + at(3, "FTPUmask: 9 is not an octal umask (000 to 777)")},

	// Listen.
	{name: "Listen port", conf: "Listen 21", check: func(t *testing.T, c *Config) {
		eq(t, "listen", c.Listen, []Listen{{At: Pos{mainFile, 1}, Port: 21}})
		eq(t, "addr", c.Listen[0].Addr(), ":21")
	}},
	{name: "Listen addresses", conf: "Listen 127.0.0.1:2121 ftp\nListen [::1]:990 FTPS\nListen *:2122\nListen localhost:0\n", check: func(t *testing.T, c *Config) {
		var got []string
		for _, l := range c.Listen {
			got = append(got, l.Addr()+" "+l.Protocol)
		}
		eq(t, "listen", got, []string{"127.0.0.1:2121 ftp", "[::1]:990 ftps", ":2122 ", "localhost:0 "})
	}},
	{name: "Listen arity", conf: "Listen", errs: at(1, "Listen takes 1 or 2 arguments, got 0 (Listen [addr:]port [protocol])")},
	{name: "Listen bad port", conf: "Listen 70000", errs: at(1, "Listen: 70000 is not a port number (0 to 65535)")},
	{name: "Listen bare IPv6", conf: "Listen ::1:21", errs: at(1, "Listen: ::1:21: write an IPv6 address in brackets, [addr]:port")},
	{name: "Listen bad bracket", conf: "Listen [::1]21", errs: at(1, "Listen: [::1]21 is not [IPv6]:port")},
	{name: "Listen bad protocol", conf: "Listen 21 ft/p", errs: at(1, "Listen: ft/p is not a protocol name")},
	{name: "Listen twice", conf: "Listen 21\nListen 21 ftp\n", errs: at(2, "Listen :21: already listening there (line 1)")},
	{name: "Listen overlapping", conf: "Listen 21\nListen 127.0.0.1:21\n", errs: at(2, "Listen 127.0.0.1:21 overlaps Listen :21 (line 1) on every address")},
	{name: "Listen port 0 twice is fine", conf: "Listen 127.0.0.1:0\nListen 127.0.0.1:0\n"},
	{name: "Listen in a virtual host", conf: vh("Listen 21"), errs: at(2, "Listen is not allowed in <VirtualHost> (allowed in server config)")},

	// ServerRoot, ServerName, ServerAlias, DocumentRoot.
	{name: "relative paths use the config directory", conf: "DocumentRoot htdocs\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "root", s.DocumentRoot.Value, "/etc/ftpsd/htdocs")
	})},
	{name: "ServerRoot", conf: "DocumentRoot htdocs\nServerRoot /opt/ftpsd\n", check: func(t *testing.T, c *Config) {
		eq(t, "ServerRoot", c.ServerRoot, "/opt/ftpsd")
		eq(t, "root", c.Main.DocumentRoot.Value, "/opt/ftpsd/htdocs")
	}},
	{name: "relative ServerRoot", conf: "ServerRoot srv\n", check: func(t *testing.T, c *Config) { eq(t, "ServerRoot", c.ServerRoot, "/etc/ftpsd/srv") }},
	{name: "DocumentRoot empty", conf: `DocumentRoot ""`, errs: at(1, "DocumentRoot: empty path")},
	{name: "ServerName", conf: "ServerName ftp.example.com\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "name", s.ServerName, Opt[string]{"ftp.example.com", true, Pos{mainFile, 1}})
	})},
	{name: "ServerName with scheme and port", conf: "ServerName ftp://ftp.example.com:21\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "name", s.ServerName.Value, "ftp.example.com")
	})},
	{name: "ServerName IPv6", conf: "ServerName [2001:db8::1]:21\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "name", s.ServerName.Value, "2001:db8::1")
	})},
	{name: "ServerName bad", conf: "ServerName a/b", errs: at(1, "ServerName: a/b is not a host name")},
	{name: "ServerName bad port", conf: "ServerName a:b", errs: at(1, "ServerName: a:b is not host[:port]")},
	{name: "ServerAlias", conf: vh("ServerAlias ftp.example.com *.example.org\nServerAlias other"), check: func(t *testing.T, c *Config) {
		eq(t, "aliases", c.VirtualHosts[0].ServerAlias, []string{"ftp.example.com", "*.example.org", "other"})
	}},
	{name: "ServerAlias at server level", conf: "ServerAlias x", errs: at(1, "ServerAlias is not allowed in server config (allowed in <VirtualHost>)")},
	{name: "ServerAlias bad", conf: vh("ServerAlias a,b"), errs: at(2, "ServerAlias: a,b is not a host name")},

	// Logs.
	{name: "ErrorLog", conf: "ErrorLog logs/error_log\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "ErrorLog", s.ErrorLog.Value, "/etc/ftpsd/logs/error_log")
	})},
	{name: "ErrorLog piped", conf: "ErrorLog |/usr/bin/logger\n", errs: at(1, "ErrorLog: piped logs (|/usr/bin/logger) are not supported; write to a file and rotate it with SIGHUP")},
	{name: "ErrorLog syslog", conf: "ErrorLog syslog:local1\n", errs: at(1, "ErrorLog: syslog is not supported; write to a file")},
	{name: "LogLevel", conf: "LogLevel info\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "level", s.LogLevel.Value, slog.LevelInfo) })},
	{name: "LogLevel default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "level set", s.LogLevel.Set, false) })},
	{name: "LogLevel mapping", conf: "LogLevel crit\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "level", s.LogLevel.Value, slog.LevelError) })},
	{name: "LogLevel trace", conf: "LogLevel trace5\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "level", s.LogLevel.Value, slog.LevelDebug) })},
	{name: "LogLevel per module", conf: "LogLevel notice ssl:debug\n",
		notes: []string{at(1, "LogLevel: per-module levels (ssl:debug) are ignored; ftpsd has one level per server")},
		check: onMain(func(t *testing.T, s *Server) { eq(t, "level", s.LogLevel.Value, slog.LevelInfo) })},
	{name: "LogLevel bad", conf: "LogLevel loud", errs: at(1, "LogLevel: unknown level loud (emerg, alert, crit, error, warn, notice, info, debug, trace1-8)")},
	{name: "LogLevel bad module level", conf: "LogLevel ssl:loud", errs: at(1, "LogLevel: ssl:loud is not module:level")},
	{name: "LogFormat nickname and CustomLog", conf: "LogFormat \"%u [%a] %r %>s\" ftp_command\nCustomLog logs/cmd ftp_command\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "logs", s.CustomLogs, []CustomLog{{At: Pos{mainFile, 2}, Path: "/etc/ftpsd/logs/cmd", Format: "%u [%a] %r %>s", Nickname: "ftp_command"}})
	})},
	{name: "LogFormat after the CustomLog that uses it", conf: "CustomLog logs/cmd cmd\nLogFormat \"%u\" cmd\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "format", s.CustomLogs[0].Format, "%u")
	})},
	{name: "LogFormat default format", conf: "LogFormat \"%h %u\"\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "default", s.LogFormats[""].Value, "%h %u")
	})},
	{name: "LogFormat default from nickname", conf: "LogFormat \"%h %u\" short\nLogFormat short\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "default", s.LogFormats[""].Value, "%h %u")
	})},
	{name: "CustomLog inline format and env", conf: "CustomLog logs/x \"%u %f\" env=!quiet\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "log", s.CustomLogs[0], CustomLog{At: Pos{mainFile, 1}, Path: "/etc/ftpsd/logs/x", Format: "%u %f", Env: "quiet", EnvNot: true})
	})},
	{name: "CustomLog in vhost uses main's nickname", conf: "LogFormat %u short\n" + "<VirtualHost *:21>\nCustomLog /var/log/x short\n</VirtualHost>\n", check: func(t *testing.T, c *Config) {
		eq(t, "format", c.VirtualHosts[0].CustomLogs[0].Format, "%u")
	}},
	{name: "CustomLog unknown nickname", conf: "CustomLog logs/x nosuch\n", errs: at(1, `CustomLog: unknown log format nickname nosuch (define it with LogFormat "format" nosuch)`)},
	{name: "CustomLog expr", conf: "CustomLog logs/x \"%u\" expr=true\n", errs: at(1, "CustomLog: expr= conditions are not supported; use env=VARIABLE")},
	{name: "CustomLog bad condition", conf: "CustomLog logs/x \"%u\" when=x\n", errs: at(1, "CustomLog: when=x is not env=VARIABLE or env=!VARIABLE")},
	{name: "CustomLog bad env", conf: "CustomLog logs/x \"%u\" env=\n", errs: at(1, "CustomLog: env= is not env=VARIABLE or env=!VARIABLE")},
	{name: "CustomLog arity", conf: "CustomLog logs/x\n", errs: at(1, "CustomLog takes 2 or 3 arguments, got 1 (CustomLog file format|nickname [env=[!]variable])")},
	{name: "LogFormat unknown letter", conf: "LogFormat \"%u %j\" x\n", errs: at(1, "LogFormat: unknown format directive %j")},
	{name: "LogFormat unterminated brace", conf: "LogFormat \"%{abc\" x\n", errs: at(1, "LogFormat: unterminated %{ in format at offset 0")},
	{name: "LogFormat trailing percent", conf: "LogFormat \"abc %\" x\n", errs: at(1, `LogFormat: format ends in the middle of %`)},
	{name: "LogFormat conditions and modifiers", conf: "LogFormat \"%!200,304{User-agent}i %<s %>s %% %^ti %{%Y}t\" x\n"},
	{name: "LogFormat bad caret", conf: "LogFormat \"%^xx\" x\n", errs: at(1, "LogFormat: unknown format directive %^xx (only %^ti and %^to)")},

	// Accepted and ignored.
	{name: "LoadModule and AcceptFilter note once", conf: "LoadModule ftp_module modules/mod_ftp.so\nLoadModule ssl_module modules/mod_ssl.so\nAcceptFilter ftp none\nAcceptFilter ftps data\n",
		notes: []string{at(1, "LoadModule: nothing to load, ftpsd has mod_ftp built in"),
			at(3, "AcceptFilter: ignored, ftpsd uses no accept filters (the server speaks first on FTP)")}},
	{name: "LoadModule arity", conf: "LoadModule ftp_module\n", errs: at(1, "LoadModule takes 2 arguments, got 1 (LoadModule module file)")},
	{name: "LoadModule in a virtual host", conf: vh("LoadModule a b"), errs: at(2, "LoadModule is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "FTPLimitDBFile", conf: "FTPLimitDBFile logs/limits\n", notes: []string{at(1, "FTPLimitDBFile: not used, ftpsd counts sessions for FTPLimitLogin* in its own memory: one process serves every session, so there is nothing to share through a file")},
		check: onMain(func(t *testing.T, s *Server) { eq(t, "db", s.FTPLimitDBFile.Value, "/etc/ftpsd/logs/limits") })},
	{name: "FTPLimitDBFile in a virtual host", conf: vh("FTPLimitDBFile x"), errs: at(2, "FTPLimitDBFile is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "FTPLowPortSock", conf: "FTPLowPortSock On\n", notes: []string{at(1, "FTPLowPortSock: ignored, ftpsd never binds port 20 for active connections")},
		check: onMain(func(t *testing.T, s *Server) { eq(t, "low", s.FTPLowPortSock.Value, true) })},

	// ftpsd's directives for its process-wide flags.
	{name: "process settings", conf: "FTPWorkers 64\nFTPEventLoops 2\nGracefulShutdownTimeout 30\nFTPDataConnectTimeout 1500ms\nFTPFailDelay 0\nFTPTLSSessionReuse Optional\nFTPTLSHandshakeTimeout 5\nFTPTLSMaxHandshakes 32\nFTPProfile cpu\n",
		check: onMain(func(t *testing.T, s *Server) {
			p := s.Process
			eq(t, "workers", p.Workers.Value, 64)
			eq(t, "loops", p.EventLoops.Value, 2)
			eq(t, "grace", p.Grace.Value, 30*time.Second)
			eq(t, "data", p.DataConnectTimeout.Value, 1500*time.Millisecond)
			eq(t, "fail delay set", p.FailDelay.Set, true)
			eq(t, "fail delay", p.FailDelay.Value, time.Duration(0))
			eq(t, "reuse", p.TLSSessionReuse.Value, "optional")
			eq(t, "handshake", p.HandshakeTimeout.Value, 5*time.Second)
			eq(t, "handshakes", p.MaxHandshakes.Value, 32)
			eq(t, "profile", p.Profile.Value, "cpu")
		})},
	{name: "FTPWorkers in a virtual host", conf: "<VirtualHost *:21>\nFTPWorkers 8\n</VirtualHost>\n", errs: at(2, "FTPWorkers is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "FTPWorkers zero", conf: "FTPWorkers 0\n", errs: at(1, "FTPWorkers: 0 is not a number of workers (1 to 1000000)")},
	{name: "FTPEventLoops", conf: "FTPEventLoops many\n", errs: at(1, "FTPEventLoops: many is not a number of event loops (1 to 1024)")},
	{name: "GracefulShutdownTimeout", conf: "GracefulShutdownTimeout -1s\n", errs: at(1, "GracefulShutdownTimeout: -1s is not a number of seconds or a duration such as 500ms (at most 24h)")},
	{name: "FTPDataConnectTimeout", conf: "FTPDataConnectTimeout 25h\n", errs: at(1, "FTPDataConnectTimeout: 25h is not a number of seconds or a duration such as 500ms (at most 24h)")},
	{name: "FTPFailDelay", conf: "FTPFailDelay soon\n", errs: at(1, "FTPFailDelay: soon is not a number of seconds or a duration such as 500ms (at most 24h)")},
	{name: "FTPTLSSessionReuse", conf: "FTPTLSSessionReuse maybe\n", errs: at(1, "FTPTLSSessionReuse: maybe is not one of session, user, optional, required")},
	{name: "FTPTLSSessionReuse session", conf: "FTPTLSSessionReuse Session\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "reuse", s.Process.TLSSessionReuse.Value, "session") })},
	{name: "FTPTLSSessionReuse user", conf: "FTPTLSSessionReuse user\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "reuse", s.Process.TLSSessionReuse.Value, "user") })},
	{name: "FTPTLSSessionReuse required, the old word", conf: "FTPTLSSessionReuse required\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "reuse", s.Process.TLSSessionReuse.Value, "required") })},
	{name: "FTPTLSHandshakeTimeout", conf: "FTPTLSHandshakeTimeout x\n", errs: at(1, "FTPTLSHandshakeTimeout: x is not a number of seconds or a duration such as 500ms (at most 24h)")},
	{name: "FTPTLSMaxHandshakes", conf: "FTPTLSMaxHandshakes 0\n", errs: at(1, "FTPTLSMaxHandshakes: 0 is not a number of handshakes (1 to 1000000)")},
	{name: "first-flight bounds", conf: "FTPTLSMaxHandshakesPerIP 0\nFTPTLSFirstFlightTimeout 1500ms\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "per-IP set", s.Process.MaxHandshakesPerIP.Set, true)
		eq(t, "per-IP", s.Process.MaxHandshakesPerIP.Value, 0)
		eq(t, "first flight", s.Process.FirstFlightTimeout.Value, 1500*time.Millisecond)
	})},
	{name: "FTPTLSMaxHandshakesPerIP", conf: "FTPTLSMaxHandshakesPerIP -1\n", errs: at(1, "FTPTLSMaxHandshakesPerIP: -1 is not a number of handshakes (0 to 1000000)")},
	{name: "FTPTLSFirstFlightTimeout", conf: "FTPTLSFirstFlightTimeout soon\n", errs: at(1, "FTPTLSFirstFlightTimeout: soon is not a number of seconds or a duration such as 500ms (at most 24h)")},
	{name: "FTPTLSFirstFlightTimeout in a virtual host", conf: "<VirtualHost *:21>\nFTPTLSFirstFlightTimeout 2\n</VirtualHost>\n", errs: at(2, "FTPTLSFirstFlightTimeout is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "FTPProfile", conf: "FTPProfile heap\n", errs: at(1, "FTPProfile: heap is not one of cpu, mem, allocs, block, mutex, trace")},
	{name: "User, Group, PidFile", conf: "User ftp\nGroup #65534\nPidFile run/ftpsd.pid\n", check: onMain(func(t *testing.T, s *Server) {
		p := s.Process
		eq(t, "user", p.User.Value, "ftp")
		eq(t, "group", p.Group.Value, "#65534")
		eq(t, "pidfile", p.PidFile.Value, "/etc/ftpsd/run/ftpsd.pid")
	})},
	{name: "User number", conf: "User #x1\n", errs: at(1, "User: #x1 is not # and a number")},
	{name: "Group name", conf: "Group \"a b\"\n", errs: at(1, `Group: "a b" is not a user or group name`)},
	{name: "PidFile empty", conf: "PidFile \"\"\n", errs: at(1, "PidFile: empty path")},
	{name: "User in a virtual host", conf: "<VirtualHost *:21>\nUser ftp\n</VirtualHost>\n", errs: at(2, "User is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "FTPGlobMaxScan", conf: "FTPGlobMaxScan 50000\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "glob scan", s.Process.GlobMaxScan.Value, 50000) })},
	{name: "FTPGlobMaxScan zero", conf: "FTPGlobMaxScan 0\n", errs: at(1, "FTPGlobMaxScan: 0 is not a number of directory entries (1 to 100000000)")},
	{name: "FTPSynthetic", conf: "FTPSynthetic /synthetic\nFTPSink /sink\nFTPSyntheticMax 100G\nFTPSyntheticSeed \"run 42\"\nFTPSyntheticTree 50\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "mount", s.Process.Synth.Mount.Value, "/synthetic")
		eq(t, "sink", s.Process.Synth.Sink.Value, "/sink")
		eq(t, "max", s.Process.Synth.Max.Value, int64(100<<30))
		eq(t, "seed", s.Process.Synth.Seed.Value, "run 42")
		eq(t, "tree", s.Process.Synth.Tree.Value, 50)
	})},
	{name: "FTPSynthetic relative", conf: "FTPSynthetic synthetic\n", errs: at(1, "FTPSynthetic: synthetic is not an absolute, clean virtual path other than / (such as /synthetic)")},
	{name: "FTPSink root", conf: "FTPSink /\n", errs: at(1, "FTPSink: / is not an absolute, clean virtual path other than / (such as /synthetic)")},
	{name: "FTPSyntheticMax bad", conf: "FTPSyntheticMax 1X\n", errs: at(1, "FTPSyntheticMax: 1X is not a size such as 1T (bytes, or K, M, G, T for binary multiples)")},
	{name: "FTPSyntheticSeed empty", conf: "FTPSyntheticSeed \"\"\n", errs: at(1, "FTPSyntheticSeed: empty text")},
	{name: "FTPSyntheticTree zero", conf: "FTPSyntheticTree 0\n", errs: at(1, "FTPSyntheticTree: 0 is not a number of entries (1 to 1000000)")},
	{name: "FTPFault", conf: "FTPFaultDelay RETR=200ms,LIST=1ms-5ms\nFTPFaultReply RETR=421:0.5\nFTPFaultReset 1M:0.5\nFTPFaultSeed 42\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "delay", s.Process.Fault.Delay.Value, "RETR=200ms,LIST=1ms-5ms")
		eq(t, "reply", s.Process.Fault.Reply.Value, "RETR=421:0.5")
		eq(t, "reset", s.Process.Fault.Reset.Value, "1M:0.5")
		eq(t, "seed", s.Process.Fault.Seed.Value, 42)
	})},
	{name: "FTPFaultDelay bad", conf: "FTPFaultDelay RETR=soon\n", errs: at(1, `FTPFaultDelay: "RETR=soon": "soon" is not a duration such as 200ms`)},
	{name: "FTPFaultReply bad", conf: "FTPFaultReply RETR=200\n", errs: at(1, `FTPFaultReply: "RETR=200": "200" is not one of the codes 421, 425, 426, 450, 451, 452, 550`)},
	{name: "FTPFaultReset bad", conf: "FTPFaultReset 1M:2\n", errs: at(1, `FTPFaultReset: "1M:2": rate "2" is not above 0 and at most 1`)},
	{name: "FTPFaultStall", conf: "FTPFaultStall 64K:0.5\nFTPFaultNoAccept 0.25\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "stall", s.Process.Fault.Stall.Value, "64K:0.5")
		eq(t, "noaccept", s.Process.Fault.NoAccept.Value, "0.25")
	})},
	{name: "FTPFaultStall bad", conf: "FTPFaultStall x\n", errs: at(1, `FTPFaultStall: "x": "x" is not a byte count such as 64K`)},
	{name: "FTPFaultNoAccept bad", conf: "FTPFaultNoAccept 1.5\n", errs: at(1, `FTPFaultNoAccept: "1.5": rate "1.5" is not above 0 and at most 1`)},
	{name: "FTPFaultTLSDelay", conf: "FTPFaultTLSDelay 1s-2s\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "tls delay", s.Process.Fault.TLSDelay.Value, "1s-2s") })},
	{name: "FTPFaultTLSDelay bad", conf: "FTPFaultTLSDelay 2s-1s\n", errs: at(1, `FTPFaultTLSDelay: "2s-1s" is not a duration such as 200ms, or a range such as 1s-3s`)},
	{name: "FTPFaultSeed bad", conf: "FTPFaultSeed 0\n", errs: at(1, "FTPFaultSeed: 0 is not a seed (1 to 4611686018427387904)")},
	{name: "FTPGlobMaxScan in a virtual host", conf: vh("FTPGlobMaxScan 5"), errs: at(2, "FTPGlobMaxScan is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "buffer caps", conf: "FTPMaxPendingInput 16K\nFTPMaxQueuedOutput 2M\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "pending", s.Process.MaxPendingInput.Value, int64(16<<10))
		eq(t, "queued", s.Process.MaxQueuedOutput.Value, int64(2<<20))
	})},
	{name: "FTPMaxPendingInput too small", conf: "FTPMaxPendingInput 100\n", errs: at(1, "FTPMaxPendingInput: 100 is not a size from 1K to 1G")},
	{name: "FTPMaxQueuedOutput", conf: "FTPMaxQueuedOutput lots\n", errs: at(1, "FTPMaxQueuedOutput: lots is not a size from 1K to 1G")},

	// mod_ssl.
	{name: "SSLEngine", conf: "SSLEngine On\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "tls", s.TLSEnabled(), true) })},
	{name: "SSLEngine default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "tls", s.TLSEnabled(), false) })},
	{name: "SSLEngine optional", conf: "SSLEngine optional\n", errs: at(1, "SSLEngine: optional is not On or Off")},
	{name: "certificates pair by order", conf: "SSLCertificateFile rsa.crt\nSSLCertificateKeyFile rsa.key\nSSLCertificateFile /etc/ec.pem\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "certs", s.SSL.CertificateFile, []Opt[string]{{"/etc/ftpsd/rsa.crt", true, Pos{mainFile, 1}}, {"/etc/ec.pem", true, Pos{mainFile, 3}}})
		eq(t, "keys", s.SSL.CertificateKeyFile, []Opt[string]{{"/etc/ftpsd/rsa.key", true, Pos{mainFile, 2}}})
	})},
	{name: "key without certificate", conf: "SSLCertificateKeyFile a.key\n", errs: at(1, "SSLCertificateKeyFile without a matching SSLCertificateFile before it")},
	{name: "chain and CA files", conf: "SSLCertificateChainFile chain.pem\nSSLCACertificateFile /etc/ca.pem\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "chain", s.SSL.CertificateChainFile.Value, "/etc/ftpsd/chain.pem")
		eq(t, "ca", s.SSL.CACertificateFile.Value, "/etc/ca.pem")
	})},
	{name: "SSLVerifyClient", conf: "SSLVerifyClient require\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "verify", s.SSL.VerifyClient.Value, VerifyRequire) })},
	{name: "SSLVerifyClient optional_no_ca", conf: "SSLVerifyClient OPTIONAL_NO_CA\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "verify", s.SSL.VerifyClient.Value.String(), "optional_no_ca") })},
	{name: "SSLVerifyClient bad", conf: "SSLVerifyClient maybe\n", errs: at(1, "SSLVerifyClient: maybe is not none, optional, require or optional_no_ca")},
	{name: "SSLVerifyDepth", conf: "SSLVerifyDepth 3\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "depth", s.SSL.VerifyDepth.Or(DefaultVerifyDepth), 3) })},
	{name: "SSLVerifyDepth bad", conf: "SSLVerifyDepth -1\n", errs: at(1, "SSLVerifyDepth: -1 is not a depth (0 to 100)")},
	{name: "SSLProtocol default", conf: "", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS12, tls.VersionTLS13})
	})},
	{name: "SSLProtocol all -SSLv3", conf: "SSLProtocol all -SSLv3\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS12, tls.VersionTLS13})
	})},
	{name: "SSLProtocol -all +TLSv1.2", conf: "SSLProtocol -all +TLSv1.2\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS12, tls.VersionTLS12})
	})},
	{name: "SSLProtocol TLSv1.3 only", conf: "SSLProtocol tlsv1.3\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS13, tls.VersionTLS13})
	})},
	{name: "SSLProtocol old versions clamped", conf: "SSLProtocol +TLSv1 +TLSv1.1 +TLSv1.2\n",
		notes: []string{at(1, "SSLProtocol: TLSv1, TLSv1.1 not supported; ftpsd speaks TLSv1.2 and TLSv1.3 only")},
		check: onMain(func(t *testing.T, s *Server) {
			eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS12, tls.VersionTLS12})
		})},
	{name: "SSLProtocol bare name replaces", conf: "SSLProtocol TLSv1.2 TLSv1.3\n",
		notes: []string{at(1, "SSLProtocol: TLSv1.3 replaces the protocols listed before it; write +TLSv1.3 to add it")},
		check: onMain(func(t *testing.T, s *Server) {
			eq(t, "versions", s.SSL.Versions(), Versions{tls.VersionTLS13, tls.VersionTLS13})
		})},
	{name: "SSLProtocol nothing supported", conf: "SSLProtocol TLSv1\n", errs: at(1, "SSLProtocol: enables neither TLSv1.2 nor TLSv1.3, the only protocols ftpsd speaks")},
	{name: "SSLProtocol unknown", conf: "SSLProtocol SSLv2\n", errs: at(1, "SSLProtocol: unknown protocol SSLv2 (SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3, all)")},
	{name: "SSLCipherSuite names", conf: "SSLCipherSuite ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "suites", s.SSL.CipherSuite.Value, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256})
	})},
	{name: "SSLCipherSuite keywords", conf: "SSLCipherSuite HIGH:!aNULL:!MD5\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "count", len(s.SSL.CipherSuite.Value), 6)
	})},
	{name: "SSLCipherSuite with protocol SSL", conf: "SSLCipherSuite SSL ECDHE+AESGCM:!ECDSA\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "suites", s.SSL.CipherSuite.Value, []uint16{tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384})
	})},
	{name: "SSLCipherSuite skips suites ftpsd lacks", conf: "SSLCipherSuite ECDHE-ECDSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:AES128-SHA\n",
		notes: []string{at(1, "SSLCipherSuite: DHE-RSA-AES128-GCM-SHA256, AES128-SHA not offered by ftpsd (TLS 1.2: ECDHE with AES-GCM or ChaCha20-Poly1305 only); skipped")},
		check: onMain(func(t *testing.T, s *Server) {
			eq(t, "suites", s.SSL.CipherSuite.Value, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256})
		})},
	{name: "SSLCipherSuite TLSv1.3", conf: "SSLCipherSuite TLSv1.3 TLS_AES_256_GCM_SHA384\n",
		notes: []string{at(1, "SSLCipherSuite TLSv1.3: ignored, crypto/tls does not let TLS 1.3 suites be configured")},
		check: onMain(func(t *testing.T, s *Server) { eq(t, "set", s.SSL.CipherSuite.Set, false) })},
	{name: "SSLCipherSuite unknown", conf: "SSLCipherSuite ECDHE-RSA-AES128-GCM-SHA265\n", errs: at(1, "SSLCipherSuite: unknown cipher or keyword ECDHE-RSA-AES128-GCM-SHA265")},
	{name: "SSLCipherSuite empty result", conf: "SSLCipherSuite RC4:3DES\n", errs: at(1, "SSLCipherSuite: selects none of the TLS 1.2 suites ftpsd offers ("+offeredNames()+")")},
	{name: "SSLCipherSuite bad protocol", conf: "SSLCipherSuite TLSv1.2 HIGH\n", errs: at(1, "SSLCipherSuite: TLSv1.2 is not SSL or TLSv1.3")},
	{name: "SSLOpenSSLConfCmd Curves", conf: "SSLOpenSSLConfCmd Curves X25519:secp384r1\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "groups", s.SSL.Groups.Value, []tls.CurveID{tls.X25519, tls.CurveP384})
	})},
	{name: "SSLOpenSSLConfCmd Groups, any case", conf: "SSLOpenSSLConfCmd groups x25519mlkem768:P-256\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "groups", s.SSL.Groups.Value, []tls.CurveID{tls.X25519MLKEM768, tls.CurveP256})
	})},
	{name: "SSLOpenSSLConfCmd Curves skips groups ftpsd lacks", conf: "SSLOpenSSLConfCmd Curves X25519:X448:ffdhe2048\n",
		notes: []string{at(1, "SSLOpenSSLConfCmd: X448, ffdhe2048 not negotiated by ftpsd (crypto/tls); skipped")},
		check: onMain(func(t *testing.T, s *Server) { eq(t, "groups", s.SSL.Groups.Value, []tls.CurveID{tls.X25519}) })},
	{name: "SSLOpenSSLConfCmd Curves unknown", conf: "SSLOpenSSLConfCmd Curves X25519:P-265\n", errs: at(1, "SSLOpenSSLConfCmd: unknown group P-265 ("+groupList+")")},
	{name: "SSLOpenSSLConfCmd Curves nothing left", conf: "SSLOpenSSLConfCmd Curves X448\n",
		notes: []string{at(1, "SSLOpenSSLConfCmd: X448 not negotiated by ftpsd (crypto/tls); skipped")},
		errs:  at(1, "SSLOpenSSLConfCmd: selects none of the groups ftpsd negotiates ("+groupList+")")},
	{name: "SSLOpenSSLConfCmd other command", conf: "SSLOpenSSLConfCmd SignatureAlgorithms RSA+SHA256\n", errs: at(1, "SSLOpenSSLConfCmd: SignatureAlgorithms is not supported; ftpsd takes Curves (or Groups) only")},
	{name: "SSLOpenSSLConfCmd protocol command", conf: "SSLOpenSSLConfCmd MinProtocol TLSv1.2\n", errs: at(1, "SSLOpenSSLConfCmd: MinProtocol is not supported; set the protocols with SSLProtocol")},
	{name: "SSLOpenSSLConfCmd arity", conf: "SSLOpenSSLConfCmd Curves\n", errs: at(1, "SSLOpenSSLConfCmd takes 2 arguments, got 1 (SSLOpenSSLConfCmd command-name command-value)")},
	{name: "SSLUserName", conf: "SSLUserName SSL_CLIENT_S_DN_CN\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "user", s.SSL.UserName.Value, "SSL_CLIENT_S_DN_CN") })},
	{name: "SSLUserName bad", conf: "SSLUserName REMOTE_USER\n", errs: at(1, "SSLUserName: REMOTE_USER is not supported (SSL_CLIENT_S_DN_CN, SSL_CLIENT_S_DN_UID, SSL_CLIENT_S_DN_Email, SSL_CLIENT_SAN_Email_0, SSL_CLIENT_S_DN)")},

	// mod_ftp.
	{name: "FTP default off", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "ftp", s.FTPEnabled(), false) }),
		notes: []string{mainFile + ": no server has FTP On: every connection will be refused"}},
	{name: "FTP bad", conf: "FTP yes\n", errs: at(1, "FTP: yes is not On or Off")},
	{name: "FTP arity", conf: "FTP On Off\n", errs: at(1, "FTP takes 1 argument, got 2 (FTP on|off)")},
	{name: "FTPImplicitSSL", conf: sslOn + "FTPImplicitSSL On\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "implicit", s.ImplicitSSL(), true) })},
	{name: "FTPImplicitSSL needs SSLEngine", conf: "FTPImplicitSSL On\n", errs: at(1, "FTPImplicitSSL On needs SSLEngine on in the same server")},
	{name: "FTPOptions bare", conf: sslOn + "FTPOptions RequireSSL nlstshowdirs\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "options", s.FTPOptions.Apply(0), RequireSSL|NLSTShowDirs)
	})},
	{name: "FTPOptions every name", conf: sslOn + "FTPOptions RequireSSL AllowProxyPASV AllowProxyPORT NLSTShowDirs NLSTIsLIST LISTIsNLST NoUTF8Feature RemoveUserGroup StripHostname VirtualHostLogin CheckMaxClients\n",
		check: onMain(func(t *testing.T, s *Server) { eq(t, "options", s.FTPOptions.Apply(0), FTPOption(1<<11-1)) })},
	{name: "FTPOptions plus and minus", conf: "FTPOptions NLSTShowDirs NoUTF8Feature\nFTPOptions +StripHostname -NoUTF8Feature\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "options", s.FTPOptions.Apply(0).String(), "NLSTShowDirs StripHostname")
	})},
	{name: "FTPOptions mixed", conf: "FTPOptions NLSTShowDirs +StripHostname\n", errs: at(1, "FTPOptions: either every option starts with + or -, or none does")},
	{name: "FTPOptions unknown", conf: "FTPOptions Indexes\n", errs: at(1, "FTPOptions: unknown option Indexes")},
	{name: "FTPOptions RequireSSL needs SSLEngine", conf: "FTPOptions RequireSSL\n", errs: at(1, "FTPOptions RequireSSL needs SSLEngine on in the same server")},
	{name: "FTPPASVrange two arguments", conf: "FTPPASVrange 50000 50100\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "range", s.FTPPASVRange.Value, PortRange{50000, 50100}) })},
	{name: "FTPPASVrange lo-hi", conf: "FTPPASVrange 50000-50100\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "range", s.FTPPASVRange.Value, PortRange{50000, 50100}) })},
	{name: "FTPPASVrange one port", conf: "FTPPASVrange 50000\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "range", s.FTPPASVRange.Value, PortRange{50000, 50000}) })},
	{name: "FTPPASVrange reversed", conf: "FTPPASVrange 50100 50000\n", errs: at(1, "FTPPASVrange: range 50100-50000 is empty (low port above high port)")},
	{name: "FTPPASVrange zero", conf: "FTPPASVrange 0 10\n", errs: at(1, "FTPPASVrange: 0 is not a port number (1 to 65535)")},
	{name: "FTPPASVrange arity", conf: "FTPPASVrange 1 2 3\n", errs: at(1, "FTPPASVrange takes 1 or 2 arguments, got 3 (FTPPASVrange min [max])")},
	{name: "FTPPASVaddr", conf: "FTPPASVaddr 203.0.113.7\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "addr", s.FTPPASVAddr.Value, netip.MustParseAddr("203.0.113.7")) })},
	{name: "FTPPASVaddr IPv6", conf: "FTPPASVaddr 2001:db8::7\n", errs: at(1, "FTPPASVaddr: 2001:db8::7 is not an IPv4 address (a 227 reply carries IPv4 only)")},
	{name: "FTPPASVaddr name", conf: "FTPPASVaddr ftp.example.com\n", errs: at(1, "FTPPASVaddr: ftp.example.com is not an IP address")},
	{name: "FTPPASVbindaddr", conf: "FTPPASVbindaddr [::]\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "addr", s.FTPPASVBindAddr.Value, netip.IPv6Unspecified()) })},
	{name: "FTPEPSVIgnoreFamily", conf: "FTPEPSVIgnoreFamily off\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "ignore", s.EPSVIgnoreFamily(), false) })},
	{name: "FTPEPSVIgnoreFamily default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "ignore", s.EPSVIgnoreFamily(), true) })},
	{name: "FTPActiveRange", conf: "FTPActiveRange 20000 20100\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "range", s.FTPActiveRange.Value, PortRange{20000, 20100}) })},
	{name: "FTPUmask at server level", conf: "FTPUmask 027\nFTPDirUmask 0\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "umask", s.Dir.Umask(), fs.FileMode(0o027))
		eq(t, "dirumask", s.Dir.DirUmask(), fs.FileMode(0))
	})},
	{name: "FTPUmask default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "umask", s.Dir.Umask(), fs.FileMode(0o022)) })},
	{name: "FTPUmask in Directory", conf: dir("FTPUmask 077"), check: onDir(func(t *testing.T, sc *Scope) { eq(t, "umask", sc.Umask(), fs.FileMode(0o077)) })},
	{name: "FTPUmask bad", conf: "FTPUmask 1000\n", errs: at(1, "FTPUmask: 1000 is not an octal umask (000 to 777)")},
	{name: "FTPTimeouts", conf: "FTPTimeoutLogin 30\nFTPTimeoutIdle 900\nFTPTimeoutData 60\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "timeouts", []time.Duration{s.FTPTimeoutLogin.Value, s.FTPTimeoutIdle.Value, s.FTPTimeoutData.Value}, []time.Duration{30 * time.Second, 900 * time.Second, time.Minute})
	})},
	{name: "FTPTimeouts default", conf: "", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "timeouts set", []bool{s.FTPTimeoutLogin.Set, s.FTPTimeoutIdle.Set, s.FTPTimeoutData.Set}, []bool{false, false, false})
	})},
	{name: "FTPTimeoutIdle zero", conf: "FTPTimeoutIdle 0\n", errs: at(1, "FTPTimeoutIdle: 0 is not a number of seconds (1 to 86400)")},
	{name: "FTPTimeoutData fraction", conf: "FTPTimeoutData 1.5\n", errs: at(1, "FTPTimeoutData: 1.5 is not a number of seconds (1 to 86400)")},
	{name: "FTPMaxLoginAttempts", conf: "FTPMaxLoginAttempts 5\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "max", s.FTPMaxLoginAttempts.Value, 5) })},
	{name: "FTPMaxLoginAttempts default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "max set", s.FTPMaxLoginAttempts.Set, false) })},
	{name: "FTPMaxLoginAttempts zero", conf: "FTPMaxLoginAttempts 0\n", errs: at(1, "FTPMaxLoginAttempts: 0 is not a number of attempts (1 to 1000)")},
	{name: "FTPBannerMessage text", conf: "FTPBannerMessage \"Welcome to %v\"\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "banner", s.FTPBannerMessage.Value, Message{Text: "Welcome to %v"})
	})},
	{name: "FTPBannerMessage file", conf: "FTPBannerMessage file:banner.txt\nFTPExitMessage FILE:/etc/bye\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "banner", s.FTPBannerMessage.Value, Message{File: "/etc/ftpsd/banner.txt"})
		eq(t, "exit", s.FTPExitMessage.Value, Message{File: "/etc/bye"})
	})},
	{name: "FTPBannerMessage empty file", conf: "FTPBannerMessage file:\n", errs: at(1, "FTPBannerMessage: file: names no file")},
	{name: "FTPBannerMessage unquoted words", conf: "FTPBannerMessage Hello there\n", errs: at(1, "FTPBannerMessage takes 1 argument, got 2 (FTPBannerMessage message|file:path)")},
	{name: "FTPReadmeMessage in Directory", conf: dir("FTPReadmeMessage file:README"), check: onDir(func(t *testing.T, sc *Scope) {
		eq(t, "readme", sc.FTPReadmeMessage.Value, Message{File: "README"})
	})},
	{name: "FTPHomeDir", conf: "FTPHomeDir home/\nFTPJailUser On\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "home", s.FTPHomeDir.Value, "/home")
		eq(t, "jail", s.FTPJailUser.Value, true)
	})},
	{name: "FTPDocRootEnv", conf: "FTPDocRootEnv FTP_ROOT\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "env", s.FTPDocRootEnv.Value, "FTP_ROOT") })},
	{name: "FTPDocRootEnv bad", conf: "FTPDocRootEnv 1ROOT\n", errs: at(1, "FTPDocRootEnv: 1ROOT is not an environment variable name")},
	{name: "FTPLimitLogin", conf: "FTPLimitLoginIP 3\nFTPLimitLoginUser 2\nFTPLimitLoginServer 100\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "limits", []int{s.FTPLimitLoginIP.Value, s.FTPLimitLoginUser.Value, s.FTPLimitLoginServer.Value}, []int{3, 2, 100})
	})},
	{name: "FTPLimitLoginIP bad", conf: "FTPLimitLoginIP many\n", errs: at(1, "FTPLimitLoginIP: many is not a number of logins (0 to 1000000)")},
	{name: "FTPDataBlockSize", conf: "FTPDataBlockSize 65536\n", check: onMain(func(t *testing.T, s *Server) { eq(t, "block", s.FTPDataBlockSize.Value, 65536) })},
	{name: "FTPDataBlockSize default", conf: "", check: onMain(func(t *testing.T, s *Server) { eq(t, "block set", s.FTPDataBlockSize.Set, false) })},
	{name: "FTPDataBlockSize zero", conf: "FTPDataBlockSize 0\n", errs: at(1, "FTPDataBlockSize: 0 is not a block size in bytes (1 to 16777216)")},

	// Authentication and authorization.
	{name: "auth in Directory", conf: dir("AuthType Basic\nAuthName \"FTP users\"\nAuthBasicProvider file anon\nAuthUserFile conf/htpasswd\nAuthGroupFile /etc/groups\n" +
		"Anonymous anonymous ftp\nAnonymous guest\nAnonymous_MustGiveEmail Off\nAnonymous_NoUserID on\nAnonymous_LogEmail off\nAnonymous_VerifyEmail on"),
		check: onDir(func(t *testing.T, sc *Scope) {
			eq(t, "type", sc.AuthType.Value, AuthBasic)
			eq(t, "name", sc.AuthName.Value, "FTP users")
			eq(t, "providers", sc.Providers(), []Provider{ProviderFile, ProviderAnon})
			eq(t, "users", sc.AuthUserFile.Value, "/etc/ftpsd/conf/htpasswd")
			eq(t, "groups", sc.AuthGroupFile.Value, "/etc/groups")
			eq(t, "anonymous", sc.Anonymous.Value, []string{"anonymous", "ftp", "guest"})
			eq(t, "flags", []bool{sc.MustGiveEmail(), sc.NoUserID(), sc.LogEmail(), sc.VerifyEmail()}, []bool{false, true, false, true})
		})},
	{name: "anonymous defaults", conf: dir("AuthType None"), check: onDir(func(t *testing.T, sc *Scope) {
		eq(t, "flags", []bool{sc.MustGiveEmail(), sc.NoUserID(), sc.LogEmail(), sc.VerifyEmail()}, []bool{true, false, true, false})
		eq(t, "providers", sc.Providers(), []Provider{ProviderFile})
		eq(t, "type", sc.AuthType.Value.String(), "None")
	})},
	{name: "AuthType Digest", conf: dir("AuthType Digest"), errs: at(2, "AuthType: Digest is not supported; FTP sends a user and a password, so use Basic")},
	{name: "AuthType at server level", conf: "AuthType Basic\n", errs: at(1, "AuthType is not allowed in server config (allowed in <Directory>, <Location>)")},
	{name: "AuthUserFile in a virtual host", conf: vh("AuthUserFile x"), errs: at(2, "AuthUserFile is not allowed in <VirtualHost> (allowed in <Directory>, <Location>)")},
	{name: "AuthType in Limit", conf: dir("<Limit STOR>\nAuthType Basic\n</Limit>"), errs: at(3, "AuthType is not allowed in <Limit> (allowed in <Directory>, <Location>)")},
	{name: "AuthBasicProvider ldap", conf: dir("AuthBasicProvider file ldap"), errs: at(2, "AuthBasicProvider: provider ldap is not supported (file, anon)")},
	{name: "Anonymous_NoUserID bad", conf: dir("Anonymous_NoUserID sometimes"), errs: at(2, "Anonymous_NoUserID: sometimes is not On or Off")},
	{name: "Require kinds", conf: dir("Require valid-user\nRequire user alice bob\nRequire group staff\nRequire all granted\nRequire all DENIED"), check: onDir(func(t *testing.T, sc *Scope) {
		eq(t, "require", sc.Require, []Require{
			{At: Pos{mainFile, 2}, Kind: RequireValidUser},
			{At: Pos{mainFile, 3}, Kind: RequireUser, Names: []string{"alice", "bob"}},
			{At: Pos{mainFile, 4}, Kind: RequireGroup, Names: []string{"staff"}},
			{At: Pos{mainFile, 5}, Kind: RequireAllGranted},
			{At: Pos{mainFile, 6}, Kind: RequireAllDenied},
		})
	})},
	{name: "Require valid-user with names", conf: dir("Require valid-user bob"), errs: at(2, "Require: valid-user takes no names")},
	{name: "Require user without names", conf: dir("Require user"), errs: at(2, "Require: user needs at least one name")},
	{name: "Require all maybe", conf: dir("Require all maybe"), errs: at(2, "Require: all takes granted or denied, not maybe")},
	{name: "Require ip", conf: dir("Require ip 10.0.0.0/8"), errs: at(2, "Require: Require ip is not supported (valid-user, user, group, all granted, all denied)")},
	{name: "Require not", conf: dir("Require not user bob"), errs: at(2, "Require: Require not needs <RequireAll>, which ftpsd does not support")},
	{name: "Require unknown", conf: dir("Require wizard"), errs: at(2, "Require: unknown requirement wizard (valid-user, user, group, all granted, all denied)")},
	{name: "Require at server level", conf: "Require all denied\n", errs: at(1, "Require is not allowed in server config (allowed in <Directory>, <Location>, <Limit>)")},
	{name: "Limit at server level", conf: "<Limit STOR DELE>\nRequire all denied\n</Limit>\n", check: onMain(func(t *testing.T, s *Server) {
		eq(t, "limits", s.Dir.Limits, []*Limit{{At: Pos{mainFile, 1}, Verbs: []string{"STOR", "DELE"}, Require: []Require{{At: Pos{mainFile, 2}, Kind: RequireAllDenied}}}})
	})},
	{name: "LimitExcept folds X verbs", conf: dir("<LimitExcept retr xmkd XCWD>\nRequire user admin\n</LimitExcept>"), check: onDir(func(t *testing.T, sc *Scope) {
		eq(t, "limit", *sc.Limits[0], Limit{At: Pos{mainFile, 2}, Except: true, Verbs: []string{"RETR", "MKD", "CWD"}, Require: []Require{{At: Pos{mainFile, 3}, Kind: RequireUser, Names: []string{"admin"}}}})
	})},
	{name: "Limit HTTP method", conf: dir("<Limit GET>\n</Limit>"), errs: at(2, "<Limit>: GET is an HTTP method; name FTP commands (RETR)")},
	{name: "Limit unknown verb", conf: dir("<Limit FROB>\n</Limit>"), errs: at(2, "<Limit>: FROB is not an FTP command")},
	{name: "Limit without verbs", conf: dir("<Limit>\n</Limit>"), errs: at(2, "<Limit> takes at least 1 argument, got 0 (<Limit COMMAND ...>)")},
	{name: "Limit in Limit", conf: "<Limit STOR>\n<Limit DELE>\n</Limit>\n</Limit>\n", errs: at(2, "<Limit> is not allowed in <Limit> (allowed in server config, <VirtualHost>, <Directory>, <Location>)")},
	{name: "bad Limit still checks its body", conf: dir("<Limit GET>\nRequire wizard\n</Limit>"), errs: at(2, "<Limit>: GET is an HTTP method; name FTP commands (RETR)") + "\n" +
		at(3, "Require: unknown requirement wizard (valid-user, user, group, all granted, all denied)")},

	// Sections.
	{name: "VirtualHost addresses", conf: "<VirtualHost _default_:21 *:2121 192.0.2.1:21 [2001:db8::1]:990 * *:* 192.0.2.2 ::ffff:192.0.2.3>\n</VirtualHost>\n", check: func(t *testing.T, c *Config) {
		var got []string
		for _, a := range c.VirtualHosts[0].Addrs {
			got = append(got, a.String())
		}
		eq(t, "addrs", got, []string{"_default_:21", "*:2121", "192.0.2.1:21", "[2001:db8::1]:990", "*:*", "*:*", "192.0.2.2:*", "192.0.2.3:*"})
	}},
	{name: "VirtualHost name", conf: "<VirtualHost ftp.example.com:21>\n</VirtualHost>\n", errs: at(1, "<VirtualHost>: ftp.example.com is not an IP address, * or _default_ (ftpsd does not resolve host names)")},
	{name: "VirtualHost bad port", conf: "<VirtualHost *:99999>\n</VirtualHost>\n", errs: at(1, "<VirtualHost>: 99999 is not a port number (0 to 65535)")},
	{name: "VirtualHost unterminated IPv6", conf: "<VirtualHost [::1>\n</VirtualHost>\n", errs: at(1, "<VirtualHost>: [::1: unterminated [IPv6] address")},
	{name: "VirtualHost without address", conf: "<VirtualHost>\n</VirtualHost>\n", errs: at(1, "<VirtualHost> takes at least 1 argument, got 0 (<VirtualHost addr[:port] ...>)")},
	{name: "bad VirtualHost still checks its body", conf: "<VirtualHost ftp.example.com>\nFTP maybe\n</VirtualHost>\n", errs: at(1, "<VirtualHost>: ftp.example.com is not an IP address, * or _default_ (ftpsd does not resolve host names)") + "\n" +
		at(2, "FTP: maybe is not On or Off")},
	{name: "VirtualHost nested", conf: "<VirtualHost *:21>\n<VirtualHost *:22>\n</VirtualHost>\n</VirtualHost>\n", errs: at(2, "<VirtualHost> is not allowed in <VirtualHost> (allowed in server config)")},
	{name: "Directory path resolved", conf: "<Directory pub/>\n</Directory>\n<Directory /srv/*/ftp>\n</Directory>\n", check: func(t *testing.T, c *Config) {
		eq(t, "paths", []string{c.Main.Directories[0].Path, c.Main.Directories[1].Path}, []string{"/etc/ftpsd/pub", "/srv/*/ftp"})
	}},
	{name: "Directory regex", conf: "<Directory ~ \"^/srv\">\n</Directory>\n", errs: at(1, "<Directory> takes 1 argument, got 2 (<Directory path>)")},
	{name: "Directory regex one word", conf: "<Directory ~/srv>\n</Directory>\n", errs: at(1, "<Directory>: regular-expression sections are not supported; use a path with * ? [...] wildcards")},
	{name: "Directory in Directory", conf: "<Directory />\n<Directory /a>\n</Directory>\n</Directory>\n", errs: at(2, "<Directory> is not allowed in <Directory> (allowed in server config, <VirtualHost>)")},
	{name: "Location in Directory", conf: "<Directory />\n<Location /a>\n</Location>\n</Directory>\n", errs: at(2, "<Location> is not allowed in <Directory> (allowed in server config, <VirtualHost>)")},
	{name: "Location", conf: "<Location /pub/>\nRequire all granted\n</Location>\n", check: func(t *testing.T, c *Config) {
		eq(t, "path", c.Main.Locations[0].Path, "/pub")
		eq(t, "kind", c.Main.Locations[0].Kind.String(), "Location")
	}},
	{name: "Location relative", conf: "<Location pub>\n</Location>\n", errs: at(1, "<Location>: pub is not a virtual path (it must start with /)")},
	{name: "Directory contents in a virtual host", conf: vh("<Directory /srv>\nFTPUmask 077\n</Directory>"), check: onVHost(func(t *testing.T, s *Server) {
		eq(t, "umask", s.Directories[0].Umask(), fs.FileMode(0o077))
	})},
}

func TestDirectives(t *testing.T) {
	for _, tt := range directiveTests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, notes, err := loadConf(t, tt.conf)
			if got := errString(err); got != tt.errs {
				t.Fatalf("errors:\n got %q\nwant %q", got, tt.errs)
			}
			if tt.notes != nil || !strings.Contains(tt.conf, "FTP") {
				got := noteStrings(notes)
				got = slicesDelete(got, mainFile+": no server has FTP On: every connection will be refused", tt.notes)
				want := tt.notes
				if want == nil {
					want = []string{}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("notes:\n got %q\nwant %q", got, want)
				}
			}
			if tt.check != nil && err == nil {
				tt.check(t, cfg)
			}
		})
	}
}

// slicesDelete removes s from list unless want mentions it.
func slicesDelete(list []string, s string, want []string) []string {
	for _, w := range want {
		if w == s {
			return list
		}
	}
	out := []string{}
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
