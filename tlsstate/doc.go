// Package tlsstate is the TLS state machine of one FTP control connection (RFC 4217) on the gnet
// event loop, over the standard library's crypto/tls, and the TLS configs of the data connections,
// bound to their control session.
//
// It owns: the in-memory pipe under a tls.Conn, the handshake goroutine, the TLS state (Plain,
// Handshaking, Secure, Clearing, Cleared, Failed) and its transitions, the base TLS policy, the
// certificate store, and session-ticket tagging. It never blocks the loop, never does handshake
// cryptography on the loop, never writes to a socket (bytes leave through Transport.AsyncWrite during
// the handshake and through TakeOutput otherwise), never touches the disk except CertStore.Load, and
// knows nothing of FTP commands or replies.
//
// # Who calls what, from which goroutine
//
//	goroutine                  may call
//	event loop (owner)         New, State, Start, Feed, Poll, ReadPlain, WritePlain, TakeOutput,
//	                           Clear, ConnectionState, Close
//	any goroutine              Close; Semaphore and CertStore methods; Owners.Same and Owners.Owner
//	another connection's loop  (internal) sacrifices this handshake when it takes its slot
//	handshake goroutine        (internal) reads the pipe, Transport.AsyncWrite, Transport.Wake
//	gnet AsyncWrite callback   (internal, runs on the loop) counts written flights, may Wake
//
// A Conn is made per control connection with New (it costs no goroutine and no TLS state). Start
// moves it to Handshaking but does no TLS work either: Feed buffers the client's bytes, and only
// once the first TLS record has arrived whole, and is a ClientHello, does the machine commit
// (hello.go). Until then AwaitingHello is true, the machine holds no slot and no goroutine, and
// the caller bounds the wait (the loop's first-flight deadline); bytes that cannot begin a
// ClientHello fail it at once with ErrNotClientHello. The commit asks for a slot of
// Limits.Handshakes, and nobody blocks on it: when every slot is taken, the oldest handshake of all
// is sacrificed and fails with ErrHandshakeEvicted; when the client's address holds its share, the
// machine queues, still AwaitingHello and holding nothing, until the Semaphore wakes it with a slot
// (so the loop calls Feed on every wake-up while AwaitingHello). Then it launches one short-lived
// goroutine: a crypto/tls handshake cannot resume after a would-block error, so the handshake
// blocks on the pipe in that goroutine, and gives up at Limits.HandshakeTimeout (counted from
// its start) or at Close. When it ends it records the outcome and calls Wake, but only once gnet has
// run the AsyncWrite of its last flight, so that no reply can overtake a handshake message. In
// OnTraffic the loop calls Poll, which performs the move to Secure or Failed. From then on only the
// loop touches the tls.Conn, and an idle secure session holds no goroutine and no pipe buffer.
//
// # The loop's part
//
// New, in OnOpen:
//
//	m := tlsstate.New(c, tlsstate.ControlConfig(base, sessionID), limits)
//	if implicitTLS { err = m.Start() } // port 990: handshake first, banner once Secure
//
// AUTH TLS (explicit): reply 234 in the clear, put it on the wire, then Start. Drop any bytes that
// followed the AUTH line in the same read: they were sent in the clear before TLS and a well-behaved
// client does not send them (the STARTTLS command-injection attack):
//
//	m.WritePlain(reply234)      // in Plain this only queues the bytes
//	c.Write(m.TakeOutput())     // Start returns ErrUnflushed if this is forgotten
//	lineBuf.Reset()
//	err = m.Start()             // ErrTransition (→ 503) if already secure
//
// OnTraffic, in this order, every time (also when woken with no new bytes):
//
//	if m.State() != tlsstate.Plain {
//		m.Feed(c.Next(-1))                         // error: close the connection; while
//		                                           // AwaitingHello, also with no new bytes
//		if changed, err := m.Poll(); err != nil {  // Handshaking only; cheap otherwise
//			close                                  // err matches ErrHandshake
//		} else if changed && implicitTLS {
//			queue the 220 banner
//		}
//		for {
//			st := m.State()
//			lines, err = m.ReadPlain(lines)        // decrypts all complete records
//			dispatch complete lines                // replies via m.WritePlain
//			if err != nil { see below }
//			if m.State() == st { break }           // CCC may have made more bytes readable
//		}
//	}
//	c.Write(m.TakeOutput())                        // after every ReadPlain and every reply
//
// ReadPlain may produce output: crypto/tls answers a peer's TLS 1.3 KeyUpdate from inside Read, and a
// fatal error may leave an alert queued. So TakeOutput after every ReadPlain, even one that returned
// no plaintext, and once more before closing on an error. TakeOutput's slice is valid until the next
// call on the Conn; gnet's c.Write copies what it cannot send at once, so pass it straight on.
// Mailbox results (worker replies) are written with WritePlain in OnTraffic, never with AsyncWrite:
// a TLS-protected connection must not get raw bytes.
//
// Errors from ReadPlain: ErrClosed (also io.EOF) means the peer sent close_notify; process the lines
// returned with it, then close, unless they contained CCC (see below). Any other error is fatal
// (state Failed): take the output and close. Errors never reach the client as text.
//
// OnClose: m.Close(). Close is also safe from other goroutines (an idle sweep in OnTick); it stops a
// pending handshake promptly and releases its slot.
//
// # CCC (RFC 4217 §12)
//
//	m.WritePlain(reply200)  // encrypted: the last protected reply
//	err = m.Clear()         // queues our close_notify; Secure → Clearing; ErrTransition → an error reply
//
// The loop then goes on as usual. When the peer's close_notify arrives, ReadPlain moves Clearing to
// Cleared and, in the same call, appends the bytes that followed the alert unchanged: a command the
// client pipelined right behind its close_notify is not lost, because the pipe hands crypto/tls one
// record at a time. Replies written while Clearing are held and sent in the clear once Cleared. From
// Cleared on, Feed+ReadPlain and WritePlain pass bytes through unchanged (or the loop may bypass the
// Conn); ConnectionState still reports the cleared session. AUTH after CCC is refused
// (ErrTransition): a tls.Conn cannot restart.
//
// A client may send close_notify right behind CCC without waiting for 200. Then ReadPlain returns
// "CCC\r\n" together with ErrClosed; if the loop dispatches the lines before closing, Clear moves
// straight to Cleared and the loop's ReadPlain loop (state changed) picks up the clear bytes. A loop
// that simply closes on ErrClosed is correct too, only less forgiving.
//
// # Data connections
//
// Every TLS config derives from one base config, BaseConfig(store), which fixes the policy (TLS 1.2+,
// AEAD suites only, ALPN "ftp" only, one set of session-ticket keys). The control connection of
// session id uses ControlConfig(base, id), which tags the tickets it issues with id. A PROT P data
// connection runs tls.Server(conn, DataConfig(base, id)) in its worker: it resumes only tickets
// tagged with id. After the handshake Resumed(tc.ConnectionState()) tells whether the client resumed
// its own control session; refuse with 522 when resumption is required and it did not.
//
// UserDataConfig(base, id, owners) binds the data connection to the user instead (ftpsd's default):
// it also resumes a ticket tagged with another session that owners, the registry of logged-in
// sessions (the loop calls Set at login and Delete at logout and close), says is open with the same
// Owner (host, user, client address) at the moment of the handshake, on the worker. A control
// connection that resumed a ticket adds the ticket's sessions to its own tickets as inherited tags,
// which only UserDataConfig reads: clients that share one session cache (rclone 1.60) offer such a
// ticket before the session that issued it has logged in.
//
// # Certificates
//
// CertStore holds the certificate behind an atomic pointer: BaseConfig reads it per handshake, and a
// SIGHUP handler loads the files again and calls Set to swap it without touching live connections. SelfSigned makes an
// ECDSA P-256 certificate for start-up without one; log its fingerprint.
//
// # Limits
//
// Limits' zero value works: 10 s handshake deadline, no cap on concurrent handshakes (share one
// NewSemaphore(0), 256 slots, 8 per client address, across the server to cap them), 64 KiB + one
// record of pending input. A first record announcing more than 2^14 bytes is no ClientHello.
// A record header announcing more than MaxRecord fails the connection with ErrRecordTooLarge.
package tlsstate
