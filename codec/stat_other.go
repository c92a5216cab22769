//go:build !unix

package codec

import "io/fs"

// statOf reports no link count, device or inode where syscall.Stat_t does
// not exist; listings then show one link and no unique fact.
func statOf(fs.FileInfo) (nlink, dev, ino uint64, ok bool) { return 0, 0, 0, false }
