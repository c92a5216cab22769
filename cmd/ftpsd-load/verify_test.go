package main

import (
	"errors"
	"strings"
	"testing"
)

func TestNameSize(t *testing.T) {
	tests := []struct {
		path string
		want int64
		ok   bool
	}{
		{"/synthetic/1G.bin", 1 << 30, true},
		{"/synthetic/run7-100M.dat", 100 << 20, true},
		{"/synthetic/tree/d000001/f000042-4K.bin", 4 << 10, true},
		{"512.bin", 512, true},
		{"/pub/README", 0, false},
		{"/synthetic/big.bin", 0, false},
	}
	for _, tt := range tests {
		got, err := nameSize(tt.path)
		if tt.ok != (err == nil) || got != tt.want {
			t.Errorf("nameSize(%q) = %d, %v; want %d, ok=%v", tt.path, got, err, tt.want, tt.ok)
		}
	}
}

// feed hands data to the checker in reads of the given size.
func feed(c *checker, data []byte, read int) {
	for len(data) > 0 {
		n := min(read, len(data))
		c.seen(data[:n])
		data = data[n:]
	}
}

func TestChecker(t *testing.T) {
	good := make([]byte, 200000)
	newSynthGen(nil, "200000.bin").Fill(good, 0)
	tests := []struct {
		name    string
		data    func() []byte
		read    int
		wantErr string // "" for a match
	}{
		{"exact, big reads", func() []byte { return good }, 70000, ""},
		{"exact, odd reads", func() []byte { return good }, 4093, ""},
		{"one byte flipped", func() []byte {
			b := append([]byte{}, good...)
			b[123457] ^= 1
			return b
		}, 16384, "offset 123457"},
		{"two flipped: the first is named", func() []byte {
			b := append([]byte{}, good...)
			b[150000] ^= 1
			b[99] ^= 0x80
			return b
		}, 65536, "offset 99"},
		{"short", func() []byte { return good[:199999] }, 8192, "199999 bytes"},
		{"long", func() []byte { return append(append([]byte{}, good...), 0) }, 8192, "200001 bytes"},
	}
	c := newChecker(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := c.reset("/synthetic/200000.bin"); err != nil {
				t.Fatal(err)
			}
			feed(c, tt.data(), tt.read)
			err := c.result()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("exact content refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, errVerify) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("result %v, want an errVerify naming %q", err, tt.wantErr)
			}
		})
	}
	// Content of another name is not this file's.
	other := make([]byte, 1024)
	newSynthGen(nil, "other-1K.bin").Fill(other, 0)
	if err := c.reset("/synthetic/1K.bin"); err != nil {
		t.Fatal(err)
	}
	feed(c, other, 1024)
	if c.result() == nil {
		t.Error("the content of other-1K.bin passed as 1K.bin")
	}
}
