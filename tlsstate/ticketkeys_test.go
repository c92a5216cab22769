package tlsstate

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func randomKey(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func TestParseTicketKeys(t *testing.T) {
	k48, k80 := randomKey(48), randomKey(80)
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	tests := []struct {
		name string
		in   []byte
		n    int // keys; 0: an error
	}{
		{"nginx 48 raw bytes", k48, 1},
		{"nginx 80 raw bytes", k80, 1},
		{"HAProxy lines", []byte("# rotated daily\n" + b64(k80) + "\n\n" + b64(k48) + "\n" + b64(randomKey(80)) + "\n"), 3},
		{"one line without newline", []byte(b64(k48)), 1},
		{"wrong length raw", randomKey(32), 0},
		{"wrong length line", []byte(b64(randomKey(32)) + "\n"), 0},
		{"not base64", []byte("not a key\n"), 0},
		{"empty", nil, 0},
		{"comments only", []byte("# nothing\n"), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := ParseTicketKeys(tc.in)
			if tc.n == 0 {
				if !errors.Is(err, ErrTicketKeys) {
					t.Fatalf("err = %v, want ErrTicketKeys", err)
				}
				return
			}
			if err != nil || len(keys) != tc.n {
				t.Fatalf("%d keys, %v; want %d", len(keys), err, tc.n)
			}
		})
	}
	// The same key, raw or as a line, is the same crypto/tls key; the
	// first line comes first (it seals new tickets).
	raw, _ := ParseTicketKeys(k48)
	lines, _ := ParseTicketKeys([]byte(b64(k48) + "\n" + b64(k80) + "\n"))
	if raw[0] != lines[0] || lines[0] == lines[1] {
		t.Error("a key's derived value depends on its encoding, or two keys derived the same")
	}
}

// TestSharedTicketKeysResumeAcrossInstances: two servers (two instances)
// with the same key file resume each other's control sessions; with other
// keys they do not. (That a data connection resumes only its own
// process's tickets rests on session ids being unique across processes:
// with shared keys internal/setup starts each process's ids at random,
// loop.Config.SessionIDBase.)
func TestSharedTicketKeysResumeAcrossInstances(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tickets.key")
	if err := os.WriteFile(path, randomKey(80), 0o600); err != nil {
		t.Fatal(err)
	}
	keys, err := LoadTicketKeys(path)
	if err != nil {
		t.Fatal(err)
	}
	a, b, other := serverConfig(), serverConfig(), serverConfig()
	a.SetSessionTicketKeys(keys)
	b.SetSessionTicketKeys(keys)
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			cli := clientConfig(v.v)
			cli.ClientSessionCache = tls.NewLRUClientSessionCache(8)
			if _, c := dataHandshake(t, ControlConfig(a, 1), cli); c.DidResume {
				t.Fatal("first handshake resumed")
			}
			if srv, _ := dataHandshake(t, ControlConfig(b, 2), cli); !srv.DidResume {
				t.Error("instance b did not resume instance a's session")
			}
			cli2 := clientConfig(v.v)
			cli2.ClientSessionCache = tls.NewLRUClientSessionCache(8)
			dataHandshake(t, ControlConfig(a, 3), cli2)
			if srv, _ := dataHandshake(t, ControlConfig(other, 4), cli2); srv.DidResume {
				t.Error("a server with other keys resumed the session")
			}

		})
	}
}

// TestTicketLifetime: a session resumes within its lifetime and not after
// it, counted from the first ticket; tickets without an issue time do not
// resume.
func TestTicketLifetime(t *testing.T) {
	base := serverConfig()
	now := time.Now()
	stamped := func(at time.Time) *tls.SessionState {
		ss := &tls.SessionState{}
		stampIssued(ss, at)
		return ss
	}
	for _, tc := range []struct {
		name     string
		lifetime time.Duration
		ss       *tls.SessionState
		want     bool
	}{
		{"new", 0, stamped(now), true},
		{"23h old, default lifetime", 0, stamped(now.Add(-23 * time.Hour)), true},
		{"25h old, default lifetime", 0, stamped(now.Add(-25 * time.Hour)), false},
		{"2h old, 1h lifetime", time.Hour, stamped(now.Add(-2 * time.Hour)), false},
		{"2h old, 3h lifetime", 3 * time.Hour, stamped(now.Add(-2 * time.Hour)), true},
		{"from the future", 0, stamped(now.Add(time.Hour)), false},
		{"no issue time", 0, &tls.SessionState{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			SetTicketLifetime(base, tc.lifetime)
			if got := fresh(base, tc.ss, now); got != tc.want {
				t.Errorf("fresh = %v, want %v", got, tc.want)
			}
		})
	}
	// A re-issued ticket keeps the first issue time.
	ss := stamped(now.Add(-time.Hour))
	stampIssued(ss, now)
	if at, _ := issuedAt(ss.Extra); !at.Equal(now.Add(-time.Hour).Truncate(time.Second)) || len(ss.Extra) != 1 {
		t.Errorf("re-stamped: %v, %d entries", at, len(ss.Extra))
	}
}
