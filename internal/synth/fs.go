package synth

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Defaults of Options' zero fields.
const (
	DefaultMax  = int64(1) << 40 // 1T: the largest synthetic file served
	DefaultTree = 1000           // entries of tree/ and of each of its directories
	MaxTree     = 1000000        // the six digits of tree/'s names
)

// ModTime is the modification time of every synthetic file and directory
// (MDTM, LIST, MLSx): fixed, so that a mirror run twice sees nothing changed.
var ModTime = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)

// Options configures an FS. The zero value mounts nothing.
type Options struct {
	// Mount is the virtual path of the synthetic tree ("/synthetic"); ""
	// for none. Sink is the virtual path of the verifying sink ("/sink");
	// "" for none. Both are absolute, clean, not "/", and neither is
	// inside the other.
	Mount, Sink string
	// Max is the largest size a synthetic file may spell. Default DefaultMax.
	Max int64
	// Seed goes into every file's key (Gen): the same name under another
	// seed is another content.
	Seed string
	// Tree is how many entries tree/ lists, each a directory of as many
	// files. Default DefaultTree; at most MaxTree.
	Tree int
}

// FS is the synthetic tree and the sink, a file system beside the rooted
// one. It is read-only after New and safe for concurrent use; its methods
// only compute.
type FS struct {
	o      Options
	seed   []byte
	sample []string // the files the mount's listing shows, by name
}

// ErrBadMount: a mount path that is not absolute and clean, is "/", or
// overlaps the other.
var ErrBadMount = errors.New("synth: bad mount path")

// New checks o and returns the FS it describes; o is copied.
func New(o Options) (*FS, error) {
	for _, m := range []string{o.Mount, o.Sink} {
		if m != "" && (m == "/" || !path.IsAbs(m) || path.Clean(m) != m) {
			return nil, fmt.Errorf("%w: %q must be an absolute, clean path other than /", ErrBadMount, m)
		}
	}
	if o.Mount != "" && o.Sink != "" && (under(o.Mount, o.Sink) || under(o.Sink, o.Mount)) {
		return nil, fmt.Errorf("%w: the synthetic tree %s and the sink %s overlap", ErrBadMount, o.Mount, o.Sink)
	}
	if o.Max <= 0 {
		o.Max = DefaultMax
	}
	if o.Tree <= 0 {
		o.Tree = DefaultTree
	}
	if o.Tree > MaxTree {
		return nil, fmt.Errorf("synth: %d tree entries, more than %d", o.Tree, MaxTree)
	}
	f := &FS{o: o, seed: []byte(o.Seed)}
	for _, s := range []string{"1K", "64K", "1M", "16M", "100M", "1G", "10G", "100G", "1T"} {
		if n, _ := ParseSize(s); n <= o.Max {
			f.sample = append(f.sample, s+".bin")
		}
	}
	slices.Sort(f.sample)
	return f, nil
}

// Options returns a copy of the options with their defaults filled in.
func (f *FS) Options() Options { return f.o }

