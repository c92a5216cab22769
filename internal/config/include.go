package config

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// loadedModules are the module names <IfModule> treats as present: what ftpsd implements, under
// both the names Apache accepts (the module identifier and the source file, with or without
// ".c"). Every other module is absent.
var loadedModules = map[string]bool{
	"mod_ftp": true, "ftp_module": true,
	"mod_ssl": true, "ssl_module": true,
	"mod_log_config": true, "log_config_module": true,
	"mod_authn_file": true, "authn_file_module": true,
	"mod_authn_anon": true, "authn_anon_module": true,
	"mod_authz_core": true, "authz_core_module": true,
	"mod_auth_basic": true, "auth_basic_module": true,
	"mod_authz_user": true, "authz_user_module": true,
	"mod_authz_groupfile": true, "authz_groupfile_module": true,
}

// moduleLoaded reports whether <IfModule name> holds.
func moduleLoaded(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, ".c"))
	return loadedModules[name]
}

// fileSystem is what expansion reads. osFS is the real one; tests substitute a map.
type fileSystem interface {
	// readFile returns at most limit bytes of name, and errTooBig when there are more.
	readFile(name string, limit int64) ([]byte, error)
	stat(name string) (fs.FileInfo, error)
	glob(pattern string) ([]string, error)
	// walk returns the regular files under dir, recursively, in lexical order; at most limit
	// of them.
	walk(dir string, limit int) ([]string, error)
	abs(name string) string
}

var errTooBig = errors.New("too big")

type osFS struct{}

func (osFS) readFile(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("not a regular file")}
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooBig
	}
	return b, nil
}

func (osFS) stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (osFS) glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }
func (osFS) abs(name string) string                { a, _ := filepath.Abs(name); return a }
func (osFS) walk(dir string, limit int) ([]string, error) {
	return walkFiles(os.DirFS(dir), dir, limit)
}

// walkFiles lists the regular files of fsys, stopping after limit of them, each joined to prefix.
func walkFiles(fsys fs.FS, prefix string, limit int) ([]string, error) {
	var out []string
	err := fs.WalkDir(fsys, ".", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.Type().IsRegular() {
			out = append(out, filepath.Join(prefix, filepath.FromSlash(p)))
			if len(out) >= limit {
				return fs.SkipAll
			}
		}
		return nil
	})
	return out, err
}

// expander resolves Include, IncludeOptional, <IfModule> and <IfDefine> while reading files, so
// that the directive walk sees one tree of real directives and sections. It enforces the bounds
// on the number of files, their total size and the include depth.
type expander struct {
	fs       fileSystem
	defines  map[string]bool
	maxLine  int
	maxDepth int
	maxFiles int
	maxBytes int64
	d        *diag

	files    int
	bytes    int64
	stack    []string // absolute paths of the files being read, outermost first
	tooMany  bool     // the file-count error was reported
	tooLarge bool     // the total-size error was reported
}

// readFile reads, parses and expands one file. from is the Include directive that names it (zero
// for the main file).
func (x *expander) readFile(name string, from Pos) []*node {
	if from.File == "" {
		from = Pos{File: name} // the main file: errors about it name it, without a line
	}
	abs := x.fs.abs(name)
	if i := slices.Index(x.stack, abs); i >= 0 {
		chain := append(slices.Clone(x.stack[i:]), abs)
		x.d.errorf(from, ErrInclude, nil, "Include cycle: %s", strings.Join(chain, " includes "))
		return nil
	}
	if len(x.stack) > x.maxDepth {
		x.d.errorf(from, ErrLimit, nil, "Include nested deeper than %d files", x.maxDepth)
		return nil
	}
	if x.files >= x.maxFiles {
		if !x.tooMany {
			x.tooMany = true
			x.d.errorf(from, ErrLimit, nil, "more than %d configuration files", x.maxFiles)
		}
		return nil
	}
	x.files++
	src, err := x.fs.readFile(name, x.maxBytes-x.bytes)
	if errors.Is(err, errTooBig) {
		if !x.tooLarge {
			x.tooLarge = true
			x.d.errorf(from, ErrLimit, nil, "configuration larger than %d bytes in total", x.maxBytes)
		}
		return nil
	}
	if err != nil {
		if from.Line == 0 {
			x.d.errorf(from, ErrInclude, err, "%v", err)
		} else {
			x.d.errorf(from, ErrInclude, err, "Include: %v", err)
		}
		return nil
	}
	x.bytes += int64(len(src))
	x.stack = append(x.stack, abs)
	defer func() { x.stack = x.stack[:len(x.stack)-1] }()
	nodes := parseFile(name, src, x.maxLine, x.maxDepth, x.d)
	return x.expand(nodes, filepath.Dir(name))
}

