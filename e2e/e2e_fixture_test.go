package e2e

import "github.com/ftpsd/ftpsd/internal/testserver"

// The configuration fixtures are internal/testserver's, shared with the
// binary's and the builder's tests; the fc names keep the tests that call
// them reading the same in all three places.
var (
	fcFixture = testserver.ConfigFixture
	fcSeed    = testserver.SeedConfig
)
