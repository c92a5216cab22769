package codec

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// frameAll plays a caller: it appends each chunk to its input buffer, calls
// Next until NeedMore, and records "L:<line>" for each line and "TooLong".
// It checks the contract on every call and returns the input left over.
func frameAll(t testing.TB, f *Framer, chunks []string) (events []string, left []byte) {
	t.Helper()
	var in []byte
	for _, c := range chunks {
		in = append(in, c...)
		for {
			line, n, ev := f.Next(in)
			if n < 0 || n > len(in) {
				t.Fatalf("Next(%q) consumed %d of %d bytes", in, n, len(in))
			}
			if bytes.IndexByte(line, '\n') >= 0 {
				t.Fatalf("Next(%q) returned line %q with a LF", in, line)
			}
			switch ev {
			case Line:
				if n == 0 {
					t.Fatalf("Next(%q) returned a line without consuming", in)
				}
				events = append(events, "L:"+string(line))
			case TooLong:
				if n == 0 {
					t.Fatalf("Next(%q) reported TooLong without consuming", in)
				}
				events = append(events, "TooLong")
			case NeedMore:
				if line != nil {
					t.Fatalf("NeedMore with line %q", line)
				}
			default:
				t.Fatalf("Next returned %v", ev)
			}
			in = in[n:]
			if ev == NeedMore {
				break
			}
		}
	}
	return events, in
}

func TestFramer(t *testing.T) {
	long := strings.Repeat("x", 20)
	tests := []struct {
		name   string
		max    int
		chunks []string
		want   []string
		left   string
	}{
		{"CRLF", 0, []string{"NOOP\r\n"}, []string{"L:NOOP"}, ""},
		{"bare LF", 0, []string{"NOOP\n"}, []string{"L:NOOP"}, ""},
		{"two lines in one read", 0, []string{"USER a\r\nPASS b\r\n"}, []string{"L:USER a", "L:PASS b"}, ""},
		{"line split across reads", 0, []string{"US", "ER a\r", "\nPA"}, []string{"L:USER a"}, "PA"},
		{"empty line", 0, []string{"\r\n\n"}, []string{"L:", "L:"}, ""},
		{"CR inside a line stays", 0, []string{"A\rB\r\n"}, []string{"L:A\rB"}, ""},
		{"only one CR dropped", 0, []string{"A\r\r\n"}, []string{"L:A\r"}, ""},
		{"no line end yet", 0, []string{"NOOP"}, nil, "NOOP"},
		{"urgent abort", 0, []string{"\xff\xf4\xff\xf2ABOR\r\n"}, []string{"L:ABOR"}, ""},
		{"LF as Telnet option does not end a line", 0, []string{"AB\xff\xfd\nC\r\n"}, []string{"L:ABC"}, ""},
		{"LF as option split across reads", 0, []string{"AB\xff", "\xfd", "\nC\r\n"}, []string{"L:ABC"}, ""},
		{"LF after IAC IAC ends a line", 0, []string{"A\xff\xff\nB\n"}, []string{"L:A\xff", "L:B"}, ""},
		{"LF after lone IAC ends a line", 0, []string{"AB\xff\nC\r\n"}, []string{"L:AB", "L:C"}, ""},
		{"exactly Max", 8, []string{"12345678\r\n"}, []string{"L:12345678"}, ""},
		{"exactly Max with bare LF", 8, []string{"12345678\n"}, []string{"L:12345678"}, ""},
		{"exactly Max, LF in the next read", 8, []string{"12345678\r", "\n"}, []string{"L:12345678"}, ""},
		{"Max plus one", 8, []string{"123456789\r\nNOOP\r\n"}, []string{"TooLong", "L:NOOP"}, ""},
		{"Max plus one as CR CR", 8, []string{"12345678\r\r\nNOOP\r\n"}, []string{"TooLong", "L:NOOP"}, ""},
		{"over-long then good line in one read", 8, []string{long + "\r\nNOOP\r\n"}, []string{"TooLong", "L:NOOP"}, ""},
		{
			"over-long across reads then good line", 8,
			[]string{"1234567890", "abc", "def\r", "\nNOOP\r\n"}, []string{"TooLong", "L:NOOP"}, "",
		},
		{"over-long reported once", 8, []string{long, long, long, long}, []string{"TooLong"}, ""},
		{"over-long ends in the read after", 8, []string{long, "x\nPWD\n"}, []string{"TooLong", "L:PWD"}, ""},
		{"two over-long lines", 8, []string{long + "\n" + long + "\nA\n"}, []string{"TooLong", "TooLong", "L:A"}, ""},
		{"over-long then partial line", 8, []string{long + "\nNO"}, []string{"TooLong"}, "NO"},
		{
			"LF as option while discarding", 4,
			[]string{"123456\xff\xfb", "\nxx\r\nOK\r\n"}, []string{"TooLong", "L:OK"}, "",
		},
		{"Max plus one without CR is too long at once", 8, []string{"123456789"}, []string{"TooLong"}, ""},
		{"Max then CR waits for the LF", 8, []string{"12345678\r"}, nil, "12345678\r"},
		{"Max then CR then data is too long", 8, []string{"12345678\r", "x\nA\n"}, []string{"TooLong", "L:A"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, left := frameAll(t, &Framer{Max: tt.max}, tt.chunks)
			if !slices.Equal(got, tt.want) || string(left) != tt.left {
				t.Errorf("events %q, left %q; want %q, %q", got, left, tt.want, tt.left)
			}
			// Byte at a time must give the same events.
			var bytewise []string
			for _, c := range tt.chunks {
				for i := range len(c) {
					bytewise = append(bytewise, c[i:i+1])
				}
			}
			got, left = frameAll(t, &Framer{Max: tt.max}, bytewise)
			if !slices.Equal(got, tt.want) || string(left) != tt.left {
				t.Errorf("byte at a time: events %q, left %q; want %q, %q", got, left, tt.want, tt.left)
			}
		})
	}
}

