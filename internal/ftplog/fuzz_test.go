package ftplog

import (
	"bytes"
	"net/netip"
	"testing"
	"time"
)

// FuzzFormat compiles arbitrary format strings, which must never panic,
// and runs the ones that compile over records built from the other inputs.
// A client controls user, arg and path: whatever they hold, the line must
// have exactly as many '\n' as the same line with harmless values there.
func FuzzFormat(f *testing.F) {
	seeds := []string{
		seedCommand, seedTransfer, allFormat, "", "%", "%%", "%{", "%{}t", "%{%}t", "%{end:%e}t",
		"%400,501{x}i", "%!200u", "%>s%<s", `\n\t\\\`, "%{%Q}t", "%^ti", "%é", "%999999s",
	}
	for _, s := range seeds {
		f.Add(s, "alice", "RETR", "/pub/a\nb", 226, int64(1<<20), int64(1764051667), int64(3e9), byte('o'), byte(5))
	}
	f.Fuzz(func(t *testing.T, format, user, verb, arg string, status int, n, unix, dur int64, dir, flags byte) {
		fm, err := Compile(format)
		if err != nil {
			if fm != nil {
				t.Fatalf("Compile(%q) returned a Format and an error", format)
			}
			return
		}
		addr := netip.AddrPortFrom(netip.AddrFrom4([4]byte{byte(n), 0, 0, 1}), uint16(unix))
		if flags&1 != 0 {
			addr = netip.AddrPortFrom(netip.IPv6Loopback(), uint16(n))
		}
		if flags&2 != 0 {
			addr = netip.AddrPort{}
		}
		when := time.Unix(unix%(1<<40), n%1e9)
		c := Command{Time: when, Peer: addr, Local: addr, User: user, Verb: verb, Arg: arg,
			Status: status, ServerName: arg, Secure: flags&4 != 0, Duration: time.Duration(dur)}
		x := Transfer{Start: when, Duration: time.Duration(dur), Peer: addr, Local: addr, Bytes: n,
			Path: arg, ASCII: flags&8 != 0, Direction: dir, Anonymous: flags&16 != 0, User: user,
			AuthUser: verb, Complete: flags&32 != 0, Status: status, ServerName: user, Secure: flags&4 != 0}
		cl := fm.AppendCommand(nil, &c)
		xl := fm.AppendTransfer(nil, &x)

		c.User, c.Verb, c.Arg, c.ServerName = "u", "V", "a", "s"
		x.Path, x.User, x.AuthUser, x.ServerName = "p", "u", "a", "s"
		if verb != "" && (verb[0] == 'p' || verb[0] == 'P') {
			c.Verb = verb // keep PASS-ness: it decides whether the argument is shown
		}
		for _, pair := range [][2][]byte{
			{cl, fm.AppendCommand(nil, &c)},
			{xl, fm.AppendTransfer(nil, &x)},
		} {
			got, base := pair[0], pair[1]
			if len(got) == 0 || got[len(got)-1] != '\n' {
				t.Fatalf("line does not end in newline: %q", got)
			}
			if bytes.Count(got, []byte{'\n'}) != bytes.Count(base, []byte{'\n'}) ||
				bytes.Count(got, []byte{'\r'}) != bytes.Count(base, []byte{'\r'}) {
				t.Fatalf("user-supplied fields changed the line structure:\n%q\n%q", got, base)
			}
		}
	})
}
