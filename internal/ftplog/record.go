package ftplog

import (
	"net/netip"
	"time"
)

// Transfer directions, as xferlog(5) spells them.
const (
	DirOutgoing byte = 'o' // RETR: the server sent a file
	DirIncoming byte = 'i' // STOR, APPE, STOU: the server received a file
	DirDeleted  byte = 'd' // DELE: the file was deleted
)

// Command is one FTP command and its final reply, as the command log
// (CustomLog without an env= condition) sees it. The event loop fills one
// per command when it sends the final reply; a record is read only during
// the Append call and may be reused afterwards.
type Command struct {
	// Time is when the final reply was sent. Apache's %t prints the time
	// the request was received, which is Time-Duration; %{end:...}t
	// prints Time itself.
	Time time.Time
	// Peer is the client's address of the control connection.
	Peer netip.AddrPort
	// Local is the server's side of the control connection.
	Local netip.AddrPort
	// User is the logged-in user, or the name given to USER before the
	// login completed; "" if none (printed as "-").
	User string
	// Verb is the command verb in upper case.
	Verb string
	// Arg is the argument as received. The caller never passes PASS's
	// argument: for PASS it passes Verb "PASS" and Arg "". The formatter
	// drops Arg for PASS anyway, so a mistake cannot leak a password.
	Arg string
	// Status is the final reply code (0 = none, printed as "-").
	Status int
	// ServerName is the virtual host's ServerName (%v, %V).
	ServerName string
	// Secure reports whether the control connection is under TLS
	// (%{HTTPS}e prints "on").
	Secure bool
	// Duration runs from receiving the command to its final reply (%T, %D).
	Duration time.Duration
}

// Transfer is one data transfer (or deletion), as the transfer log
// (CustomLog ... env=do_transfer_log) and xferlog(5) see it. The event loop
// fills one when the transfer's final reply is sent; a record is read only
// during the Append call and may be reused afterwards.
type Transfer struct {
	// Start is when the transfer command was received; %t prints it.
	Start time.Time
	// Duration is how long the transfer took (%T: xferlog's transfer-time).
	Duration time.Duration
	// Peer is the client's address of the control connection
	// (xferlog's remote-host).
	Peer netip.AddrPort
	// Local is the server's side of the control connection.
	Local netip.AddrPort
	// Bytes is the number of bytes transferred (xferlog's file-size).
	Bytes int64
	// Path is the virtual path of the file, as the client sees it.
	Path string
	// ASCII reports TYPE A (xferlog's transfer-type "a"; else "b").
	ASCII bool
	// Direction is DirOutgoing, DirIncoming or DirDeleted.
	Direction byte
	// Anonymous reports an anonymous login (access-mode "a"; else "r").
	Anonymous bool
	// User is xferlog's username: the user name, or for anonymous users
	// the e-mail address given as password when known.
	User string
	// AuthUser is xferlog's authenticated-user-id; "" prints "*".
	AuthUser string
	// Complete distinguishes a complete transfer ("c") from an aborted or
	// failed one ("i"), xferlog's completion-status (%y here).
	Complete bool
	// Status is the final reply code of the transfer (226, 426, 451 ...).
	Status int
	// ServerName is the virtual host's ServerName (%v, %V).
	ServerName string
	// Secure reports whether the data connection was under TLS (PROT P).
	Secure bool
}

// begin and end are the two instants Apache's %{begin:...}t and
// %{end:...}t choose between; plain %t is begin.
func (c *Command) begin() time.Time  { return c.Time.Add(-c.Duration) }
func (c *Command) end() time.Time    { return c.Time }
func (t *Transfer) begin() time.Time { return t.Start }
func (t *Transfer) end() time.Time   { return t.Start.Add(t.Duration) }
