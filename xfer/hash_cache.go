package xfer

import (
	"context"
	"fmt"
	"io/fs"
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/sync/singleflight"

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
	lru *lru.Cache[hashKey, string]
	// flight joins the requests that miss the same key while one of them
	// reads the file, so a digest asked for by many sessions at once is
	// computed once too.
	flight       singleflight.Group
	hits, misses atomic.Int64
	joined       atomic.Int64 // requests served by another's computation
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

// Joined is how many requests got a digest another request was computing.
func (c *HashCache) Joined() int64 {
	if c == nil {
		return 0
	}
	return c.joined.Load()
}

// hashResult is what one computation of a digest gives the requests that
// share it: the digest and its range, or the outcome that refused it.
type hashResult struct {
	sum        string
	start, end int64
	ok         bool
	refused    Outcome // when !ok
}

// once runs compute for k unless a computation for k is under way, whose
// digest is then shared. A follower that got no digest (its leader's
// session closed, the file changed) computes on its own, so that it gets
// its own reply; one whose own ctx ends stops waiting (the leader's
// computation goes on for the others, under the leader's ctx). A nil cache just
// computes. Runs on a worker.
func (c *HashCache) once(ctx context.Context, k hashKey, compute func() hashResult) hashResult {
	if c == nil {
		return compute()
	}
	// led is set when this request's compute is the one that ran; the
	// channel's receive orders its write before the read.
	led := false
	ch := c.flight.DoChan(fmt.Sprint(k), func() (any, error) {
		led = true
		return compute(), nil
	})
	select {
	case r := <-ch:
		res := r.Val.(hashResult)
		switch {
		case led:
		case !res.ok:
			return compute()
		default:
			c.joined.Add(1)
		}
		return res
	case <-ctx.Done():
		return hashResult{refused: Fail(connErr(ctx.Err()))}
	}
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
