package tlsstate

import (
	"crypto/tls"
	"net/netip"
	"slices"
	"sync"
	"testing"
)

// fixedTicket is a client session cache that offers one ticket and keeps
// nothing: a client replaying a ticket it got elsewhere.
type fixedTicket struct{ s *tls.ClientSessionState }

func (f fixedTicket) Get(string) (*tls.ClientSessionState, bool) { return f.s, f.s != nil }
func (fixedTicket) Put(string, *tls.ClientSessionState)          {}

// controlTicket runs a control handshake of session id (ControlConfig)
// with cache and returns the ticket it left there.
func controlTicket(t *testing.T, base *tls.Config, id uint64, version uint16, cache tls.ClientSessionCache) *tls.ClientSessionState {
	t.Helper()
	cli := clientConfig(version)
	cli.ClientSessionCache = cache
	dataHandshake(t, ControlConfig(base, id), cli)
	s, ok := cache.Get(cli.ServerName)
	if !ok || s == nil {
		t.Fatal("the control handshake left no ticket")
	}
	return s
}

// TestUserDataConfig: under UserDataConfig a data connection of session 1
// resumes a ticket of session 2 only while owners says both are open with
// the same owner; DataConfig (the session binding) never does; the own
// session's ticket always resumes, registered or not.
func TestUserDataConfig(t *testing.T) {
	host := new(int)
	alice := Owner{Host: host, User: "alice", Addr: netip.MustParseAddr("192.0.2.1")}
	with := func(f func(*Owner)) Owner { o := alice; f(&o); return o }
	cases := []struct {
		name     string
		ticketOf uint64
		owners   map[uint64]Owner
		user     bool // UserDataConfig, else DataConfig
		resume   bool
	}{
		{"own ticket, not registered", 1, nil, true, true},
		{"own ticket, session binding", 1, nil, false, true},
		{"sibling, same owner", 2, map[uint64]Owner{1: alice, 2: alice}, true, true},
		{"sibling, same owner, IPv4-mapped address", 2, map[uint64]Owner{1: alice,
			2: with(func(o *Owner) { o.Addr = netip.MustParseAddr("::ffff:192.0.2.1") })}, true, true},
		{"sibling, same owner, session binding", 2, map[uint64]Owner{1: alice, 2: alice}, false, false},
		{"sibling, another user", 2, map[uint64]Owner{1: alice, 2: with(func(o *Owner) { o.User = "bob" })}, true, false},
		{"sibling, anonymous", 2, map[uint64]Owner{1: alice, 2: with(func(o *Owner) { o.Anonymous = true })}, true, false},
		{"sibling, another address", 2, map[uint64]Owner{1: alice, 2: with(func(o *Owner) { o.Addr = netip.MustParseAddr("192.0.2.2") })}, true, false},
		{"sibling, another host", 2, map[uint64]Owner{1: alice, 2: with(func(o *Owner) { o.Host = new(int) })}, true, false},
		{"sibling closed", 2, map[uint64]Owner{1: alice}, true, false},
		{"own session not logged in", 2, map[uint64]Owner{2: alice}, true, false},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				base := serverConfig()
				ticket := controlTicket(t, base, c.ticketOf, v.v, tls.NewLRUClientSessionCache(4))
				var owners Owners
				for id, o := range c.owners {
					owners.Set(id, o)
				}
				cfg := DataConfig(base, 1)
				if c.user {
					cfg = UserDataConfig(base, 1, &owners)
				}
				cli := clientConfig(v.v)
				cli.ClientSessionCache = fixedTicket{ticket}
				srv, _ := dataHandshake(t, cfg, cli)
				if Resumed(srv) != c.resume {
					t.Errorf("resumed %v, want %v", Resumed(srv), c.resume)
				}
			})
		}
	}
}

