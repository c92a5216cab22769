//go:build unix

package codec

import "syscall"

// testStat returns a Sys() value with two links, device 0x803 and inode
// 0x1a2b, or nil where the platform has no syscall.Stat_t.
func testStat() any { return &syscall.Stat_t{Nlink: 2, Dev: 0x803, Ino: 0x1a2b} }
