// Package config reads ftpsd's configuration, written in Apache httpd's language as mod_ftp
// operators know it, into a typed model. DIRECTIVES.md lists every directive with its syntax,
// context, default and meaning.
//
// Reading happens in three layers, one file each:
//
//   - syntax.go splits one file into a tree of directives and <Section>s, following Apache's
//     rules for quoting, backslash continuation and comments, and checks that sections nest.
//   - include.go expands Include and IncludeOptional (wildcards, paths relative to the
//     including file, cycles refused) and keeps or drops <IfModule> and <IfDefine> sections.
//     The modules ftpsd implements count as loaded; nothing is defined unless Loader.Defines
//     (Apache's -D) says so.
//   - directives.go walks the tree through one table: for every directive, the arguments it
//     takes, the contexts it may stand in (server config, <VirtualHost>, <Directory>,
//     <Location>, <Limit>) and the function that sets the model. A directive not in the table
//     is an error.
//
// The model (model.go, access.go) is plain structs. Every setting is an Opt whose zero value
// means "not set" and which remembers the file:line that set it; accessor methods (Umask,
// EPSVIgnoreFamily, …) return the documented default for what nobody set, except where the
// default is ftpsd's own (internal/setup keeps loop's default for an unset FTPTimeoutIdle).
// Config.Main and Config.VirtualHosts are the configuration as written; Config.Servers and
// Config.Match give effective servers, virtual hosts merged onto the main server as Apache
// merges them, and Server.Access merges the <Directory> and <Location> sections that apply to
// a path.
//
// The model is read at start-up only, on main's goroutine: internal/setup lays the command
// line over it and builds the server's configuration, and internal/authz compiles its Require
// rules into plain data, so that no worker or event loop consults a Config while serving.
//
// Every problem is reported at once: Load returns an ErrorList of *Error values, each with the
// file and first line of the directive at fault, printed "file:line: message", and each
// wrapping a kind (ErrSyntax, ErrUnknown, ErrContext, ErrValue, ErrInclude, ErrLimit) for
// errors.Is. Directives accepted without effect (LoadModule, AcceptFilter, FTPLowPortSock, …)
// yield a Note, each message once, for the caller to log.
//
// Everything read is bounded (Loader's Max* fields): line length, section and Include nesting,
// the number of files and their total size, the number of errors reported.
//
// What config must never do: open the files the configuration names (certificates, logs,
// htpasswd files, document roots — the server does, and reports failures at Opt.At), resolve
// host names, read the environment, or change a Config after Load returns it. A Config is
// immutable and safe for concurrent use.
package config