// under reports whether p is dir or inside it.
func under(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// NodeKind says what a virtual path names.
type NodeKind uint8

const (
	NotMine  NodeKind = iota // not under the synthetic tree nor the sink: the rooted FS answers
	Missing                  // under one of them, but nothing there
	Dir                      // a directory of the synthetic tree
	File                     // a synthetic file
	SinkDir                  // the sink itself
	SinkFile                 // a name in the sink: only uploads go there
)

// dirKind tells the synthetic directories apart.
type dirKind uint8

const (
	dirMount dirKind = iota // the mount point: the sample files and tree/
	dirTree                 // tree/: Tree directories
	dirLeaf                 // tree/dNNNNNN: Tree files
)

// Node is what Lookup found at a virtual path.
type Node struct {
	Kind NodeKind
	Name string // base name: the generator's input for File and SinkFile
	Size int64  // File: its size; SinkFile: what its name spells, -1 for none
	dir  dirKind
}

// Lookup says what vpath, a clean absolute virtual path, names. A nil FS
// owns nothing.
func (f *FS) Lookup(vpath string) Node {
	switch {
	case f == nil:
		return Node{}
	case f.o.Mount != "" && under(vpath, f.o.Mount):
		return f.lookupTree(strings.TrimPrefix(vpath[len(f.o.Mount):], "/"))
	case f.o.Sink != "" && under(vpath, f.o.Sink):
		rel := strings.TrimPrefix(vpath[len(f.o.Sink):], "/")
		switch {
		case rel == "":
			return Node{Kind: SinkDir, Name: path.Base(f.o.Sink)}
		case strings.Contains(rel, "/"):
			return Node{Kind: Missing}
		}
		size, err := ParseSize(rel)
		if err != nil {
			size = -1
		}
		return Node{Kind: SinkFile, Name: rel, Size: size}
	}
	return Node{}
}

func (f *FS) lookupTree(rel string) Node {
	if rel == "" {
		return Node{Kind: Dir, Name: path.Base(f.o.Mount), dir: dirMount}
	}
	first, rest, deep := strings.Cut(rel, "/")
	if !deep {
		if first == "tree" {
			return Node{Kind: Dir, Name: "tree", dir: dirTree}
		}
		return f.file(first)
	}
	if first != "tree" {
		return Node{Kind: Missing}
	}
	d, leaf, deep := strings.Cut(rest, "/")
	if _, ok := f.index(d, "d"); !ok || strings.Contains(leaf, "/") {
		return Node{Kind: Missing}
	}
	if !deep {
		return Node{Kind: Dir, Name: d, dir: dirLeaf}
	}
	if len(leaf) < 8 || leaf[7] != '-' {
		return Node{Kind: Missing}
	}
	if j, ok := f.index(leaf[:7], "f"); !ok || leaf != treeName(j) {
		return Node{Kind: Missing}
	}
	return f.file(leaf)
}

// file is the top-level (or tree) file called name, when its name spells a
// size within the maximum.
func (f *FS) file(name string) Node {
	size, err := ParseSize(name)
	if err != nil || size > f.o.Max {
		return Node{Kind: Missing}
	}
	return Node{Kind: File, Name: name, Size: size}
}

// index parses the six-digit number after prefix in s, below Tree.
func (f *FS) index(s, prefix string) (int, bool) {
	if len(s) != 7 || !strings.HasPrefix(s, prefix) {
		return 0, false
	}
	n := 0
	for _, c := range []byte(s[1:]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n < f.o.Tree
}

// treeSizes are the sizes tree/'s files cycle through, by index.
var treeSizes = [...]string{"1K", "4K", "16K", "64K"}

// treeName is the name of file j of a tree directory: f000000-1K.bin,
// f000001-4K.bin, f000002-16K.bin, f000003-64K.bin, f000004-1K.bin...
func treeName(j int) string {
	return "f" + pad6(j) + "-" + treeSizes[j%len(treeSizes)] + ".bin"
}

func pad6(n int) string {
	var b [6]byte
	for i := 5; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[:])
}

// Gen returns the generator of a File or SinkFile node, computing only
// the part of the pattern its size needs (NewGenSized).
func (f *FS) Gen(n Node) *Gen { return NewGenSized(f.seed, n.Name, n.Size) }

// Info is the fs.FileInfo of a synthetic entry; List reuses one for every
// entry it yields.
type Info struct {
	name string
	size int64
	dir  bool
}

func (i *Info) Name() string       { return i.name }
func (i *Info) Size() int64        { return i.size }
func (i *Info) ModTime() time.Time { return ModTime }
func (i *Info) IsDir() bool        { return i.dir }
func (i *Info) Sys() any           { return nil }
func (i *Info) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}

// Stat returns the FileInfo of a Dir, File or SinkDir node.
func (n Node) Stat() fs.FileInfo {
	dir := n.Kind == Dir || n.Kind == SinkDir
	size := n.Size
	if dir {
		size = 0
	}
	return &Info{name: n.Name, size: size, dir: dir}
}

// Entries returns how many entries List yields for n.
func (f *FS) Entries(n Node) int {
	switch {
	case n.Kind != Dir:
		return 0
	case n.dir == dirMount:
		return len(f.sample) + 1
	}
	return f.o.Tree
}

// List calls yield with each entry of the directory node n, in name order,
// until yield returns false. The entries are made one at a time, in one
// reused Info that yield must not keep: tree/ lists Tree directories of Tree
// files each without holding any of them.
func (f *FS) List(n Node, yield func(fs.FileInfo) bool) {
	var fi Info
	switch {
	case n.Kind != Dir:
		return
	case n.dir == dirMount:
		for _, s := range f.sample {
			fi = Info{name: s}
			fi.size, _ = ParseSize(s)
			if !yield(&fi) {
				return
			}
		}
		fi = Info{name: "tree", dir: true}
		yield(&fi)
	case n.dir == dirTree:
		for i := 0; i < f.o.Tree; i++ {
			fi = Info{name: "d" + pad6(i), dir: true}
			if !yield(&fi) {
				return
			}
		}
	case n.dir == dirLeaf:
		for j := 0; j < f.o.Tree; j++ {
			fi = Info{name: treeName(j)}
			fi.size, _ = ParseSize(fi.name)
			if !yield(&fi) {
				return
			}
		}
	}
}
