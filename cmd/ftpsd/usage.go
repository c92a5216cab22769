package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// synopsis and examples open -h and the manual page.
const synopsis = `ftpsd [-listen ADDR]... [-implicit ADDR]... [-root DIR] [-anonymous] [-users FILE] [flags]
ftpsd -config FILE [flags]
ftpsd -t -config FILE
ftpsd -version`

var examples = []struct{ cmd, what string }{
	{"ftpsd -listen 127.0.0.1:2121 -root . -anonymous", "serve the current directory read-only to anonymous users, FTP and explicit FTPS (what make run does)"},
	{"ftpsd -listen 0.0.0.0:21 -implicit 0.0.0.0:990 -root /srv/ftp -anonymous -users /etc/ftpsd/htpasswd -cert /etc/ftpsd/cert.pem -key /etc/ftpsd/key.pem -pasv-ports 50000-50999 -user ftp", "a public server on the standard ports, dropping root for the user ftp"},
	{"ftpsd -config /etc/ftpsd/ftpsd.conf", "run from an Apache-style configuration file (mod_ftp, mod_ssl directives)"},
	{"ftpsd -t -config /etc/ftpsd/ftpsd.conf", "check a configuration file and exit, as httpd -t does"},
}

// flagGroups orders -h and the manual page: each flag under its heading,
// in this order. A flag in no group is listed under "Other".
var flagGroups = []struct {
	title string
	names []string
}{
	{"Listeners and files", []string{"listen", "implicit", "root", "anonymous", "users", "umask", "banner", "config", "t"}},
	{"TLS", []string{"cert", "key", "require-tls", "tls-reuse", "client-ca", "client-cert", "handshake-timeout", "max-handshakes", "max-handshakes-per-ip", "first-flight-timeout", "state-dir"}},
	{"Data connections", []string{"pasv-ports", "pasv-addr", "data-timeout", "data-idle-timeout", "rate-session", "rate-server"}},
	{"Limits and hostile clients", []string{"max-sessions", "max-per-ip", "max-per-user", "max-login-attempts", "fail-delay", "ban-after", "ban-window", "ban-time", "login-timeout", "idle-timeout", "max-pending-input", "max-queued-output", "glob-max-scan", "hash-max-size", "hash-cache"}},
	{"Balancers and fleets", []string{"proxy-protocol", "proxy-trusted", "proxy-data", "proxy-timeout", "pasv-source-check", "pasv-announce-ports", "tls-ticket-keys", "tls-ticket-lifetime"}},
	{"Logs", []string{"log-level", "error-log", "command-log", "command-log-format", "transfer-log", "transfer-log-format"}},
	{"Load testing", []string{"synthetic", "sink", "synthetic-max", "synthetic-seed", "synthetic-tree", "fault-delay", "fault-reply", "fault-reset", "fault-stall", "fault-noaccept", "fault-tls-delay", "fault-seed"}},
	{"Monitoring", []string{"admin", "admin-allow-remote", "admin-faults"}},
	{"Process", []string{"user", "group", "allow-root", "pidfile", "workers", "loops", "grace", "profile", "version", "manpage", "help"}},
}

// grouped returns the flags of fs by heading, in flagGroups' order, with
// "Other" last for any flag no group names.
func grouped(fs *flag.FlagSet) []flagGroup {
	placed := map[string]bool{}
	var out []flagGroup
	for _, g := range flagGroups {
		fg := flagGroup{title: g.title}
		for _, n := range g.names {
			if f := fs.Lookup(n); f != nil {
				fg.flags = append(fg.flags, f)
				placed[n] = true
			}
		}
		if len(fg.flags) > 0 {
			out = append(out, fg)
		}
	}
	other := flagGroup{title: "Other"}
	fs.VisitAll(func(f *flag.Flag) {
		if !placed[f.Name] {
			other.flags = append(other.flags, f)
		}
	})
	if len(other.flags) > 0 {
		out = append(out, other)
	}
	return out
}

type flagGroup struct {
	title string
	flags []*flag.Flag
}

// usage writes -h: synopsis, examples, then the flags by group, each as
// flag.PrintDefaults writes one.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprintf(w, "Usage:\n")
	for _, l := range strings.Split(synopsis, "\n") {
		fmt.Fprintf(w, "  %s\n", l)
	}
	fmt.Fprintf(w, "\nExamples:\n")
	for _, e := range examples {
		fmt.Fprintf(w, "  %s\n      %s\n", e.cmd, e.what)
	}
	for _, g := range grouped(fs) {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		for _, f := range g.flags {
			printFlag(w, f)
		}
	}
	fmt.Fprintf(w, "\nEvery flag, every configuration directive and the log formats: man ftpsd, or README.md.\n")
}

// printFlag writes one flag as flag.PrintDefaults does.
func printFlag(w io.Writer, f *flag.Flag) {
	name, text := flag.UnquoteUsage(f)
	line := "  -" + f.Name
	if name != "" {
		line += " " + name
	}
	line += "\n    \t" + strings.ReplaceAll(text, "\n", "\n    \t")
	if d := f.DefValue; d != "" && d != "false" && d != "0" && d != "0s" && d != "[]" {
		if g, ok := f.Value.(flag.Getter); ok {
			if _, isString := g.Get().(string); isString {
				d = strconv.Quote(d)
			}
		}
		line += " (default " + d + ")"
	}
	fmt.Fprintln(w, line)
}
