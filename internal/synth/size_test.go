package synth

import (
	"errors"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		name string
		want int64
		err  error
	}{
		{"1G.bin", 1 << 30, nil},
		{"1g.bin", 1 << 30, nil},
		{"512.bin", 512, nil},
		{"0.bin", 0, nil},
		{"1K", 1024, nil},
		{"100M.dat", 100 << 20, nil},
		{"2T.bin", 2 << 40, nil},
		{"run7-100M.dat", 100 << 20, nil},
		{"f000042-4K.bin", 4096, nil},
		{"a-b-16K.tar.gz", 16 << 10, nil},
		{"9223372036854775807", 1<<63 - 1, nil},
		{"8388608T", 0, ErrTooLarge},
		{"99999999999999999999.bin", 0, ErrTooLarge},
		{"hello.txt", 0, ErrNoSize},
		{"K.bin", 0, ErrNoSize},
		{".bin", 0, ErrNoSize},
		{"", 0, ErrNoSize},
		{"1X.bin", 0, ErrNoSize},
		{"1KB.bin", 0, ErrNoSize},
		{"-1K.bin", 1024, nil},
		{"1K-", 0, ErrNoSize},
		{"1 K", 0, ErrNoSize},
	} {
		got, err := ParseSize(c.name)
		if got != c.want || !errors.Is(err, c.err) || (c.err == nil) != (err == nil) {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, %v", c.name, got, err, c.want, c.err)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for _, c := range []struct {
		n    int64
		want string
	}{{0, "0"}, {1, "1"}, {1024, "1K"}, {1536, "1536"}, {1 << 30, "1G"}, {3 << 40, "3T"}, {5 << 50, "5120T"}} {
		if got := FormatSize(c.n); got != c.want {
			t.Errorf("FormatSize(%d) = %q, want %q", c.n, got, c.want)
		}
		if back, err := ParseSize(c.want); err != nil || back != c.n {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", c.n, back, err)
		}
	}
}
