package ftplog

import (
	"errors"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The seed's two LogFormat lines (mod_ftp-ftp-over-tls.txt).
const (
	seedCommand  = `%u [%a] %r %>s`
	seedTransfer = `%{%b %e %H:%M:%S %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y`
)

// allFormat uses every letter, so the budget covers every op.
const allFormat = `%a %A %h %p %{remote}p %u %l %r %m %U %f %q %H %s %>s %t %{%a %A %b %B %c %C %d %D %e %F %H %I %j %k %l %m %M %p %r %R %s %S %T %u %w %x %X %y %Y %z %Z %n%t%%}t ` +
	`%{sec}t %{end:msec}t %{usec}t %{msec_frac}t %{usec_frac}t %T %{ms}T %D %B %b %I %O %v %V %P %{tid}P ` +
	`%{HTTPS}e %{do_transfer_log}e %{X}e %{Referer}i %M %F %d %W %S %Z %Y %y %200,226u %!226u`

var (
	est      = time.FixedZone("EST", -5*3600)
	peer     = netip.MustParseAddrPort("127.0.0.1:50123")
	local    = netip.MustParseAddrPort("127.0.0.1:2121")
	xferTime = time.Date(2026, time.November, 25, 1, 21, 7, 0, est)
)

func mustCompile(t testing.TB, format string) *Format {
	t.Helper()
	f, err := Compile(format)
	if err != nil {
		t.Fatalf("Compile(%q): %v", format, err)
	}
	return f
}

func sampleCommand() *Command {
	return &Command{
		Time: xferTime, Peer: peer, Local: local, User: "alice",
		Verb: "RETR", Arg: "/pub/file.txt", Status: 226, ServerName: "ftp.example.com",
		Duration: 1500 * time.Millisecond,
	}
}

func sampleTransfer() *Transfer {
	return &Transfer{
		Start: xferTime, Duration: 3900 * time.Millisecond, Peer: peer, Local: local,
		Bytes: 1048576, Path: "/pub/file.bin", Direction: DirOutgoing, Anonymous: true,
		User: "anonymous@example.com", Complete: true, Status: 226, ServerName: "ftp.example.com",
	}
}

func TestSeedCommandFormat(t *testing.T) {
	f := mustCompile(t, seedCommand)
	tests := []struct {
		name string
		c    Command
		want string
	}{
		{"retr", Command{Peer: peer, User: "alice", Verb: "RETR", Arg: "/pub/file.txt", Status: 226},
			"alice [127.0.0.1] RETR /pub/file.txt 226\n"},
		{"pass", Command{Peer: peer, User: "alice", Verb: "PASS", Status: 230},
			"alice [127.0.0.1] PASS 230\n"},
		{"pass argument passed by mistake is still never written",
			Command{Peer: peer, User: "alice", Verb: "PASS", Arg: "s3cret", Status: 530},
			"alice [127.0.0.1] PASS 530\n"},
		{"lower-case pass", Command{Peer: peer, User: "alice", Verb: "pass", Arg: "s3cret", Status: 530},
			"alice [127.0.0.1] pass 530\n"},
		{"user before login prints the name", Command{Peer: peer, User: "bob", Verb: "USER", Arg: "bob", Status: 331},
			"bob [127.0.0.1] USER bob 331\n"},
		{"no user yet", Command{Peer: peer, Verb: "AUTH", Arg: "TLS", Status: 234},
			"- [127.0.0.1] AUTH TLS 234\n"},
		{"no argument", Command{Peer: peer, User: "alice", Verb: "PWD", Status: 257},
			"alice [127.0.0.1] PWD 257\n"},
		{"argument with spaces", Command{Peer: peer, User: "alice", Verb: "STOR", Arg: "my file.txt", Status: 226},
			"alice [127.0.0.1] STOR my file.txt 226\n"},
		{"ipv6", Command{Peer: netip.MustParseAddrPort("[2001:db8::1]:4000"), User: "alice", Verb: "QUIT", Status: 221},
			"alice [2001:db8::1] QUIT 221\n"},
		{"ipv4-mapped from a dual-stack listener", Command{Peer: netip.MustParseAddrPort("[::ffff:10.0.0.7]:4000"), User: "alice", Verb: "NOOP", Status: 200},
			"alice [10.0.0.7] NOOP 200\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(f.AppendCommand(nil, &tt.c)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSeedTransferFormat(t *testing.T) {
	f := mustCompile(t, seedTransfer)
	tests := []struct {
		name string
		edit func(*Transfer)
		want string
	}{
		{"anonymous binary download", func(*Transfer) {},
			"Nov 25 01:21:07 2026 3 127.0.0.1 1048576 /pub/file.bin b _ o a anonymous@example.com ftp 0 *\n"},
		// xferlog pads a one-digit day with a space, as ctime(3) does.
		{"single-digit day is space padded", func(x *Transfer) { x.Start = time.Date(2026, 3, 5, 9, 8, 7, 0, est) },
			"Mar  5 09:08:07 2026 3 127.0.0.1 1048576 /pub/file.bin b _ o a anonymous@example.com ftp 0 *\n"},
		{"real user ascii upload", func(x *Transfer) {
			x.Anonymous, x.User, x.AuthUser, x.ASCII, x.Direction = false, "alice", "alice", true, DirIncoming
			x.Path, x.Bytes, x.Duration = "/home/alice/notes.txt", 42, 0
		}, "Nov 25 01:21:07 2026 0 127.0.0.1 42 /home/alice/notes.txt a _ i r alice ftp 0 alice\n"},
		{"delete", func(x *Transfer) { x.Direction, x.Bytes, x.Anonymous, x.User = DirDeleted, 0, false, "bob" },
			"Nov 25 01:21:07 2026 3 127.0.0.1 0 /pub/file.bin b _ d r bob ftp 0 *\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := sampleTransfer()
			tt.edit(x)
			if got := string(f.AppendTransfer(nil, x)); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestLetters(t *testing.T) {
	pidStr := strconv.Itoa(os.Getpid())
	tests := []struct {
		format   string
		command  string // for sampleCommand()
		transfer string // for sampleTransfer()
	}{
		{"%%", "%", "%"},
		{"100%% done", "100% done", "100% done"},
		{`a\tb\nc\\d\qe`, "a\tb\nc\\d\\qe", "a\tb\nc\\d\\qe"},
		{"%a %h %{c}a %{c}h", "127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1", "127.0.0.1 127.0.0.1 127.0.0.1 127.0.0.1"},
		{"%A", "127.0.0.1", "127.0.0.1"},
		{"%p %{local}p %{canonical}p %{remote}p", "2121 2121 2121 50123", "2121 2121 2121 50123"},
		{"%u", "alice", "anonymous@example.com"},
		{"%l", "-", "-"},
		{"%r", "RETR /pub/file.txt", "-"},
		{"%m", "RETR", "-"},
		{"%U", "/pub/file.txt", "/pub/file.bin"},
		{"%f", "-", "/pub/file.bin"},
		{"%q|", "|", "|"},
		{"%H", "FTP", "FTP"},
		{"%s %>s %<s", "226 226 226", "226 226 226"},
		// %t is the start: the command took 1.5 s before its reply at xferTime.
		{"%t", "[25/Nov/2026:01:21:05 -0500]", "[25/Nov/2026:01:21:07 -0500]"},
		{"%{end:%H:%M:%S}t", "01:21:07", "01:21:10"},
		{"%{begin:%H:%M:%S}t", "01:21:05", "01:21:07"},
		{"%{sec}t", "1795587665", "1795587667"},
		{"%{end:msec}t", "1795587667000", "1795587670900"},
		{"%{usec}t", "1795587665500000", "1795587667000000"},
		{"%{msec_frac}t %{usec_frac}t", "500 500000", "000 000000"},
		{"%T %{s}T %{ms}T %{us}T %D", "1 1 1500 1500000 1500000", "3 3 3900 3900000 3900000"},
		{"%B %b", "0 -", "1048576 1048576"},
		{"%I %O", "- -", "0 1048576"},
		{"%v %V", "ftp.example.com ftp.example.com", "ftp.example.com ftp.example.com"},
		{"%P %{pid}P %{tid}P %{hextid}P", pidStr + " " + pidStr + " - -", pidStr + " " + pidStr + " - -"},
		{"%{HTTPS}e %{do_transfer_log}e %{PATH}e %e", "- - - -", "- 1 - -"},
		{"%{Referer}i %{Content-Type}o %{note}n %{c}C", "- - - -", "- - - -"},
		{"%M %F %d %W %S %Z %Y %y", "- - - - ftp 0 - -", "b _ o a ftp 0 * c"},
		// Status conditions, as Apache's %400,501{...}i.
		{"%226u %!226u %200,550u %!200,550u", "alice - - alice", "anonymous@example.com - - anonymous@example.com"},
		{"%>226s %<!226s", "226 -", "226 -"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			f := mustCompile(t, tt.format)
			if got := string(f.AppendCommand(nil, sampleCommand())); got != tt.command+"\n" {
				t.Errorf("command:  got %q, want %q", got, tt.command+"\n")
			}
			if got := string(f.AppendTransfer(nil, sampleTransfer())); got != tt.transfer+"\n" {
				t.Errorf("transfer: got %q, want %q", got, tt.transfer+"\n")
			}
		})
	}
}

func TestRecordVariants(t *testing.T) {
	f := mustCompile(t, "%{HTTPS}e %M %W %y %Y %d %b %s %a %p %v")
	c := &Command{Secure: true}
	if got, want := string(f.AppendCommand(nil, c)), "on - - - - - - - - - -\n"; got != want {
		t.Errorf("empty secure command: got %q, want %q", got, want)
	}
	x := &Transfer{Secure: true, ASCII: true, Direction: 'x', AuthUser: "bob\n"}
	if got, want := string(f.AppendTransfer(nil, x)), "on a r i bob\\n - - - - - -\n"; got != want {
		t.Errorf("odd transfer: got %q, want %q", got, want)
	}
}

func TestStrftime(t *testing.T) {
	// Sunday 2024-03-03 14:05:09.123456789 +0530 ("IST"), day 63 of a leap year.
	tm := time.Date(2024, 3, 3, 14, 5, 9, 123456789, time.FixedZone("IST", 5*3600+1800))
	tests := []struct{ conv, want string }{
		{"%a", "Sun"}, {"%A", "Sunday"}, {"%b", "Mar"}, {"%h", "Mar"}, {"%B", "March"},
		{"%d", "03"}, {"%e", " 3"}, {"%H", "14"}, {"%k", "14"}, {"%I", "02"}, {"%l", " 2"},
		{"%j", "063"}, {"%m", "03"}, {"%M", "05"}, {"%p", "PM"}, {"%S", "09"},
		{"%y", "24"}, {"%Y", "2024"}, {"%C", "20"}, {"%Z", "IST"}, {"%z", "+0530"},
		{"%T", "14:05:09"}, {"%D", "03/03/24"}, {"%F", "2024-03-03"}, {"%R", "14:05"},
		{"%r", "02:05:09 PM"}, {"%c", "Sun Mar  3 14:05:09 2024"}, {"%x", "03/03/24"}, {"%X", "14:05:09"},
		{"%u", "7"}, {"%w", "0"}, {"%s", strconv.FormatInt(tm.Unix(), 10)},
		{"%n", "\n"}, {"%t", "\t"}, {"%%", "%"}, {"x%Hy", "x14y"}, {"", "[03/Mar/2024:14:05:09 +0530]"},
	}
	for _, tt := range tests {
		t.Run(tt.conv, func(t *testing.T) {
			f := mustCompile(t, "%{"+tt.conv+"}t")
			got := string(f.AppendTransfer(nil, &Transfer{Start: tm}))
			if got != tt.want+"\n" {
				t.Errorf("got %q, want %q", got, tt.want+"\n")
			}
		})
	}
	t.Run("midnight and morning", func(t *testing.T) {
		f := mustCompile(t, "%{%I %l %p %z %Z}t")
		m := time.Date(2024, 1, 1, 0, 0, 0, 0, time.FixedZone("", -(3*3600+30*60)))
		if got, want := string(f.AppendTransfer(nil, &Transfer{Start: m})), "12 12 AM -0330 -0330\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestEscaping(t *testing.T) {
	f := mustCompile(t, `%u "%U" %r`)
	tests := []struct {
		name, user, arg, want string
	}{
		{"newline cannot forge a line", "alice", "a\nalice [1.2.3.4] DELE / 250",
			`alice "a\nalice [1.2.3.4] DELE / 250" RETR a\nalice [1.2.3.4] DELE / 250`},
		{"quote and backslash", "al\"ice", `x"y\z`, `al\"ice "x\"y\\z" RETR x\"y\\z`},
		{"named control escapes", "u", "\b\r\t\v", `u "\b\r\t\v" RETR \b\r\t\v`},
		{"other controls and DEL as hex", "u", "\x00\x1b[31m\x7f", `u "\x00\x1b[31m\x7f" RETR \x00\x1b[31m\x7f`},
		{"valid UTF-8 is kept", "jürgen", "/pub/日本語.txt", `jürgen "/pub/日本語.txt" RETR /pub/日本語.txt`},
		{"invalid UTF-8 as hex", "u", "a\xffb\xc3", `u "a\xffb\xc3" RETR a\xffb\xc3`},
		{"C1 NEL and line separator", "u", "a\u0085b\u2028c", `u "a\xc2\x85b\xe2\x80\xa8c" RETR a\xc2\x85b\xe2\x80\xa8c`},
		{"bidi override", "u", "evil\u202etxt.exe", `u "evil\xe2\x80\xaetxt.exe" RETR evil\xe2\x80\xaetxt.exe`},
		{"empty argument", "", "", `- "-" RETR`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Command{User: tt.user, Verb: "RETR", Arg: tt.arg}
			got := string(f.AppendCommand(nil, c))
			if got != tt.want+"\n" {
				t.Errorf("got  %q\nwant %q", got, tt.want+"\n")
			}
			if strings.Count(got, "\n") != 1 || strings.ContainsRune(got, '\r') {
				t.Errorf("line break leaked: %q", got)
			}
		})
	}
	t.Run("transfer path", func(t *testing.T) {
		x := &Transfer{Path: "/a \"b\"\n", User: "x\r"}
		got := string(mustCompile(t, "%U %u %f").AppendTransfer(nil, x))
		// xferlog's convention: a space in the name becomes '_'.
		if want := `/a_\"b\"\n x\r /a_\"b\"\n` + "\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("transfer path with spaces stays one field", func(t *testing.T) {
		x := &Transfer{Path: "/my docs/q 1.txt", User: "bob", Bytes: 3}
		got := string(mustCompile(t, "%B %U %u").AppendTransfer(nil, x))
		if want := "3 /my_docs/q_1.txt bob\n"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
		if n := len(strings.Fields(got)); n != 3 {
			t.Errorf("%q splits into %d fields, want 3", got, n)
		}
	})
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		format string
		offset int
		reason string // a fragment of the message
	}{
		{"%j", 0, `"%j"`},
		{"abc %{x}Q", 4, `"%Q"`},
		{"%u %", 3, "incomplete"},
		{"%{abc", 0, "unterminated"},
		{"%{%Q}t", 2, `unknown strftime conversion "%Q"`},
		{"x %{%H %}t", 7, "at end"},
		{"%{%H%}t", 4, "at end"},
		{"%{%H%q}t", 4, `unknown strftime conversion "%q"`},
		{"%{%}t", 2, "at end"},
		{"%{x}u", 0, "takes no {argument}"},
		{"%{x}p", 0, "unknown argument {x} to %p"},
		{"%{h}T", 0, "unknown argument {h} to %T"},
		{"%{x}a", 0, "unknown argument {x} to %a"},
		{"%{x}P", 0, "unknown argument {x} to %P"},
		{"%{a}{b}i", 0, "two {arguments}"},
		{"%99s", 0, "three-digit"},
		{"%1000s", 0, "three-digit"},
		{"%^ti", 0, `"%^"`},
		{"%é", 0, `"%é"`},
		{"%\xff", 0, "invalid UTF-8"},
		{strings.Repeat("x", MaxFormatLen+1), MaxFormatLen, "longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.format[:min(len(tt.format), 20)], func(t *testing.T) {
			f, err := Compile(tt.format)
			if err == nil {
				t.Fatalf("Compile(%q) = %v, want an error", tt.format, f.ops)
			}
			if !errors.Is(err, ErrFormat) {
				t.Errorf("error %v is not ErrFormat", err)
			}
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not *CompileError", err)
			}
			if ce.Offset != tt.offset {
				t.Errorf("offset %d, want %d (%v)", ce.Offset, tt.offset, err)
			}
			if !strings.Contains(err.Error(), tt.reason) || !strings.HasPrefix(err.Error(), "ftplog: ") {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
		})
	}
}

func TestFormatString(t *testing.T) {
	if f := mustCompile(t, seedTransfer); f.String() != seedTransfer {
		t.Errorf("String() = %q", f.String())
	}
}

func BenchmarkAppendCommandSeed(b *testing.B) {
	f := mustCompile(b, seedCommand)
	c := sampleCommand()
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = f.AppendCommand(buf[:0], c)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkAppendTransferSeed(b *testing.B) {
	f := mustCompile(b, seedTransfer)
	x := sampleTransfer()
	x.Start = time.Now() // the local zone, as in production
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		buf = f.AppendTransfer(buf[:0], x)
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkCompileSeedTransfer(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Compile(seedTransfer); err != nil {
			b.Fatal(err)
		}
	}
}
