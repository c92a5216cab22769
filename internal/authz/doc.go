// Package authz is the compiled form of Apache 2.4's authorization for one FTP server: the
// Require lines of its <Directory> and <Location> sections, narrowed to commands by <Limit>
// and <LimitExcept>, with the groups of their AuthGroupFile.
//
// Compile runs at start-up only (internal/setup calls it): it turns a server of
// internal/config's model into plain data (section paths split into components, Directory
// sections sorted shortest first, verb sets, user and group sets) and reads the group files
// once. An *Authorizer is then immutable: it implements loop.Authorizer, and Allow runs on the
// xfer workers, concurrently, for every command that names a path.
//
// What authz must never do: keep or consult internal/config's model after Compile (the workers
// see only the compiled data), read a file after Compile, block, or modify an Authorizer once
// built. It only decides; what a login may do anyway (anonymous logins are read-only) is the
// loop's.
package authz
