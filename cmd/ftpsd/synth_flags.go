package main

import (
	"fmt"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// synthText holds the synthetic-tree flags given as text until
// finishSynthFlags converts them.
type synthText struct {
	mount, sink, max setup.Opt[string]
}

// defineSynthFlags defines the flags of the synthetic tree and the
// verifying sink (setup.SynthFlags).
func defineSynthFlags(fs flagSet, o *options, t *synthText) {
	f := &o.flags.Synth
	raw(fs, &t.mount, "synthetic", "", "mount the synthetic tree at this virtual `PATH` (/synthetic): files whose names spell their size (1G.bin) with deterministic content, no disk")
	raw(fs, &t.sink, "sink", "", "mount the verifying sink at this virtual `PATH` (/sink): uploads are counted, checked against the synthetic content their name spells, and discarded")
	raw(fs, &t.max, "synthetic-max", synth.FormatSize(synth.DefaultMax), "largest synthetic file in `BYTES`; K, M, G, T suffixes (binary)")
	opt(fs, &f.Seed, fs.StringVar, "synthetic-seed", "", "`TEXT` mixed into every synthetic file's content")
	opt(fs, &f.Tree, fs.IntVar, "synthetic-tree", synth.DefaultTree, "`N` directories the synthetic tree/ lists, and files each of them lists")
}

// finishSynthFlags converts and checks the synthetic-tree flags given.
func finishSynthFlags(o *options, t *synthText) error {
	f := &o.flags.Synth
	for _, m := range []struct {
		name string
		text setup.Opt[string]
		dst  *setup.Opt[string]
	}{{"synthetic", t.mount, &f.Mount}, {"sink", t.sink, &f.Sink}} {
		if !m.text.Set {
			continue
		}
		v, err := config.ParseMount(m.text.Value)
		if err != nil {
			return fmt.Errorf("-%s: %w", m.name, err)
		}
		*m.dst = setup.Given(v)
	}
	if t.max.Set {
		v, err := config.ParseSynthSize(t.max.Value)
		if err != nil {
			return fmt.Errorf("-synthetic-max: %w", err)
		}
		f.Max = setup.Given(v)
	}
	if f.Tree.Set && (f.Tree.Value < 1 || f.Tree.Value > synth.MaxTree) {
		return fmt.Errorf("-synthetic-tree: %d is not 1 to %d", f.Tree.Value, synth.MaxTree)
	}
	return nil
}
