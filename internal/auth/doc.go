// Package auth decides who may log in. auth.go is the contract the
// server calls (Authenticator, Identity, ErrDenied); users.go is the
// standard source behind it: an htpasswd file read with go-htpasswd, and
// anonymous logins with mod_authn_anon's policy.
//
// Which goroutine runs it: Authenticate runs on workers, never on the
// event loop (a bcrypt comparison costs milliseconds); IsAnonymous and
// Lookup are called on the event loop and must not block.
//
// What auth must never do: tell a wrong password from an unknown user in
// anything a client sees, or log a named user's password. "Anything" takes
// in time: an unknown user's password is checked against a dummy hash of
// the file's strongest scheme and cost (dummy.go), so both failures cost
// the same work; the server answers both at the same deadline besides.
package auth
