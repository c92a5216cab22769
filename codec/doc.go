// Package codec holds the FTP wire formats of ftpsd as pure functions over
// bytes.
//
// It owns:
//   - line framing of the control channel with a length cap (Framer) and the
//     removal of Telnet command sequences (StripTelnet, RFC 854);
//   - command parsing in place (ParseCommand);
//   - reply codes (Code) and reply formatting, single and multi-line
//     (AppendReply, RFC 959 §4.2), plus a reply parser for clients and tests
//     (ParseReply);
//   - the host-port arguments of PORT and PASV (RFC 959) and of EPRT and EPSV
//     (RFC 2428);
//   - directory listing lines: LIST in the `ls -l` form vsftpd sends
//     (AppendList) and MLSD/MLST facts (AppendMLSx, RFC 3659);
//   - virtual path resolution against the session's current directory (Join).
//
// It must never do I/O: no reads or writes on a connection, no file-system
// calls (not even stat; callers pass an fs.FileInfo they already have), no
// clocks (callers pass "now"), no logging and no goroutines. Every function is
// safe to call from any goroutine; Framer is a value owned by one session and
// is not safe for concurrent use.
//
// The hot paths (Framer.Next, ParseCommand, AppendReply, AppendList,
// AppendMLSx) allocate nothing when the destination buffer has room: they
// parse in place, alias the caller's buffer, and append into the caller's
// slice. Tests in alloc_test.go hold them to that. Functions used once per
// session or per transfer (ParseReply, ParseEPRT for IPv6, Join) may
// allocate.
//
// Errors are sentinel values compared with errors.Is. Their text is for logs;
// the loop maps them to reply codes and never sends err.Error() to a client.
package codec
