package xfer

import (
	"io/fs"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/ftpsd/ftpsd/codec"
)

// hashKey names one digest: the file by device and inode (so every path,
// login and host that reaches the file shares it), the file's state
// (size, modification and change times: a write, a truncate, even an MFMT
// that puts the old time back changes the change time), the hash function
// and the byte range [start, end).
type hashKey struct {
	dev, ino     uint64
	size         int64
	mtime, ctime int64 // UnixNano
	algo         codec.HashAlgo
	start, end   int64
}

// HashCache keeps digests computed by HashJobs, bounded to a number of
// entries with the least recently used evicted first, so a mirror's
// popular files are read once however many sessions ask. One cache serves
// the whole server: its methods are safe for concurrent use by workers
// (hashicorp/golang-lru's Cache holds a mutex for a map operation only).
// A nil *HashCache keeps nothing.
type HashCache struct {
	lru          *lru.Cache[hashKey, string]
	hits, misses atomic.Int64
}

// NewHashCache returns a cache of at most entries digests; nil (no cache)
// when entries is zero or less.
func NewHashCache(entries int) *HashCache {
	if entries <= 0 {
		return nil
	}
	c, err := lru.New[hashKey, string](entries)
	if err != nil {
		return nil // lru.New fails only for a size below 1
	}
	return &HashCache{lru: c}
}

// Len is the number of digests held.
func (c *HashCache) Len() int {
	if c == nil {
		return 0
	}
	return c.lru.Len()
}

// Stats returns how many lookups found a digest and how many did not.
func (c *HashCache) Stats() (hits, misses int64) {
	if c == nil {
		return 0, 0
	}
	return c.hits.Load(), c.misses.Load()
}

// get returns the digest stored under k. Runs on a worker.
func (c *HashCache) get(k hashKey) (string, bool) {
	if c == nil {
		return "", false
	}
	sum, ok := c.lru.Get(k)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return sum, ok
}

// add stores a digest. Runs on a worker.
func (c *HashCache) add(k hashKey, sum string) {
	if c != nil {
		c.lru.Add(k, sum)
	}
}

// keyOf returns the cache key of a range of the file fi describes; ok is
// false when fi carries no device and inode, and then nothing is cached.
func keyOf(fi fs.FileInfo, algo codec.HashAlgo, start, end int64) (hashKey, bool) {
	dev, ino, ctime, ok := fileIdentity(fi)
	if !ok {
		return hashKey{}, false
	}
	return hashKey{dev: dev, ino: ino, size: fi.Size(), mtime: fi.ModTime().UnixNano(), ctime: ctime,
		algo: algo, start: start, end: end}, true
}