func TestFramerDefaultMax(t *testing.T) {
	tests := []struct {
		name string
		max  int
	}{
		{"zero", 0},
		{"negative", -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok := strings.Repeat("a", DefaultMaxLine)
			got, _ := frameAll(t, &Framer{Max: tt.max}, []string{ok + "\r\n" + ok + "b\r\nQUIT\r\n"})
			if !slices.Equal(got, []string{"L:" + ok, "TooLong", "L:QUIT"}) {
				t.Errorf("events %.40q", got)
			}
		})
	}
}

func TestFramerBoundedInput(t *testing.T) {
	const max = 64
	f := &Framer{Max: max}
	chunk := strings.Repeat("z", 1000)
	var in []byte
	for range 1000 {
		in = append(in, chunk...)
		for {
			_, n, ev := f.Next(in)
			in = in[n:]
			if ev == NeedMore {
				break
			}
		}
		if len(in) > max+1 {
			t.Fatalf("caller holds %d bytes, more than Max+1", len(in))
		}
	}
	in = append(in, "z\r\nSTAT\r\n"...)
	got, _ := frameAll(t, f, []string{string(in)})
	if !slices.Equal(got, []string{"L:STAT"}) {
		t.Errorf("after the flood: %q", got)
	}
}

func TestFramerReset(t *testing.T) {
	f := &Framer{Max: 4}
	if got, _ := frameAll(t, f, []string{"123456"}); !slices.Equal(got, []string{"TooLong"}) {
		t.Fatalf("events %q", got)
	}
	f.Reset()
	if got, _ := frameAll(t, f, []string{"AB\r\n"}); !slices.Equal(got, []string{"L:AB"}) {
		t.Errorf("after Reset: %q, want the line framed", got)
	}
	if f.Max != 4 {
		t.Errorf("Reset changed Max to %d", f.Max)
	}
}

func TestEventString(t *testing.T) {
	tests := []struct {
		ev   Event
		want string
	}{
		{NeedMore, "NeedMore"},
		{Line, "Line"},
		{TooLong, "TooLong"},
		{7, "Event(7)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.ev.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzFramer(f *testing.F) {
	f.Add([]byte("USER anonymous\r\nPASS x\r\n\xff\xf4\xff\xf2ABOR\r\n"), uint8(8), uint8(3))
	f.Add([]byte("123456789012345\r\nNOOP\r\n"), uint8(8), uint8(0))
	f.Add([]byte("1234567\xff\xfd\nxx\nOK\n"), uint8(4), uint8(1))
	f.Add([]byte("12345678\r\r\n\n\r\n"), uint8(8), uint8(4))
	f.Fuzz(func(t *testing.T, data []byte, max, split uint8) {
		m := int(max%64) + 1
		// All at once and in small reads must frame the same lines.
		whole, leftWhole := fuzzFrame(t, &Framer{Max: m}, data, len(data)+1)
		parts, leftParts := fuzzFrame(t, &Framer{Max: m}, data, int(split%16)+1)
		if !slices.Equal(whole, parts) {
			t.Fatalf("whole %q, in reads of %d %q", whole, split%16+1, parts)
		}
		if len(leftWhole) > m+1 || len(leftParts) > m+1 {
			t.Fatalf("left %d and %d bytes, Max %d", len(leftWhole), len(leftParts), m)
		}
		for _, e := range whole {
			if strings.HasPrefix(e, "L:") && len(e)-2 > m {
				t.Fatalf("line %q longer than Max %d", e, m)
			}
		}
	})
}

func fuzzFrame(t *testing.T, f *Framer, data []byte, size int) (events []string, left []byte) {
	var in []byte
	for len(data) > 0 {
		k := min(size, len(data))
		in = append(in, data[:k]...)
		data = data[k:]
		for {
			line, n, ev := f.Next(in)
			if n < 0 || n > len(in) {
				t.Fatalf("consumed %d of %d bytes", n, len(in))
			}
			if bytes.IndexByte(line, '\n') >= 0 {
				t.Fatalf("line %q holds a LF", line)
			}
			if ev == NeedMore && n == 0 && len(in) > f.Max &&
				!(len(in) == f.Max+1 && in[f.Max] == '\r') {
				t.Fatalf("no progress on %d bytes with Max %d: %q", len(in), f.Max, in)
			}
			switch ev {
			case Line:
				events = append(events, "L:"+string(line))
			case TooLong:
				events = append(events, "TooLong")
			}
			in = in[n:]
			if ev == NeedMore {
				break
			}
		}
	}
	return events, in
}

func BenchmarkFrameParseReply(b *testing.B) {
	const cmd = "NOOP\r\n"
	in := make([]byte, 0, 64)
	out := make([]byte, 0, 64)
	var f Framer
	b.ReportAllocs()
	b.SetBytes(int64(len(cmd)))
	for b.Loop() {
		in = append(in[:0], cmd...)
		line, _, ev := f.Next(in)
		if ev != Line {
			b.Fatal(ev)
		}
		if _, _, err := ParseCommand(line); err != nil {
			b.Fatal(err)
		}
		out = AppendReply(out[:0], CodeOK, "NOOP ok.")
	}
}

func BenchmarkFrameLongLine(b *testing.B) {
	in := []byte("STOR " + strings.Repeat("d/", 1000) + "file.bin\r\n")
	buf := make([]byte, len(in))
	var f Framer
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		copy(buf, in)
		if _, _, ev := f.Next(buf); ev != Line {
			b.Fatal(ev)
		}
	}
}
