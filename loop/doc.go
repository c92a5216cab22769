// Package loop is the event loop: the gnet handler, the per-connection
// Session, the command table (every per-verb rule is a flag of its row),
// the login and connection state machines (login.go, state.go) and reply
// writing.
//
// What loop owns, and which goroutine runs it:
//
//   - gnet calls OnOpen, OnTraffic and OnClose on the loop goroutine that
//     owns the connection. Every Session field belongs to that goroutine.
//   - A command that needs the disk or a data connection builds a typed
//     xfer job on the loop from the session's state (an xfer.Transfer for
//     RETR, STOR, APPE, STOU, LIST, NLST and MLSD; an xfer.FSJob for CWD,
//     MKD, RMD, DELE, RNFR, RNTO, SIZE, MDTM, MFMT, SITE CHMOD, MLST and
//     STAT with a path; an xfer.Login for PASS and certificate logins)
//     and hands it to the worker pool. The job's Run,
//     in xfer, never touches the Session: a transfer's 150 comes back
//     through xfer.Progress, and its end as one xfer.Outcome, both posted
//     to the session's mailbox with a Wake.
//   - OnTraffic drains the mailbox before it reads new commands. Each
//     outcome becomes its reply in one table (outcomeReply, reply.go), and
//     the state it changes (CWD's directory, RNFR's source) is set then,
//     on the loop (settle); a login is counted and entered there too.
//   - While a job runs, the session reads but does not dispatch, except the
//     commands the table marks duringTransfer (ABOR, STAT, NOOP, QUIT) when
//     the job is a transfer. Replies therefore leave in command order.
//   - On a PROXY listener (proxy.go) a connection has no Session until its
//     PROXY header, framed from gnet's buffer without waiting, names the
//     client; that address is the session's peer from then on. The idle
//     sweep (OnTick) closes connections whose header is overdue.
//   - A panic is contained to its session: in a handler or an applied
//     result it is recovered on the loop (server.go, Session.contain), in a
//     job on its worker (runJob); either way the stack goes to the error
//     log, that session gets 421 and closes, and the others go on.
//
// What loop must never do: touch the disk (not even stat), resolve names,
// do TLS handshake work, or block in any other way on the loop goroutine
// (TestLoopMakesNoBlockingCall checks the calls); write to a connection
// from any goroutine but its loop; let err.Error() reach a client.
package loop
