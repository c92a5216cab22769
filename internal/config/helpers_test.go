package config

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// mainFile is where test configurations live in the in-memory file system.
const mainFile = "/etc/ftpsd/ftpsd.conf"

// mapFS serves absolute paths from an fstest.MapFS, so that tests never touch the disk.
type mapFS fstest.MapFS

func (m mapFS) rel(name string) string {
	r := strings.TrimPrefix(path.Clean("/"+name), "/")
	if r == "" {
		return "."
	}
	return r
}

func (m mapFS) readFile(name string, limit int64) ([]byte, error) {
	b, err := fs.ReadFile(fstest.MapFS(m), m.rel(name))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooBig
	}
	return b, nil
}

func (m mapFS) stat(name string) (fs.FileInfo, error) { return fs.Stat(fstest.MapFS(m), m.rel(name)) }

func (m mapFS) glob(pattern string) ([]string, error) {
	out, err := fs.Glob(fstest.MapFS(m), m.rel(pattern))
	for i := range out {
		out[i] = "/" + out[i]
	}
	return out, err
}

func (m mapFS) walk(dir string, limit int) ([]string, error) {
	sub, err := fs.Sub(fstest.MapFS(m), m.rel(dir))
	if err != nil {
		return nil, err
	}
	return walkFiles(sub, path.Clean(dir), limit)
}

func (m mapFS) abs(name string) string { return path.Clean("/" + name) }

// files builds a mapFS from path → contents.
func files(kv map[string]string) mapFS {
	m := mapFS{}
	for k, v := range kv {
		m[strings.TrimPrefix(k, "/")] = &fstest.MapFile{Data: []byte(v)}
	}
	return m
}

// loadFiles loads mainFile from the given files.
func loadFiles(t testing.TB, kv map[string]string, defines ...string) (*Config, []Note, error) {
	t.Helper()
	l := Loader{Defines: defines, fs: files(kv)}
	return l.Load(mainFile)
}

// loadConf loads src as mainFile, alone.
func loadConf(t testing.TB, src string) (*Config, []Note, error) {
	t.Helper()
	return loadFiles(t, map[string]string{mainFile: src})
}

// errString returns err's text, "" for nil.
func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// noteStrings returns the notes as "file:line: message" strings.
func noteStrings(notes []Note) []string {
	out := make([]string, len(notes))
	for i, n := range notes {
		out[i] = n.String()
	}
	return out
}

// writeFile writes s to name, creating its directory.
func writeFile(name, s string) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, []byte(s), 0o644)
}
