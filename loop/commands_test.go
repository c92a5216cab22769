package loop

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// verbsWith lists the table's verbs that have every flag in f, sorted.
func verbsWith(f cmdFlags) []string {
	var out []string
	for _, c := range commandList {
		if c.flags&f == f {
			out = append(out, c.verb)
		}
	}
	sort.Strings(out)
	return out
}

// TestTableRules pins which verbs carry the per-verb rules: each rule is a
// table flag, so this is the one list of who has it.
func TestTableRules(t *testing.T) {
	tests := []struct {
		name string
		flag cmdFlags
		want string
	}{
		{"login commands under RequireTLS", loginCmd, "PASS USER"},
		{"argument kept out of the log", secretArg, "PASS"},
		{"keeps a pending RNFR", keepsRename, "RNTO"},
		{"answered after the transfer", answeredAfterTransfer, "ABOR QUIT"},
		{"refused after EPSV ALL", notAfterEPSVAll, "EPRT PASV PORT"},
		{"left out of FEAT under RequireTLS", weakensTLS, "CCC"},
		{"allowed during a transfer", duringTransfer, "ABOR NOOP QUIT STAT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := strings.Join(verbsWith(tc.flag), " "); got != tc.want {
				t.Fatalf("verbs: %q, want %q", got, tc.want)
			}
		})
	}
	// Every command answered after a transfer must be able to run
	// during one, or it would never get the chance to wait for it.
	for _, v := range verbsWith(answeredAfterTransfer) {
		if commands[v].flags&duringTransfer == 0 {
			t.Errorf("%s is answered after the transfer but may not run during it", v)
		}
	}
}

// TestCheckFollowsFlags runs check over every verb of the table and holds
// its answer to the flags alone.
func TestCheckFollowsFlags(t *testing.T) {
	t.Run("EPSV ALL", func(t *testing.T) {
		s := &Session{host: &vhost{Host: &Host{}}, login: loginDone, epsvAll: true}
		for _, c := range commandList {
			r := s.check(c, []byte("x"))
			refused := r == Reply{codec.CodeBadSequence, "EPSV ALL in effect."}
			if want := c.flags&notAfterEPSVAll != 0; refused != want {
				t.Errorf("%s after EPSV ALL: %d %q, want refused %v", c.verb, r.Code, r.Msg, want)
			}
		}
		s.epsvAll = false
		for _, v := range verbsWith(notAfterEPSVAll) {
			if r := s.check(commands[v], []byte("x")); r.Code != 0 {
				t.Errorf("%s without EPSV ALL: %d %q, want no refusal", v, r.Code, r.Msg)
			}
		}
	})
	t.Run("RequireTLS", func(t *testing.T) {
		s := &Session{host: &vhost{Host: &Host{TLS: tlsConfig(t), RequireTLS: true}}}
		for _, c := range commandList {
			r := s.check(c, []byte("x"))
			refused := r == Reply{codec.CodeNotLoggedIn, "TLS required: send AUTH TLS before logging in."}
			if want := c.flags&(needLogin|loginCmd) != 0; refused != want {
				t.Errorf("%s before AUTH TLS under RequireTLS: %d %q, want refused %v", c.verb, r.Code, r.Msg, want)
			}
		}
	})
}

// TestFEATFollowsFlags: FEAT lists each feat line of the table, leaves out
// the weakensTLS ones under RequireTLS and the needTLSConfig ones without
// TLS, and asks featLine where the table gives one.
func TestFEATFollowsFlags(t *testing.T) {
	tests := []struct {
		name string
		host Host
	}{
		{"no TLS", Host{}},
		{"TLS", Host{TLS: tlsConfig(t)}},
		{"RequireTLS", Host{TLS: tlsConfig(t), RequireTLS: true}},
		{"NoUTF8Feature", Host{Options: HostOptions{NoUTF8Feature: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := &Session{host: &vhost{Host: &tc.host}, facts: codec.DefaultFacts}
			r := cmdFEAT(s, nil)
			lines := map[string]bool{}
			for _, l := range strings.Split(r.Msg, "\n")[1:] {
				lines[strings.TrimPrefix(l, " ")] = true
			}
			for _, c := range commandList {
				if c.feat == "" {
					continue
				}
				line := c.feat
				if c.featLine != nil {
					line = c.featLine(s)
				}
				want := line != "" &&
					!(c.flags&needTLSConfig != 0 && tc.host.TLS == nil) &&
					!(c.flags&weakensTLS != 0 && tc.host.RequireTLS)
				if lines[line] != want {
					t.Errorf("FEAT line %q of %s: listed %v, want %v\n%s", line, c.verb, lines[line], want, r.Msg)
				}
			}
		})
	}
	s := &Session{host: &vhost{Host: &Host{Options: HostOptions{NoUTF8Feature: true}}}, facts: codec.DefaultFacts}
	if strings.Contains(cmdFEAT(s, nil).Msg, "UTF8") {
		t.Error("FEAT lists UTF8 under NoUTF8Feature")
	}
	if !strings.Contains(cmdFEAT(s, nil).Msg, "\n MLST type*;") {
		t.Errorf("FEAT's MLST line lacks the selected facts:\n%s", cmdFEAT(s, nil).Msg)
	}
}

// TestRenameKeptOnlyByFlag: a pending RNFR survives only a command with
// keepsRename. Each verb of the table without the flag is dispatched
// between RNFR and RNTO on a live server, and RNTO then gets 503; RNTO
// right after RNFR renames.
func TestRenameKeptOnlyByFlag(t *testing.T) {
	addr, root := startServer(t, Config{})
	writeFile(t, root, "a", "x")
	cl := dial(t, addr)
	cl.login("alice", "secret")
	cl.cmd(350, "RNFR a")
	cl.cmd(250, "RNTO b")
	// Verbs that end the session or change the login are left out, and
	// those that need an argument or a data connection: their own
	// effects, not the table, would decide the RNTO.
	skip := map[string]bool{"QUIT": true, "REIN": true, "AUTH": true, "RNFR": true}
	tried := 0
	for _, c := range commandList {
		if skip[c.verb] || c.flags&(opensData|needArg|keepsRename) != 0 {
			continue
		}
		tried++
		t.Run(c.verb, func(t *testing.T) {
			cl.cmd(350, "RNFR b")
			if err := cl.tp.PrintfLine("%s", c.verb); err != nil {
				t.Fatal(err)
			}
			_ = cl.c.SetReadDeadline(time.Now().Add(10 * time.Second))
			if _, _, err := cl.tp.ReadResponse(0); err != nil {
				t.Fatal(err)
			}
			cl.cmd(503, "RNTO c")
		})
	}
	if tried < 10 {
		t.Fatalf("only %d verbs tried", tried)
	}
}

// TestEPSVAllRefusesOtherSetups: after EPSV ALL every notAfterEPSVAll verb
// gets today's exact 503 (RFC 2428 §4), a missing argument is still 501
// first, and EPSV itself goes on working.
func TestEPSVAllRefusesOtherSetups(t *testing.T) {
	addr, _ := startServer(t, Config{})
	cl := dial(t, addr)
	cl.login("alice", "secret")
	cl.cmd(200, "EPSV ALL")
	for _, v := range verbsWith(notAfterEPSVAll) {
		if msg := cl.cmd(503, "%s 127,0,0,1,4,1", v); msg != "EPSV ALL in effect." {
			t.Errorf("%s after EPSV ALL: %q", v, msg)
		}
	}
	cl.cmd(501, "PORT")
	cl.epsv().Close()
}
