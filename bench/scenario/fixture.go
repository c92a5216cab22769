package scenario

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// The fixture tree every server serves, relative to its root.
const (
	SmallPath  = "small/4k.bin"
	ListPath   = "list"
	UploadPath = "up"
	BulkDir    = "bulk"
	ListSize   = 1000
)

// smallSize is the size of SmallPath, and of every small file moved.
const smallSize = 4096

// BulkPath is the fixture file of size bytes, relative to the root.
func BulkPath(size int64) string { return fmt.Sprintf("%s/%d.bin", BulkDir, size) }

// MakeTree creates the fixture tree under root, reusing files already of
// the right size: a 4 KiB file, a directory of ListSize small files, a
// world-writable upload directory (servers that drop privileges write as
// their anonymous user), and one bulk file per size. Bulk files hold
// pseudo-random bytes, so nothing on the way can shortcut zeros.
func MakeTree(root string, bulkSizes []int64) error {
	for _, d := range []string{"small", ListPath, UploadPath, BulkDir} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			return fmt.Errorf("scenario: fixture: %w", err)
		}
	}
	if err := os.Chmod(filepath.Join(root, UploadPath), 0o777); err != nil {
		return fmt.Errorf("scenario: fixture: %w", err)
	}
	if err := ensureFile(filepath.Join(root, SmallPath), smallSize); err != nil {
		return err
	}
	for i := range ListSize {
		if err := ensureFile(filepath.Join(root, ListPath, fmt.Sprintf("file-%04d.txt", i)), int64(i%512)); err != nil {
			return err
		}
	}
	for _, s := range bulkSizes {
		if err := ensureFile(filepath.Join(root, BulkPath(s)), s); err != nil {
			return err
		}
	}
	return nil
}

func ensureFile(path string, size int64) error {
	if fi, err := os.Stat(path); err == nil && fi.Size() == size {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("scenario: fixture: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(uint64(size), 5))
	var word [8]byte
	for n := int64(0); n < size; n += 8 {
		v := rng.Uint64()
		for i := range word {
			word[i] = byte(v >> (8 * i))
		}
		k := min(int64(8), size-n)
		if _, err := w.Write(word[:k]); err != nil {
			f.Close()
			return fmt.Errorf("scenario: fixture: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("scenario: fixture: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("scenario: fixture: %w", err)
	}
	return os.Chmod(path, 0o644)
}