// expand returns nodes with Include directives replaced by the files they name and the
// conditional sections replaced by their contents when their condition holds (or dropped). As
// in Apache, what a false condition encloses is not evaluated: unknown directives and Includes
// in it are ignored, though its syntax was checked when its file was parsed.
func (x *expander) expand(nodes []*node, dir string) []*node {
	out := make([]*node, 0, len(nodes))
	for _, n := range nodes {
		switch {
		case n.section && strings.EqualFold(n.name, "IfModule"):
			if ok, yes := x.condition(n, moduleLoaded); ok && yes {
				out = append(out, x.expand(n.body, dir)...)
			}
		case n.section && strings.EqualFold(n.name, "IfDefine"):
			if ok, yes := x.condition(n, func(s string) bool { return x.defines[s] }); ok && yes {
				out = append(out, x.expand(n.body, dir)...)
			}
		case !n.section && (strings.EqualFold(n.name, "Include") || strings.EqualFold(n.name, "IncludeOptional")):
			out = append(out, x.include(n, dir)...)
		case n.section:
			c := *n
			c.body = x.expand(n.body, dir)
			out = append(out, &c)
		default:
			out = append(out, n)
		}
	}
	return out
}

// condition evaluates <IfModule [!]name> or <IfDefine [!]name>. ok is false after an error.
func (x *expander) condition(n *node, holds func(string) bool) (ok, yes bool) {
	if len(n.args) != 1 || n.args[0] == "" || n.args[0] == "!" {
		x.d.errorf(n.pos, ErrValue, nil, "<%s> takes one argument, [!]name", n.name)
		return false, false
	}
	arg, neg := n.args[0], false
	if arg[0] == '!' {
		arg, neg = arg[1:], true
	}
	return true, holds(arg) != neg
}

// include expands Include or IncludeOptional. A relative path is taken from the directory of the
// file that contains the directive. The path may hold shell wildcards (*, ?, [...]) in any of its
// components; the regular files that match are read in lexical order, and directories that match
// are skipped. A path naming a directory reads every regular file under it, recursively, in
// lexical order. Include fails when nothing matches or the file is missing; IncludeOptional then
// does nothing.
func (x *expander) include(n *node, dir string) []*node {
	optional := strings.EqualFold(n.name, "IncludeOptional")
	name := "Include"
	if optional {
		name = "IncludeOptional"
	}
	if len(n.args) != 1 || n.args[0] == "" {
		x.d.errorf(n.pos, ErrValue, nil, "%s takes one argument, a file, directory or wildcard", name)
		return nil
	}
	p := n.args[0]
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	var files []string
	if strings.ContainsAny(p, "*?[") {
		matches, err := x.fs.glob(p)
		if err != nil {
			x.d.errorf(n.pos, ErrInclude, err, "%s: bad wildcard %s: %v", name, quoteName(n.args[0]), err)
			return nil
		}
		for _, m := range matches {
			if st, err := x.fs.stat(m); err == nil && st.Mode().IsRegular() {
				files = append(files, m)
			}
		}
		if len(files) == 0 {
			if !optional {
				x.d.errorf(n.pos, ErrInclude, fs.ErrNotExist, "Include: no file matches %s", quoteName(p))
			}
			return nil
		}
	} else {
		st, err := x.fs.stat(p)
		switch {
		case err != nil:
			if !optional || !errors.Is(err, fs.ErrNotExist) {
				x.d.errorf(n.pos, ErrInclude, err, "%s: %v", name, err)
			}
			return nil
		case st.IsDir():
			files, err = x.fs.walk(p, x.maxFiles-x.files+1)
			if err != nil {
				x.d.errorf(n.pos, ErrInclude, err, "%s: %v", name, err)
				return nil
			}
		default:
			files = []string{p}
		}
	}
	var out []*node
	for _, f := range files {
		out = append(out, x.readFile(f, n.pos)...)
		if x.tooMany || x.tooLarge {
			break
		}
	}
	return out
}
