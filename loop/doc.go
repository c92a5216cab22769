// Package loop is the event loop: the gnet handler, the per-connection
// Session, the command table, login state and reply writing.
//
// What runs where:
//
//   - gnet calls OnOpen, OnTraffic and OnClose on the loop goroutine that
//     owns the connection. Every Session field belongs to that goroutine.
//   - File-system work, password checks, listings and transfers run as
//     jobs on the xfer worker pool. A job never touches its Session: it
//     gets copies of what it needs, and posts results (replies plus an
//     optional state change) to the session's mailbox, then calls Wake.
//     OnTraffic drains the mailbox before it reads new commands.
//   - While a job runs, the session reads but does not dispatch, except the
//     commands the table marks duringTransfer (ABOR, STAT, NOOP, QUIT) when
//     the job is a transfer. Replies therefore leave in command order.
//
// What loop must never do: touch the disk (not even stat), resolve names,
// do TLS handshake work, or block in any other way on the loop goroutine;
// write to a connection from any goroutine but its loop.
package loop
