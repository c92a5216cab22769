// Package daemon is what ftpsd does as a system daemon around serving: it
// drops root for a configured user and group once the listeners are bound,
// writes the pid file, tells systemd it is ready or reloading
// (sd_notify, through github.com/coreos/go-systemd), finds the state
// directory where the generated certificate is kept, and names the
// address a failed bind was for.
//
// Everything here runs on main's goroutine at start-up, at reload and at
// exit (Drop runs in loop's BeforeServe hook, before the event loops start);
// nothing runs on an event loop.
package daemon
