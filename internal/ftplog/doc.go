// Package ftplog writes mod_ftp's command and transfer logs: Apache
// mod_log_config formats (LogFormat) compiled once, records the event loop
// fills, and a buffered file writer that never blocks its caller
// (CustomLog, with SIGHUP reopening for rotation).
//
// # Records
//
// The loop fills a Command when it sends a command's final reply (one per
// line received: a line refused before any command ran, such as an
// unknown verb's 500, is a Command too, with the line's leading letters as
// its Verb) and a Transfer when a transfer (or DELE) ends. A Logger holds the Targets, one
// per CustomLog: Kind Commands for a CustomLog without env=, Kind
// Transfers for one with env=do_transfer_log (mod_ftp sets that variable
// only for transfers). A RETR is therefore one line in the command log and
// one in the transfer log.
//
// # Formats
//
// Compile accepts Apache's syntax: literal text (with \n \t \r \\), %%,
// status conditions (%400,501{...}x, %!200x), the < and > modifiers, and
// {arguments}. Letters, for a Command / a Transfer:
//
//	%a %h %{c}a  client IP (no DNS: %h is the address; IPv4-mapped printed as IPv4)
//	%A           local IP
//	%p %{local}p %{canonical}p   local port;  %{remote}p client port
//	%u           user ("-" when none)
//	%r           "VERB arg"; for PASS exactly "PASS" / "-"
//	%m           verb / "-"
//	%U           argument (never PASS's) / virtual path
//	%f           "-" / virtual path
//	%s %>s %<s   final reply code
//	%t           [02/Jan/2006:15:04:05 -0700] of the request's start
//	%{fmt}t      strftime (%a %A %b %h %B %c %C %d %D %e %F %H %I %j %k %l %m %M
//	             %n %p %r %R %s %S %t %T %u %w %x %X %y %Y %z %Z %%); an unknown
//	             conversion does not compile
//	%{sec}t %{msec}t %{usec}t %{msec_frac}t %{usec_frac}t
//	             begin: or end: before any %{...}t argument picks the instant;
//	             the default is the start, as in Apache
//	%T %{s}T %{ms}T %{us}T %D    duration (%T whole seconds, truncated; %D µs)
//	%B           "0" / bytes;  %b "-" / bytes or "-" when 0
//	%I %O        "-" / bytes received, sent (0 the other way)
//	%v %V        server name
//	%P %{pid}P   process id;  %{tid}P %{hextid}P "-"
//	%H           "FTP";  %q empty;  %l "-"
//	%{HTTPS}e    "on" under TLS (control channel / data channel), else "-"
//	%{do_transfer_log}e  "-" / "1";  other variables "-"
//	%{...}i %{...}o %{...}n %{...}C   "-" (FTP has no headers, notes or cookies)
//
// mod_ftp's letters, in xferlog(5) field order; for a Command they print
// "-", except %S and %Z:
//
//	%M  transfer type: a (TYPE A) or b
//	%F  special-action flag: _
//	%d  direction: o outgoing, i incoming, d deleted
//	%W  access mode: a anonymous, r real
//	%S  service name: ftp
//	%Z  authentication method: 0
//	%Y  authenticated user id, * when unknown
//	%y  completion status: c complete, i incomplete (an ftpsd letter:
//	    mod_ftp has none; it ends an xferlog line as wu-ftpd's does)
//
// Any other letter, or an argument a letter does not take, is a
// *CompileError (errors.Is ErrFormat) naming it and the offset of its %.
//
// User-supplied text (user, verb, argument, path, server name) is escaped
// as Apache's ap_escape_logitem does — \b \n \r \t \v by name, \" and \\,
// other control bytes and DEL as \xhh — so no client can forge or split a
// line. Unlike Apache, valid UTF-8 is kept (file names stay readable);
// invalid bytes, C1 controls, U+2028/U+2029 and bidi overrides are escaped
// byte by byte. Spaces are kept, as Apache keeps them. An empty field
// prints "-".
//
// AppendCommand and AppendTransfer append into the caller's buffer and
// allocate nothing; the tests hold them to that.
//
// # Writing
//
// Writer.Write copies a line into a bounded buffer and returns: it never
// waits for the disk, so the loop may call it. A goroutine per Writer
// writes the buffer out every FlushEvery, when it is half full, and on
// Flush, Reopen and Close; Close loses no line written before it. When
// the disk falls behind and the buffer is full, lines are dropped, counted
// and reported in the log itself ("ftpsd: N log lines dropped").
//
// What this package must never do: block the caller of Write, Command or
// Transfer; write a password; let a client's bytes end or forge a line.
package ftplog
