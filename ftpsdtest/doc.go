// Package ftpsdtest runs an ftpsd server inside a Go program's own tests,
// as net/http/httptest runs an HTTP server: on 127.0.0.1 with a port the
// kernel picks, over a document root of its own, with the accounts the test
// names, and stopped when the test ends.
//
// A test that downloads from it:
//
//	func TestDownload(t *testing.T) {
//		srv := ftpsdtest.NewServer(t, ftpsdtest.Options{
//			Users: map[string]string{"alice": "secret"},
//		})
//		os.WriteFile(filepath.Join(srv.Root, "hello.txt"), []byte("hello\n"), 0o644)
//		// Connect to srv.Addr (or srv.URL()) with the FTP client under test,
//		// log in as alice, RETR hello.txt.
//	}
//
// With Options.TLS the server offers AUTH TLS (RFC 4217) with a throw-away
// certificate; Server.ClientTLS returns a client configuration that trusts
// it and resumes the control connection's session on data connections, as
// ftpsd requires. NewUnstartedServer and Start let a test change the
// server's loop.Config first, and serve programs that have no testing.T
// (see the example).
//
// The server is the real one (package loop, the same code the ftpsd binary
// runs), without the binary's configuration file, logs and signals.
package ftpsdtest
