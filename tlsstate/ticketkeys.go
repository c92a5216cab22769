package tlsstate

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
)

// Shared session-ticket keys let a client resume its TLS session on any
// instance of a fleet, and across restarts: every instance loads the same
// key file, and rotation is replacing the file and sending SIGHUP.
//
// The file is in the format nginx (ssl_session_ticket_key), Apache
// (SSLSessionTicketKeyFile) and HAProxy (tls-ticket-keys) use: either one
// key as 48 or 80 raw bytes (16 bytes of name, then the HMAC and AES
// secrets), or one key per line, base64-encoded, each 48 or 80 bytes; lines
// that are empty or start with # are skipped. The first key seals new
// tickets; every key opens them, so that tickets sealed with the previous
// key still resume after a rotation that keeps it second. Only the file is
// shared with those servers: crypto/tls seals tickets its own way, so each
// key is reduced to the 32 bytes crypto/tls takes (SHA-256 of the whole
// key), the same on every instance.

// ErrTicketKeys is a key file ftpsd cannot use.
var ErrTicketKeys = errors.New("tlsstate: bad session-ticket key file")

// maxTicketKeys bounds a key file: a few keys cover any rotation scheme.
const maxTicketKeys = 64

// ParseTicketKeys reads the keys of a key file's contents.
func ParseTicketKeys(data []byte) ([][32]byte, error) {
	if n := len(data); n == 48 || n == 80 {
		if _, err := parseTicketLines(data); err != nil {
			// Raw bytes, not base64 text: one key.
			return [][32]byte{sha256.Sum256(data)}, nil
		}
	}
	return parseTicketLines(data)
}

func parseTicketLines(data []byte) ([][32]byte, error) {
	var keys [][32]byte
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(string(line))
		if err != nil {
			return nil, fmt.Errorf("%w: line %d is not base64", ErrTicketKeys, i+1)
		}
		if len(raw) != 48 && len(raw) != 80 {
			return nil, fmt.Errorf("%w: line %d holds %d bytes, want 48 or 80", ErrTicketKeys, i+1, len(raw))
		}
		if len(keys) == maxTicketKeys {
			return nil, fmt.Errorf("%w: more than %d keys", ErrTicketKeys, maxTicketKeys)
		}
		keys = append(keys, sha256.Sum256(raw))
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no key", ErrTicketKeys)
	}
	return keys, nil
}

// LoadTicketKeys reads and parses a key file. It reads the disk: start-up
// or the SIGHUP goroutine, never the loop.
func LoadTicketKeys(path string) ([][32]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tlsstate: session-ticket keys: %w", err)
	}
	keys, err := ParseTicketKeys(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return keys, nil
}
