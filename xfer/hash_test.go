package xfer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/ftpsd/ftpsd/codec"
)

// abcVectors are the published digests of "abc" (FIPS 180 examples,
// RFC 1321 appendix A.5, and the IEEE CRC-32 check of "abc").
var abcVectors = [codec.HashAlgoCount]string{
	codec.HashSHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	codec.HashSHA512: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a" +
		"2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
	codec.HashSHA1:  "a9993e364706816aba3e25717850c26c9cd0d89d",
	codec.HashMD5:   "900150983cd24fb0d6963f7d28e17f72",
	codec.HashCRC32: "352441c2",
}

// countOpens makes j open through f and count each open in n.
func countOpens(j *HashJob, n *atomic.Int64) {
	j.open = func(p string) (*os.File, error) {
		n.Add(1)
		return j.FS.Open(p)
	}
}

// TestHashVectors: every function, for HASH and for its X* command, whole
// file and range, gives the published digest in the reply form of each.
func TestHashVectors(t *testing.T) {
	f, _ := rootFS(t, map[string]string{"abc": "abc", "mid": "xxabcyy"})
	for a := range codec.HashAlgoCount {
		want := abcVectors[a]
		t.Run(a.String(), func(t *testing.T) {
			o := (&HashJob{FS: f, Path: "/abc", Name: "abc", Algo: a, Draft: true}).Run(context.Background(), nil)
			if wantText := "Computing " + a.String() + " digest\n" + a.String() + " 0-2 " + want + " abc"; o.Kind != Hashed || o.Text != wantText {
				t.Errorf("HASH: %v %q (%v), want Hashed %q", o.Kind, o.Text, o.Err, wantText)
			}
			o = (&HashJob{FS: f, Path: "/abc", Algo: a}).Run(context.Background(), nil)
			if wantText := "Computing " + a.String() + " digest\n" + strings.ToUpper(want); o.Kind != XHashed || o.Text != wantText {
				t.Errorf("X command: %v %q (%v), want XHashed %q", o.Kind, o.Text, o.Err, wantText)
			}
			o = (&HashJob{FS: f, Path: "/mid", Algo: a, Ranged: true, Start: 2, End: 5}).Run(context.Background(), nil)
			if !strings.HasSuffix(o.Text, "\n"+strings.ToUpper(want)) {
				t.Errorf("range 2-5 of xxabcyy: %v %q, want the digest of abc", o.Kind, o.Text)
			}
		})
	}
}

// TestHashRefusals: what is not a regular file, ranges beyond the end of
// the file, requests over MaxBytes and missing files get the reply each
// form documents.
func TestHashRefusals(t *testing.T) {
	f, _ := rootFS(t, map[string]string{"f": "0123456789", "d/x": ""})
	for _, tt := range []struct {
		name string
		job  HashJob
		kind Kind
	}{
		{"HASH of a directory", HashJob{Path: "/d", Draft: true}, NotHashable},
		{"XSHA1 of a directory", HashJob{Path: "/d"}, IsDir},
		{"missing", HashJob{Path: "/nothing", Draft: true}, NotExist},
		{"range beyond the end", HashJob{Path: "/f", Ranged: true, Start: 0, End: 11}, HashRange},
		{"range to the end", HashJob{Path: "/f", Ranged: true, Start: 5, End: 10}, XHashed},
		{"HASH over MaxBytes", HashJob{Path: "/f", Draft: true, MaxBytes: 9}, HashTooBig},
		{"XMD5 over MaxBytes", HashJob{Path: "/f", Algo: codec.HashMD5, MaxBytes: 9}, Denied},
		{"range within MaxBytes", HashJob{Path: "/f", Ranged: true, Start: 0, End: 9, MaxBytes: 9}, XHashed},
		{"HASH at MaxBytes", HashJob{Path: "/f", Draft: true, MaxBytes: 10}, Hashed},
	} {
		t.Run(tt.name, func(t *testing.T) {
			j := tt.job
			j.FS = f
			if o := j.Run(context.Background(), nil); o.Kind != tt.kind {
				t.Fatalf("outcome %v (%v), want %v", o.Kind, o.Err, tt.kind)
			}
		})
	}
}

