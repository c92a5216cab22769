package main

import (
	"os"
	"path/filepath"

	"github.com/pkg/profile"
)

// startProfile starts the requested profile through pkg/profile and
// returns the function that writes it out; profiles go to ./ftpsd-profile.
func startProfile(kind string) func() {
	var mode func(*profile.Profile)
	switch kind {
	case "cpu":
		mode = profile.CPUProfile
	case "mem":
		mode = profile.MemProfile
	case "allocs":
		mode = profile.MemProfileAllocs
	case "block":
		mode = profile.BlockProfile
	case "mutex":
		mode = profile.MutexProfile
	case "trace":
		mode = profile.TraceProfile
	default:
		return func() {}
	}
	dir, _ := filepath.Abs("ftpsd-profile")
	_ = os.MkdirAll(dir, 0o755)
	p := profile.Start(mode, profile.ProfilePath(dir), profile.NoShutdownHook, profile.Quiet)
	return p.Stop
}
