//go:build linux

package xfer

import (
	"io/fs"
	"syscall"
)

// fileIdentity returns the device, inode and change time of the file fi
// came from (os.Stat, os.Root, File.Stat).
func fileIdentity(fi fs.FileInfo) (dev, ino uint64, ctime int64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || st == nil {
		return 0, 0, 0, false
	}
	return uint64(st.Dev), uint64(st.Ino), st.Ctim.Nano(), true
}
