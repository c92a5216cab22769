//go:build !unix

package codec

func testStat() any { return nil }
