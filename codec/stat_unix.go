//go:build unix

package codec

import (
	"io/fs"
	"syscall"
)

// statOf returns the link count, device and inode behind fi when it came
// from the operating system (os.Stat, os.Lstat, os.Root, DirEntry.Info).
func statOf(fi fs.FileInfo) (nlink, dev, ino uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st == nil {
		return 0, 0, 0, false
	}
	return uint64(st.Nlink), uint64(st.Dev), uint64(st.Ino), true
}
