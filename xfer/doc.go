// Package xfer does everything that touches the disk or a data socket on
// behalf of a session: the jobs that file-system and transfer commands
// become, passive listeners and active dials for the data channel, the
// bounded worker pool, the copy kernels (sendfile for clear downloads;
// pooled buffers for uploads and TLS, with TLS records gathered into one
// write), TYPE A conversion, directory listings (with the patterns of
// LIST, NLST and STAT matched in glob.go), file digests for the checksum
// commands (HashJob, with the server-wide [HashCache]) and the
// authorization check. The rooted file system lives in internal/fsys;
// beside it, chosen by path prefix, the synthetic tree and the verifying
// sink of internal/synth (synth.go): a Transfer or FSJob whose path is
// under one of their mounts never reaches fsys.
//
// What runs where: the event loop (package loop) builds a job from a
// session's state, a [Transfer], an [FSJob], a [HashJob] or a [Login], and starts it with
// [Pool.Go]; the job's Run runs on a worker and returns an [Outcome]. A job
// never sees the session: what it needs is copied into it, a transfer's
// preliminary 150 goes out through [Progress], and everything else the
// session learns comes back in the Outcome, which the loop turns into the
// reply. Every function here may block, and so runs on a worker, never on
// the event loop. The exceptions are cheap, non-blocking calls the loop
// makes while answering a command: [Listen] and [Passive.Close] (PASV/EPSV,
// ABOR, session close), [Transfer.Drop] (a full pool), [CheckActive] (PORT/EPRT), [NewLimiter],
// [Pool.Go] itself, and the pure [Kind.Code], [Kind.String] and
// [HostPaths].
//
// What xfer must never do: write to a control connection or touch a
// session (only the loop may), or put an error's text where a client can
// see it (the reply follows from [Kind] alone).
//
// A Transfer's Run, in order:
//
//	t.Access.Check(t.Verb, t.Path)          // the Authorizer, for the path as named and resolved
//	f, err := t.FS.Open(t.Path)             // or CreateUpload for STOR, APPE, STOU
//	conn, err := pasv.Accept(deadline)      // or Dial for PORT/EPRT
//	p.Opened("Opening BINARY mode …")       // the 150
//	// PROT P: ServeTLS, then refuse a data connection that did not resume (ErrNoReuse)
//	n, err := xfer.Send(conn, f, ascii, &t.Moved, throttle)  // or Receive; a watchdog closes a stalled conn
//	// close the connection (CloseTLS), commit or abort the upload, write the transfer-log line
//	return Outcome{Kind: Complete}
//
// The kernels set no deadlines: the job sets them on the connection, or a
// watchdog closes it when the progress counter stops moving. Closing the data
// connection from another goroutine (ABOR, session close) makes the kernel
// return promptly with an error.
//
// Byte counts are the bytes that crossed the data connection, which differ
// from the file's bytes only in TYPE A. Errors of the data connection match
// [ErrDataConn] (426); other copy errors are the file's (451, or 452 for
// ENOSPC/EDQUOT); file-system errors match the internal/fsys sentinels (550).
// [Fail] is the one place that sorts errors into outcome kinds.
package xfer
