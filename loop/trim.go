package loop

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory trimming. Go's heap grows to twice the live heap (GOGC=100) before
// a collection, and without new allocations it stays there: after a burst
// of logins, the garbage of ten thousand TLS handshakes (their buffers,
// their goroutines' stacks) keeps the process's RSS at about twice what
// the idle sessions hold; after they all close, nothing allocates, no
// collection runs, and the RSS stays at its high-water mark. So once no
// session has opened or closed for a while, OnTick has the heap collected
// and its free pages returned to the kernel (debug.FreeOSMemory). Under
// load no trim runs, and GOGC keeps its usual trade of memory for CPU.

const (
	defaultTrimQuiet = time.Second      // no new session for this long
	trimEvery        = 10 * time.Second // at most one trim per period
	trimSlack        = 4 << 20          // and only when at least this much would be returned
)

// maybeTrim runs on the ticker goroutine. It starts a trim when sessions
// stopped arriving and leaving, none ran recently, and the heap holds much
// more than its live objects.
func (s *Server) maybeTrim(now int64) {
	quiet := s.cfg.trimQuiet()
	changed := max(s.lastOpen.Load(), s.lastClose.Load())
	if quiet <= 0 || now-changed < int64(quiet) || now-s.lastTrim.Load() < int64(trimEvery) {
		return
	}
	// One look per quiet spell: with no session opened or closed since
	// the last look, nothing new can be worth returning.
	seen := s.trimSeen.Swap(changed)
	if seen == changed {
		return
	}
	// Sessions closed since the last look: what they held is garbage now,
	// but the heap's live figure is the last collection's, from before
	// they closed, so the figures below cannot tell. Collect regardless.
	closed := s.lastClose.Load() > seen
	if !s.trimming.CompareAndSwap(false, true) {
		return
	}
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(samples)
	if !closed && !worthTrimming(samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()) {
		s.trimming.Store(false)
		return
	}
	s.lastTrim.Store(now)
	// FreeOSMemory collects and scavenges; it blocks its caller for the
	// length of a collection, so not the ticker.
	go func() {
		defer s.trimming.Store(false)
		// Two collections: the first moves what sync.Pools hold (the
		// buffers of closed sessions among them) to their victim caches,
		// the second frees it; FreeOSMemory then returns the pages.
		runtime.GC()
		debug.FreeOSMemory()
	}()
}

// worthTrimming reports whether a collection and scavenge would return a
// good share of the heap: the heap (objects, garbage among them, and free
// pages still held) exceeds the live objects by half again, and by
// trimSlack.
func worthTrimming(live, objects, free uint64) bool {
	return objects+free >= live+live/2+trimSlack
}
