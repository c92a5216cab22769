// Package ftpclient is the FTP and FTPS client the load generator drives.
//
// It is written here rather than taken from github.com/jlaffaye/ftp because
// a benchmark must control exactly what a real FTPS client does, and time
// each step:
//
//   - every data connection resumes the control connection's TLS session,
//     as curl, lftp and FileZilla do: the control and data connections share
//     one tls.Config whose ClientSessionCache is private to the session and
//     whose ServerName is set (crypto/tls keys its cache by ServerName, and
//     without one it neither stores nor offers a ticket);
//   - a TLS data connection ends cleanly: the sender's close_notify, then the
//     peer's close awaited before the socket is closed. vsftpd answers 426 to
//     an upload that ends without close_notify;
//   - the TLS handshake on a data connection runs while the preliminary
//     reply (125/150) is read, so servers that reply before the handshake
//     (vsftpd, ProFTPD) and servers that handshake first both work;
//   - it allocates little per command (one bufio.Reader per session), so the
//     generator's own cost stays small next to the server's.
//
// A Conn is not safe for concurrent use: one goroutine drives one session,
// as one real client does.
package ftpclient
