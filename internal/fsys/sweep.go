package fsys

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"time"
)

// SweepStats is what one SweepTemps pass found.
type SweepStats struct {
	Dirs    int // directories read
	Removed int // upload temporaries removed
	Kept    int // temporaries younger than the cut-off, left alone
	Errors  int // entries that could not be read or removed
}

// SweepTemps removes the upload temporaries (".ftpsd-<random>.part") that a
// crash or a kill left under dir, the document root: a STOR that ends in
// any way removes its own, so one that survives a restart belongs to no
// upload. Only temporaries last modified before cutoff go: several
// instances may share a root (a mirror fleet on one NFS export), and a
// live upload keeps its temporary's modification time fresh, so a cut-off
// well past the data idle timeout never takes one that is still written.
//
// The walk goes through an os.Root, so it never leaves dir and never
// follows a symbolic link; it reads one directory at a time and stops when
// ctx is done. It blocks on the disk: run it on a goroutine of its own at
// start-up, never on the loop.
func SweepTemps(ctx context.Context, dir string, cutoff time.Time) (SweepStats, error) {
	var st SweepStats
	root, err := os.OpenRoot(dir)
	if err != nil {
		return st, err
	}
	defer root.Close()
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			st.Errors++
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			st.Dirs++
			return nil
		}
		if !d.Type().IsRegular() || !IsTemp(d.Name()) || !reserved(name) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			st.Errors++
			return nil
		}
		if !info.ModTime().Before(cutoff) {
			st.Kept++
			return nil
		}
		if err := root.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			st.Errors++
			return nil
		}
		st.Removed++
		return nil
	})
	return st, err
}
