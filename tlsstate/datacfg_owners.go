package tlsstate

import (
	"net/netip"
	"sync"
)

// Owner is who an open control session is logged in as, for UserDataConfig: the host (virtual
// server) it logged in to, the account, and the client address. Host is any comparable value that
// names the host (the caller's host pointer); two hosts with an account of the same name are two
// owners.
type Owner struct {
	Host      any
	User      string
	Anonymous bool
	Addr      netip.Addr
}

// Owners maps the ids of open, logged-in control sessions to their Owner. Session tickets are
// tagged with the session id at AUTH time, before anyone has logged in, so the owner of a ticket is
// found when a data connection offers it, here.
//
// The event loop calls Set at login and Delete at logout (REIN, a failed or reset login) and at
// close; the data handshakes call Same on workers, concurrently. A sync.Map suits that: the keys
// are written once per login and read many times, and no reader or writer ever waits on a lock
// the loop could be held up by. The zero value is empty and ready to use.
type Owners struct {
	m sync.Map // uint64 -> Owner
}

// Set records that session id is logged in as who. Runs on the event loop.
func (o *Owners) Set(id uint64, who Owner) {
	who.Addr = who.Addr.Unmap() // an IPv4 client reaching a dual-stack listener is the same client
	o.m.Store(id, who)
}

// Delete forgets session id: its tickets stop vouching for the other sessions of its owner.
// Runs on the event loop; deleting an id that is not there does nothing.
func (o *Owners) Delete(id uint64) { o.m.Delete(id) }

// Owner returns the owner of session id, if it is open and logged in. Safe on any goroutine.
func (o *Owners) Owner(id uint64) (Owner, bool) {
	v, ok := o.m.Load(id)
	if !ok {
		return Owner{}, false
	}
	return v.(Owner), true
}

// Same reports whether sessions a and b are both open and logged in as the same owner. Safe on
// any goroutine; it never blocks. A nil *Owners knows no session.
func (o *Owners) Same(a, b uint64) bool {
	if o == nil {
		return false
	}
	x, ok := o.Owner(a)
	if !ok {
		return false
	}
	y, ok := o.Owner(b)
	return ok && x == y
}
