// Package testserver is what ftpsd's own tests share to run a server and
// talk to it, in the spirit of net/http/httptest: start and stop anything
// that serves (Start, Run), a raw control connection with exact reply
// checks (Dial, Client), the TLS client configuration that resumes
// sessions and a throw-away certificate (ClientTLS, SelfSigned), and test
// accounts (Users).
//
// It must never import package loop: loop's own tests are white-box tests
// in package loop, and they use this package, so an import of loop here
// would be a cycle. Helpers that need loop belong in package ftpsdtest,
// which is built on this one.
//
// Every wait here is bounded, so that a server that hangs fails the test
// that started it instead of the whole run's timeout. Nothing here runs on
// an event loop: every function runs on the test's goroutine, or, where
// it says so, on a goroutine of its own.
package testserver
