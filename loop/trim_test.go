package loop

import "testing"

func TestWorthTrimming(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		name                string
		live, objects, free uint64
		want                bool
	}{
		{"after a burst of handshakes", 75 * mb, 81 * mb, 39 * mb, true},
		{"just collected", 75 * mb, 76 * mb, 2 * mb, false},
		{"small heap, all slack", 1 * mb, 2 * mb, 2 * mb, false},
		{"small heap, more than the slack", 1 * mb, 3 * mb, 3 * mb, true},
	} {
		if got := worthTrimming(tc.live, tc.objects, tc.free); got != tc.want {
			t.Errorf("%s: worthTrimming = %v, want %v", tc.name, got, tc.want)
		}
	}
}
