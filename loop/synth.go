package loop

import (
	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/synth"
)

// intoSink reports whether c, a command that writes, is an upload into the
// verifying sink (internal/synth): those are allowed to read-only logins
// too, since the sink writes nothing anywhere. Pure computation on the
// path; runs on the loop.
func (s *Session) intoSink(c *command, arg []byte) bool {
	if s.srv.cfg.Synth == nil || c.flags&opensData == 0 || len(arg) == 0 {
		return false
	}
	return s.srv.cfg.Synth.Lookup(codec.Join(s.cwd, string(arg))).Kind == synth.SinkFile
}
