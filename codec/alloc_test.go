//go:build !race

package codec

import (
	"net/netip"
	"testing"
)

// The race detector allocates on its own, so these budgets only hold in
// normal builds.

func TestAllocs(t *testing.T) {
	in := make([]byte, 0, 256)
	out := make([]byte, 0, 512)
	var f Framer
	fi := &fakeInfo{size: 1 << 20, mode: 0o644, mod: listNow.Add(-3600e9), sys: testStat()}
	old := &fakeInfo{size: 1, mode: 0o644}
	tests := []struct {
		name string
		fn   func()
	}{
		{"NOOP: frame, parse, reply", func() {
			in = append(in[:0], "noop\r\n"...)
			line, _, ev := f.Next(in)
			verb, _, err := ParseCommand(line)
			if ev != Line || err != nil || string(verb) != "NOOP" {
				t.Fatalf("NOOP path: %v %q %v", ev, verb, err)
			}
			out = AppendReply(out[:0], CodeOK, "NOOP ok.")
		}},
		{"urgent ABOR: Telnet stripped", func() {
			in = append(in[:0], "\xff\xf4\xff\xf2ABOR\r\n"...)
			line, _, _ := f.Next(in)
			_, _, _ = ParseCommand(line)
		}},
		{"over-long line", func() {
			in = append(in[:0], make([]byte, 200)...)
			g := Framer{Max: 100}
			_, _, _ = g.Next(in)
		}},
		{"multi-line reply", func() {
			out = AppendReply(out[:0], CodeSystemStatus, "Features:\n EPRT\n EPSV\n MDTM\nEnd")
		}},
		{"reply from bytes", func() {
			out = AppendReplyBytes(out[:0], CodeFileStatus, in[:0])
		}},
		{"257 quoted path", func() {
			out = AppendQuoted(out[:0], `/a"b`)
		}},
		{"Code.String", func() {
			if CodeTransferComplete.String() != "226" {
				t.Fatal("String")
			}
		}},
		{"AppendList", func() {
			out = AppendList(out[:0], fi, "file.bin", "", listNow)
		}},
		{"AppendList, old file", func() {
			out = AppendList(out[:0], old, "file.bin", "target", listNow)
		}},
		{"AppendMLSx", func() {
			out = AppendMLSx(out[:0], fi, "file.bin", DefaultFacts|FactUnixMode, "adfrw")
		}},
		{"ParsePORT and AppendPASV", func() {
			in = append(in[:0], "132,235,1,2,24,131"...)
			ap, err := ParsePORT(in)
			if err != nil {
				t.Fatal(err)
			}
			out = AppendPASV(out[:0], ap)
		}},
		{"ParseEPRT IPv4", func() {
			in = append(in[:0], "|1|132.235.1.2|6275|"...)
			if _, err := ParseEPRT(in); err != nil {
				t.Fatal(err)
			}
		}},
		{"EPSV", func() {
			out = AppendEPSV(out[:0], 6446)
			in = append(in[:0], "ALL"...)
			_, _, _ = ParseEPSVArg(in)
		}},
		{"MLST facts", func() {
			in = append(in[:0], "type;size;UNIX.mode;"...)
			out = AppendFeatMLST(out[:0], ParseOptsMLST(in))
		}},
		{"ParseTime", func() {
			in = append(in[:0], "19940916055648.5"...)
			if _, err := ParseTime(in); err != nil {
				t.Fatal(err)
			}
		}},
		{"Join of a clean absolute path", func() {
			_ = Join("/pub", "/pub/file")
		}},
		{"AppendEPRT", func() {
			out = AppendEPRT(out[:0], netip.MustParseAddrPort("10.0.0.1:21"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(100, tt.fn); n != 0 {
				t.Errorf("%v allocations per run, want 0", n)
			}
		})
	}
}
