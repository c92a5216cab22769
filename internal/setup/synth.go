package setup

import (
	"fmt"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// SynthFlags are the flags of the synthetic tree and the verifying sink
// (internal/synth), process-wide as their directives.
type SynthFlags struct {
	Mount Opt[string] // -synthetic (FTPSynthetic)
	Sink  Opt[string] // -sink (FTPSink)
	Max   Opt[int64]  // -synthetic-max (FTPSyntheticMax)
	Seed  Opt[string] // -synthetic-seed (FTPSyntheticSeed)
	Tree  Opt[int]    // -synthetic-tree (FTPSyntheticTree)
}

func (f SynthFlags) resolve() synth.Options {
	return synth.Options{Mount: f.Mount.Value, Sink: f.Sink.Value, Max: f.Max.Value, Seed: f.Seed.Value, Tree: f.Tree.Value}
}

// layerSynth lays the file's synthetic-tree directives under the flags.
func layerSynth(ps config.SynthSettings, o *synth.Options, fl SynthFlags) {
	layer(fl.Mount, ps.Mount, &o.Mount)
	layer(fl.Sink, ps.Sink, &o.Sink)
	layer(fl.Max, ps.Max, &o.Max)
	layer(fl.Seed, ps.Seed, &o.Seed)
	layer(fl.Tree, ps.Tree, &o.Tree)
}

// buildSynth makes the synthetic tree and sink of o; nil when neither is
// mounted. Runs at start-up only.
func buildSynth(o synth.Options) (*synth.FS, error) {
	if o.Mount == "" && o.Sink == "" {
		return nil, nil
	}
	f, err := synth.New(o)
	if err != nil {
		return nil, fmt.Errorf("-synthetic, -sink: %w", err)
	}
	return f, nil
}