// TestHashEmptyFile: the draft's range of an empty file is 0-0.
func TestHashEmptyFile(t *testing.T) {
	f, _ := rootFS(t, map[string]string{"e": ""})
	o := (&HashJob{FS: f, Path: "/e", Name: "e", Draft: true}).Run(context.Background(), nil)
	sum := sha256.Sum256(nil)
	if want := "SHA-256 0-0 " + hex.EncodeToString(sum[:]) + " e"; o.Kind != Hashed || !strings.HasSuffix(o.Text, "\n"+want) {
		t.Fatalf("HASH of an empty file: %v %q, want %q", o.Kind, o.Text, want)
	}
}

// TestHashDeniedAsRETR: the Authorizer is asked about RETR, and a refusal
// opens nothing.
func TestHashDeniedAsRETR(t *testing.T) {
	f, dir := rootFS(t, map[string]string{"private/s": "x", "pub/a": "y"})
	az := &denyUnder{prefix: "/private"}
	acc := &Access{Authorizer: az, User: "alice", View: f, Root: dir, RealRoot: dir}
	var opens atomic.Int64
	j := &HashJob{FS: f, Path: "/private/s", Access: acc, Draft: true}
	countOpens(j, &opens)
	if o := j.Run(context.Background(), nil); o.Kind != Denied || opens.Load() != 0 {
		t.Fatalf("denied HASH: %v after %d opens, want Denied and none", o.Kind, opens.Load())
	}
	if len(az.asked) == 0 || !strings.HasPrefix(az.asked[0], "RETR alice /private/s") {
		t.Fatalf("the Authorizer was asked %q, want RETR for the path", az.asked)
	}
	j = &HashJob{FS: f, Path: "/pub/a", Access: acc, Draft: true}
	if o := j.Run(context.Background(), nil); o.Kind != Hashed {
		t.Fatalf("allowed HASH: %v (%v)", o.Kind, o.Err)
	}
}

