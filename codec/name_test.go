package codec

import (
	"testing"
)

func TestShownName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "report 2026.txt", "report 2026.txt"},
		{"utf8 kept", "café-日本.txt", "café-日本.txt"},
		{"escape sequence", "\x1b[31mred", "?[31mred"},
		{"tab and bell", "a\tb\x07", "a?b?"},
		{"del", "x\x7fy", "x?y"},
		{"cr lf", "a\r\n226 fake", "a??226 fake"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ShownName(tc.in); got != tc.want {
				t.Errorf("ShownName(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if got := string(AppendName([]byte("> "), tc.in)); got != "> "+tc.want {
				t.Errorf("AppendName(%q) = %q, want %q", tc.in, got, "> "+tc.want)
			}
		})
	}
}
