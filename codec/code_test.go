package codec

import "testing"

func TestCodeString(t *testing.T) {
	tests := []struct {
		name string
		code Code
		want string
	}{
		{"first three-digit code", 100, "100"},
		{"transfer complete", CodeTransferComplete, "226"},
		{"auth ok", CodeAuthOK, "234"},
		{"bad file name", CodeBadFileName, "553"},
		{"last three-digit code", 999, "999"},
		{"zero", 0, "0"},
		{"two digits", 99, "99"},
		{"four digits", 1000, "1000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.code.String(); got != tt.want {
				t.Errorf("Code(%d).String() = %q, want %q", uint16(tt.code), got, tt.want)
			}
		})
	}
}

func TestCodeClass(t *testing.T) {
	tests := []struct {
		name            string
		code            Code
		valid, positive bool
	}{
		{"preliminary", CodeFileStatusOK, true, true},
		{"completion", CodeOK, true, true},
		{"intermediate", CodeNeedPassword, true, true},
		{"transient negative", CodeCantOpenData, true, false},
		{"permanent negative", CodeFileUnavailable, true, false},
		{"below range", 99, false, false},
		{"class 6", 600, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.code.Valid(); got != tt.valid {
				t.Errorf("Valid() = %v, want %v", got, tt.valid)
			}
			if got := tt.code.Positive(); got != tt.positive {
				t.Errorf("Positive() = %v, want %v", got, tt.positive)
			}
		})
	}
}

func TestAppendCodeThreeDigits(t *testing.T) {
	for c := Code(100); c <= 999; c++ {
		if got := string(appendCode(nil, c)); got != c.String() {
			t.Fatalf("appendCode(%d) = %q, want %q", uint16(c), got, c.String())
		}
	}
}
