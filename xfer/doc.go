// Package xfer does everything that touches the disk or a data socket:
// passive listeners and active dials for the data channel, the bounded
// worker pool, the copy kernels (sendfile for clear downloads; pooled
// buffers for uploads and TLS, with TLS records gathered into one write),
// TYPE A conversion and directory listings. The rooted file
// system lives in the sub-package internal/fsys.
//
// Every function here may block, and so runs on a worker started with
// [Pool.Go], never on the event loop. The exceptions are cheap, non-blocking
// system calls the loop makes while answering a command: [Listen] and
// [Passive.Close] (PASV/EPSV, ABOR, session close), [CheckActive] (PORT/EPRT)
// and [Pool.Go] itself.
//
// A transfer job, in order:
//
//	conn, err := pasv.Accept(deadline)      // or Dial for PORT/EPRT
//	// PROT P: tls.Server(xfer.TrackEOF(conn), cfg).HandshakeContext(ctx) …
//	f, err := root.Open(vpath)              // or root.CreateUpload
//	n, err := xfer.Send(conn, f, ascii, &progress, throttle)  // or Receive; a nil throttle is full speed
//	// post the result to the session's mailbox and Wake it
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
package xfer
