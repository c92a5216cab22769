package config

import (
	"path"
	"strings"

	"github.com/ftpsd/ftpsd/internal/synth"
)

// SynthSettings are ftpsd's directives for the synthetic tree and the
// verifying sink (internal/synth), process-wide like their flags.
type SynthSettings struct {
	Mount Opt[string] // FTPSynthetic: -synthetic
	Sink  Opt[string] // FTPSink: -sink
	Max   Opt[int64]  // FTPSyntheticMax: -synthetic-max
	Seed  Opt[string] // FTPSyntheticSeed: -synthetic-seed
	Tree  Opt[int]    // FTPSyntheticTree: -synthetic-tree
}

// ParseMount reads the virtual path a synthetic tree or sink is mounted
// at: absolute, clean and not "/". The flags use it too.
func ParseMount(s string) (string, error) {
	if !path.IsAbs(s) || path.Clean(s) != s || s == "/" || strings.ContainsAny(s, "\x00\r\n") {
		return "", errorf("%s is not an absolute, clean virtual path other than / (such as /synthetic)", quoteName(s))
	}
	return s, nil
}

// ParseSynthSize reads the largest synthetic file: bytes with K, M, G or
// T suffixes for binary multiples, as synthetic file names spell sizes,
// at least 1. The flag uses it too.
func ParseSynthSize(s string) (int64, error) {
	v, err := synth.ParseSize(s)
	if err != nil || v < 1 || strings.Contains(s, ".") || strings.Contains(s, "-") {
		return 0, errorf("%s is not a size such as 1T (bytes, or K, M, G, T for binary multiples)", quoteName(s))
	}
	return v, nil
}

func mountOpt(get func(*Server) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := ParseMount(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

func synthSize(get func(*Server) *Opt[int64]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		v, err := ParseSynthSize(n.args[0])
		if err == nil {
			*get(p.srv) = setOpt(v, n.pos)
		}
		return err
	}
}

// textOpt takes its argument as it is, when it is not empty.
func textOpt(get func(*Server) *Opt[string]) func(*walker, *place, *node) error {
	return func(_ *walker, p *place, n *node) error {
		if n.args[0] == "" {
			return errorf("empty text")
		}
		*get(p.srv) = setOpt(n.args[0], n.pos)
		return nil
	}
}
