// Package fsys is the rooted file system behind every FTP path.
//
// An [FS] wraps an [os.Root] opened on the document root (or a user's home, see
// [FS.Sub]). Callers hand it virtual paths: absolute, slash-separated, already
// cleaned against "/" by the session (codec.Join). The FS strips the leading
// slash and lets os.Root resolve the rest, so ".." components and symbolic links
// are followed only while they stay inside the root; anything that would leave
// it fails with [ErrEscape]. Nothing here builds a host path by string
// concatenation.
//
// Every error is classified: errors.Is(err, ErrNotFound), ErrExist,
// ErrPermission, ErrEscape, ErrNotDir, ErrIsDir, ErrReadOnly, ErrNotRegular or
// ErrBadOffset picks the reply (all are 550 except ErrBadOffset, 554). The text
// of an error names host-relative paths and is for logs only; it never reaches a
// client.
//
// Uploads go through [FS.CreateUpload], which implements the rules of DESIGN.md
// "Files": a plain STOR writes a hidden temporary (".ftpsd-<random>.part", see
// [IsTemp]) and renames it over the final name only on [Upload.Commit], so a
// failed STOR never leaves a half-written file under the final name; a resumed
// or appended upload writes in place because the client asked for it.
//
// fsys blocks on the disk: it runs on xfer worker goroutines and must never be
// called from the event loop.
package fsys
