package main

import (
	"crypto/sha1"
	"encoding/base64"
	"os"
	"testing"
)

// The end-to-end tests moved to the top-level e2e package; these two small
// helpers were shared with them and stay here, copied, for the tests of the
// binary's wiring that still use them.

// shaHash returns pass as an htpasswd {SHA} hash.
func shaHash(pass string) string {
	sum := sha1.Sum([]byte(pass))
	return "{SHA}" + base64.StdEncoding.EncodeToString(sum[:])
}

// readFile returns a file's content or fails.
func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("reading %s: %v", p, err)
	}
	return string(b)
}
