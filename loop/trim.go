package loop

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Memory trimming. Go's heap grows to twice the live heap (GOGC=100) before
// a collection, and without new allocations it stays there: after a burst
// of logins, the garbage of ten thousand TLS handshakes (their buffers,
// their goroutines' stacks) keeps the process's RSS at about twice what
// the idle sessions hold. A mirror holds many idle sessions; so once no
// session has opened for a while, OnTick has the heap collected and its
// free pages returned to the kernel (debug.FreeOSMemory). Under load no
// trim runs, and GOGC keeps its usual trade of memory for CPU.

const (
	defaultTrimQuiet = time.Second      // no new session for this long
	trimEvery        = 10 * time.Second // at most one trim per period
	trimSlack        = 4 << 20          // and only when at least this much would be returned
)

// maybeTrim runs on the ticker goroutine. It starts a trim when sessions
// stopped arriving, none ran recently, and the heap holds much more than
// its live objects.
func (s *Server) maybeTrim(now int64) {
	quiet := s.cfg.trimQuiet()
	opened := s.lastOpen.Load()
	if quiet <= 0 || now-opened < int64(quiet) || now-s.lastTrim.Load() < int64(trimEvery) {
		return
	}
	// One look per quiet spell: with no session opened since the last
	// look, nothing new can be worth returning.
	if s.trimSeen.Swap(opened) == opened {
		return
	}
	if !s.trimming.CompareAndSwap(false, true) {
		return
	}
	samples := []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
	}
	metrics.Read(samples)
	if !worthTrimming(samples[0].Value.Uint64(), samples[1].Value.Uint64(), samples[2].Value.Uint64()) {
		s.trimming.Store(false)
		return
	}
	s.lastTrim.Store(now)
	// FreeOSMemory collects and scavenges; it blocks its caller for the
	// length of a collection, so not the ticker.
	go func() {
		defer s.trimming.Store(false)
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
