package xfer

import (
	"context"
	"io"

	"github.com/ftpsd/ftpsd/internal/synth"
)

// hashSynth answers a checksum command for a path under the synthetic
// tree or the sink: a synthetic file's digest is computed from its
// generator, with no disk read, through the same bounds, range, throttle
// and reply as a real file's. The digests are not cached: the cache is
// keyed by a file's device and inode, which these do not have, and
// computing one costs no more than reading a cached file would. Runs on
// a worker.
func (j *HashJob) hashSynth(ctx context.Context, n synth.Node) Outcome {
	switch n.Kind {
	case synth.File:
	case synth.Dir, synth.SinkDir:
		if j.Draft {
			return Outcome{Kind: NotHashable}
		}
		return Outcome{Kind: IsDir}
	default: // Missing, and sink names: nothing is kept there
		return Outcome{Kind: NotExist}
	}
	start, end, refused := j.bounds(n.Stat())
	if refused.Kind != LocalError {
		return refused
	}
	var r io.ReaderAt = synth.NewReaderAt(j.Synth.Gen(n), n.Size)
	sum, err := j.digest(ctx, r, start, end)
	if err != nil {
		return Fail(err)
	}
	return j.reply(sum, start, end)
}
