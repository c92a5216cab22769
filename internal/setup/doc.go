// Package setup is ftpsd's one configuration pipeline: the parsed
// configuration file (internal/config's model, or none), the command line
// laid over it as typed directives (Flags), one builder that produces the
// server's loop.Config with every virtual host, the route, the log targets,
// the certificate reloaders, and the warnings and notes.
//
// Flow: Load resolves the defaults (loop's Default* constants, one per
// setting), the file's directives over them and the flags given over
// those, checks every value and opens what the server would use (-t stops
// there); OpenLogs opens the error, command and transfer logs; Build makes
// loop.Config. A virtual host starts from the process-wide settings and the
// defaults, never from the flags about one server (Flags.forVirtualHost).
// A flag given is a Set Opt of Flags, so the layering is by field, checked
// by the compiler, not by flag names.
//
// Which goroutine: everything here runs at start-up, on main's goroutine,
// except Logs.Reopen and Server.ReloadCerts, which run on the goroutine
// that handles SIGHUP, Logs.Close at shutdown, and the Readme lookup a host
// gets, which runs on a worker. The Authorizer a host gets is internal/authz's.
//
// What setup must never do: run on the event loop or hand it anything that
// blocks (the loggers it builds never wait for the disk), keep a flag's
// name as data, write defaults of its own for what loop already defaults,
// or modify the config.Config it reads.
package setup