// TestInheritedTags: a control connection that resumed another session's
// ticket issues tickets naming that session too (and the ones it named),
// at most maxInherited of them, without repeats; only UserDataConfig reads
// them.
func TestInheritedTags(t *testing.T) {
	base := serverConfig()
	shared := tls.NewLRUClientSessionCache(4) // one cache for every connection, as rclone 1.60 keeps
	var tickets []*tls.ClientSessionState
	for id := uint64(1); id <= 6; id++ {
		tickets = append(tickets, controlTicket(t, base, id, tls.VersionTLS13, shared))
	}
	// Each ticket's lineage, read back with the base keys.
	for i, want := range [][]uint64{{1}, {2, 1}, {3, 2, 1}, {4, 3, 2, 1}, {5, 4, 3, 2}, {6, 5, 4, 3}} {
		identity, _, err := tickets[i].ResumptionState()
		if err != nil {
			t.Fatalf("ticket %d: %v", i+1, err)
		}
		ss, err := base.DecryptTicket(identity, tls.ConnectionState{})
		if err != nil || ss == nil {
			t.Fatalf("ticket %d does not open with the base keys: %v", i+1, err)
		}
		if got := lineage(ss.Extra, nil); !slices.Equal(got, want) {
			t.Errorf("ticket of session %d names %v, want %v", i+1, got, want)
		}
	}

	// Session 6's ticket on session 3's data connection, session 6 still
	// logging in (unregistered): the user binding serves it through the
	// inherited tag, the session binding does not.
	var owners Owners
	owners.Set(3, Owner{User: "alice"})
	for _, c := range []struct {
		name   string
		cfg    *tls.Config
		resume bool
	}{
		{"user", UserDataConfig(base, 3, &owners), true},
		{"session", DataConfig(base, 3), false},
		{"user, session 1 (no longer named)", UserDataConfig(base, 1, &owners), false},
	} {
		cli := clientConfig(tls.VersionTLS13)
		cli.ClientSessionCache = fixedTicket{tickets[5]}
		if srv, _ := dataHandshake(t, c.cfg, cli); Resumed(srv) != c.resume {
			t.Errorf("%s: resumed %v, want %v", c.name, Resumed(srv), c.resume)
		}
	}
}

// TestAppendInherited: self and repeats are left out, and at most
// maxInherited tags are added.
func TestAppendInherited(t *testing.T) {
	cases := []struct {
		self uint64
		from []uint64
		want []uint64
	}{
		{5, nil, nil},
		{5, []uint64{5}, nil},
		{5, []uint64{1, 5, 1, 2}, []uint64{1, 2}},
		{9, []uint64{1, 2, 3, 4, 5}, []uint64{1, 2, 3}},
	}
	for _, c := range cases {
		extra := appendInherited([][]byte{[]byte("other")}, c.self, c.from)
		var got []uint64
		for _, e := range extra[1:] {
			id, ok := tagID(e, inheritedPrefix)
			if !ok {
				t.Fatalf("not an inherited tag: %q", e)
			}
			got = append(got, id)
		}
		if string(extra[0]) != "other" || !slices.Equal(got, c.want) {
			t.Errorf("appendInherited(%d, %v) = %q, want %v", c.self, c.from, extra, c.want)
		}
	}
}

// TestOwnersConcurrent: Set and Delete on one goroutine while Same runs on
// others, as the loop and the data-handshake workers do (run with -race).
func TestOwnersConcurrent(t *testing.T) {
	var o Owners
	alice := Owner{User: "alice", Addr: netip.MustParseAddr("192.0.2.1")}
	o.Set(1, alice)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				o.Same(1, uint64(2+i%3))
			}
		}()
	}
	for i := range 2000 {
		id := uint64(2 + i%3)
		o.Set(id, alice)
		o.Delete(id)
	}
	wg.Wait()
	if !o.Same(1, 1) || o.Same(1, 2) {
		t.Error("after the churn: session 1 must be its own owner and 2 gone")
	}
	var none *Owners
	if none.Same(1, 1) {
		t.Error("a nil *Owners knows no session")
	}
}