// TestHashCache: a second request for the same file, state, function and
// range opens nothing, through another name too (a hard link); any other
// function or range, and any change to the file, even one that keeps its
// size and puts its time back, reads it again.
func TestHashCache(t *testing.T) {
	f, dir := rootFS(t, map[string]string{"f": "abc"})
	if err := os.Link(filepath.Join(dir, "f"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	cache := NewHashCache(16)
	var opens atomic.Int64
	run := func(path string, algo codec.HashAlgo, ranged bool) Outcome {
		t.Helper()
		j := &HashJob{FS: f, Path: path, Algo: algo, Cache: cache, Ranged: ranged, Start: 0, End: 2}
		countOpens(j, &opens)
		o := j.Run(context.Background(), nil)
		if o.Kind != XHashed {
			t.Fatalf("%s: %v (%v)", path, o.Kind, o.Err)
		}
		return o
	}
	first := run("/f", codec.HashSHA256, false)
	steps := []struct {
		name   string
		path   string
		algo   codec.HashAlgo
		ranged bool
		change func()
		opens  int64
	}{
		{name: "same request", path: "/f", opens: 1},
		{name: "through a hard link", path: "/link", opens: 1},
		{name: "another function", path: "/f", algo: codec.HashMD5, opens: 2},
		{name: "a range", path: "/f", ranged: true, opens: 3},
		{name: "the range again", path: "/f", ranged: true, opens: 3},
		{name: "same size and time, new content", path: "/f", opens: 4, change: func() {
			p := filepath.Join(dir, "f")
			fi, _ := os.Stat(p)
			if err := os.WriteFile(p, []byte("xyz"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, fi.ModTime(), fi.ModTime()); err != nil {
				t.Fatal(err)
			}
		}},
		{name: "after the change, cached again", path: "/link", opens: 4},
	}
	for _, st := range steps {
		if st.change != nil {
			time.Sleep(10 * time.Millisecond) // a change time the file system can tell apart
			st.change()
		}
		o := run(st.path, st.algo, st.ranged)
		if got := opens.Load(); got != st.opens {
			t.Fatalf("%s: %d opens so far, want %d", st.name, got, st.opens)
		}
		if st.name == "same request" && o.Text != first.Text {
			t.Fatalf("cached digest %q, computed %q", o.Text, first.Text)
		}
		if st.change != nil && o.Text == first.Text {
			t.Fatalf("%s: the stale digest %q was served", st.name, o.Text)
		}
	}
	if hits, misses := cache.Stats(); hits != 4 || misses != 4 {
		t.Fatalf("cache hits %d misses %d, want 4 and 4", hits, misses)
	}
}

// TestHashCacheBound: the cache holds at most its size; the least recently
// used digest goes first.
func TestHashCacheBound(t *testing.T) {
	c := NewHashCache(2)
	k := func(i int64) hashKey { return hashKey{ino: uint64(i)} }
	c.add(k(1), "a")
	c.add(k(2), "b")
	c.get(k(1))
	c.add(k(3), "c")
	if c.Len() != 2 {
		t.Fatalf("Len %d, want 2", c.Len())
	}
	if _, ok := c.get(k(2)); ok {
		t.Fatal("the least recently used entry survived")
	}
	if v, ok := c.get(k(1)); !ok || v != "a" {
		t.Fatalf("recently used entry: %q %v", v, ok)
	}
	if NewHashCache(0) != nil || NewHashCache(0).Len() != 0 {
		t.Fatal("a zero-sized cache is not the nil cache")
	}
}

// TestHashThrottled: hashing waits on the transfer rate limit, and the
// session closing (its context) ends a throttled hash at once.
func TestHashThrottled(t *testing.T) {
	const bps = 256 << 10
	body := strings.Repeat("x", 320<<10) // the burst (64 KiB) and then 1 s worth at the rate
	f, _ := rootFS(t, map[string]string{"big": body})
	j := &HashJob{FS: f, Path: "/big", Rates: [2]*rateLimiter{NewLimiter(bps)}}
	start := time.Now()
	if o := j.Run(context.Background(), nil); o.Kind != XHashed {
		t.Fatalf("throttled hash: %v (%v)", o.Kind, o.Err)
	}
	if el := time.Since(start); el < 700*time.Millisecond {
		t.Fatalf("320 KiB hashed in %v at %d B/s: the rate limit was not applied", el, bps)
	}

	ctx, cancel := context.WithCancel(context.Background())
	j = &HashJob{FS: f, Path: "/big", Rates: [2]*rateLimiter{NewLimiter(minBurst)}} // 20 s of work
	done := make(chan Outcome, 1)
	go func() { done <- j.Run(ctx, nil) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	if o := within(t, 5*time.Second, done); o.Kind != Aborted {
		t.Fatalf("cancelled hash: %v (%v), want Aborted", o.Kind, o.Err)
	}
}

type rateLimiter = rate.Limiter

// TestHashOnceForConcurrentMisses: requests that miss the cache for the
// same digest while one of them reads the file share its result: the file
// is opened once, and each gets its own reply form.
func TestHashOnceForConcurrentMisses(t *testing.T) {
	body := strings.Repeat("y", 128<<10) // 16 KiB burst, then ~0.9 s at 128 KiB/s
	f, _ := rootFS(t, map[string]string{"big": body})
	cache := NewHashCache(4)
	var opens atomic.Int64
	leader := &HashJob{FS: f, Path: "/big", Name: "big", Draft: true, Cache: cache,
		Rates: [2]*rateLimiter{NewLimiter(128 << 10)}}
	countOpens(leader, &opens)
	done := make(chan Outcome, 1)
	go func() { done <- leader.Run(context.Background(), nil) }()
	for deadline := time.Now().Add(5 * time.Second); opens.Load() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the first request never opened the file")
		}
	}
	// The leader holds the file for most of a second: this one joins it.
	follower := &HashJob{FS: f, Path: "/big", Cache: cache}
	countOpens(follower, &opens)
	fo := follower.Run(context.Background(), nil)
	lo := within(t, 10*time.Second, done)
	sum := sha256.Sum256([]byte(body))
	if lo.Kind != Hashed || !strings.Contains(lo.Text, " "+hex.EncodeToString(sum[:])+" big") {
		t.Fatalf("leader: %v %q", lo.Kind, lo.Text)
	}
	if fo.Kind != XHashed || !strings.HasSuffix(fo.Text, "\n"+strings.ToUpper(hex.EncodeToString(sum[:]))) {
		t.Fatalf("follower: %v %q", fo.Kind, fo.Text)
	}
	if opens.Load() != 1 || cache.Joined() != 1 {
		t.Fatalf("%d opens, %d joined; want the file read once", opens.Load(), cache.Joined())
	}
}
