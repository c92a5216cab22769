package loop

import (
	"fmt"
	"net/netip"
	"reflect"
	"sync/atomic"
)

// Reloading the hosts while sessions run (SIGHUP, issue 16).
//
// A reload builds a whole new set of hosts (document roots opened, greetings
// built) off the loop, then swaps one atomic pointer: OnOpen reads it once
// per connection (route), so a new session sees either the old set or the
// new one, never a mix, and takes no lock. A session keeps the *vhost values
// it started with (Session.host, Session.hosts) until it ends, whatever
// reloads happen meanwhile. Each set counts its users: the server holds one
// reference while the set is current, each session one, taken when the
// session is made (newSession, holdHosts) and given back when it is released;
// the set's document roots are closed when the last reference goes. A
// connection routed on a set that died before its session was made (a
// Reload in between, or a PROXY header awaited across one) is routed again
// on the current set. What is not a host's
// (listeners, event loops, workers, timeouts, the server's limits, the ban
// table and session counts) stays as New made it: Reload reports the fields
// that differ, for the caller to log as needing a restart.

// routing is one generation of the hosts: what OnOpen needs to place a new
// connection. It never changes once published; Reload publishes a new one.
type routing struct {
	host         *vhost           // the default host, Config.Host
	hosts        map[*Host]*vhost // Config.VirtualHosts
	defaultRoute []*vhost         // just the default host: route's answer without a Route
	route        Route            // Config.Route; nil routes everything to host
	// refs is 1 (the server's) while this is the current generation, plus
	// one per session that started on it. At 0 it is dead: its roots are
	// closed and acquire never takes it again.
	refs atomic.Int64
}

// newRouting opens the hosts of cfg: their document roots are opened here,
// so it runs at start-up (New) or on the reloading goroutine (Reload),
// never on the loop. The result holds the server's reference.
func newRouting(cfg *Config) (*routing, error) {
	h, err := openHost(cfg.DefaultHost())
	if err != nil {
		return nil, err
	}
	rt := &routing{host: h, defaultRoute: []*vhost{h}, route: cfg.Route,
		hosts: make(map[*Host]*vhost, len(cfg.VirtualHosts))}
	h.gen = rt
	for _, vh := range cfg.VirtualHosts {
		if rt.hosts[vh] != nil {
			continue
		}
		v, err := openHost(vh)
		if err != nil {
			rt.close()
			return nil, err
		}
		v.gen = rt
		rt.hosts[vh] = v
	}
	rt.refs.Store(1)
	return rt, nil
}

// close closes the document roots of every host of the generation.
func (rt *routing) close() {
	rt.host.close()
	for _, v := range rt.hosts {
		v.close()
	}
}

// tryAcquire takes one more reference on the generation, for a session
// that starts on it, unless it is dead. It never blocks. Runs on the loop.
func (rt *routing) tryAcquire() bool {
	for {
		n := rt.refs.Load()
		if n <= 0 {
			return false
		}
		if rt.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// holdHosts returns the hosts a new session on a connection to local starts
// with, and the generation it then holds a reference to (nil for hosts
// that belong to none, as tests build them). hosts are what route gave
// OnOpen; when their generation died since, the connection is routed again
// on the current one, and starts on its default host should that route it
// nowhere (OnOpen already admitted it). Runs on the loop.
func (s *Server) holdHosts(hosts []*vhost, local netip.AddrPort) ([]*vhost, *routing) {
	if rt := hosts[0].gen; rt == nil || rt.tryAcquire() {
		return hosts, rt
	}
	for {
		rt := s.routing.Load()
		if rt == nil { // the server stopped: no generation left to hold
			return hosts, nil
		}
		if rt.tryAcquire() {
			if again := s.hostsAt(rt, local); len(again) > 0 {
				return again, rt
			}
			return rt.defaultRoute, rt
		}
	}
}

// releaseRouting gives back the session's reference to its generation of
// hosts: a step of Session.release, after the session's own roots. Runs on
// the loop.
func (s *Session) releaseRouting() {
	if s.routing != nil {
		s.routing.release()
		s.routing = nil
	}
}

// release gives back one reference; the last one closes the generation's
// document roots. That close is a system call per root, which does not wait
// for the disk, but it runs on a goroutine of its own all the same, so the
// loop (OnClose) never makes it. Runs on the loop or on the reloading
// goroutine.
func (rt *routing) release() {
	if rt != nil && rt.refs.Add(-1) == 0 {
		go rt.close()
	}
}

// route returns the hosts of the current generation a connection to local
// reaches. Runs on the loop.
func (s *Server) route(local netip.AddrPort) []*vhost {
	rt := s.routing.Load()
	if rt == nil { // the server stopped
		return nil
	}
	return s.hostsAt(rt, local)
}

// hostsAt returns the hosts of the generation a connection to local
// reaches, the first being where it starts. Runs on the loop.
func (s *Server) hostsAt(rt *routing, local netip.AddrPort) []*vhost {
	if rt.route == nil {
		return rt.defaultRoute
	}
	var out []*vhost
	for _, h := range rt.route(s.listenerAt(local), local) {
		switch v := rt.hosts[h]; {
		case h == nil:
			out = append(out, rt.host)
		case v != nil:
			out = append(out, v)
		}
	}
	return out
}

// Reload makes cfg's hosts (Config.Host, VirtualHosts and Route: roots,
// logins, TLS configs, banners, logs, per-host settings) the ones new
// sessions get; running sessions keep theirs until they end. It opens the
// new document roots first and changes nothing when that fails. The other
// fields of cfg cannot change while the server runs: those that differ
// from the server's are returned by name (a Limits field as
// "Limits.MaxSessions"), unapplied, for the caller to log as needing a
// restart. The ban table, the session counts and the TLS handshake slots
// carry on. It runs on the goroutine that handles signals (it opens
// directories), never on the loop; calls must not overlap.
func (s *Server) Reload(cfg Config) (needRestart []string, err error) {
	for _, l := range s.cfg.listeners() {
		if l.Implicit && !cfg.hasTLS() {
			return nil, fmt.Errorf("loop: reload: implicit TLS listener %s needs a certificate", l.Addr)
		}
	}
	rt, err := newRouting(&cfg)
	if err != nil {
		return nil, fmt.Errorf("loop: reload: %w", err)
	}
	old := s.routing.Swap(rt)
	old.release() // the server's reference: the old roots close with its last session
	return serverWideChanges(&s.cfg, &cfg), nil
}

// hostFields are the fields of Config that Reload applies: the hosts and
// their route. Logger and BeforeServe are the process's, not settings.
var hostFields = map[string]bool{"Host": true, "VirtualHosts": true, "Route": true, "Logger": true, "BeforeServe": true}

// unjudged are fields of Config (some only in other branches' Config, so
// named here as strings) that a builder fills with state rather than an
// operator's setting, which no comparison can judge: SessionIDBase is drawn
// at random at each build, a fault plan carries its counters and its
// drawn seed, the metrics are main's (set after each build, not built).
// They stay as New got them, without a warning. (Fault injection is
// switched at run time through the admin listener, Server.SetFaults.)
var unjudged = map[string]bool{"SessionIDBase": true, "Faults": true, "Metrics": true}

// serverWideChanges lists the fields of Config, other than hostFields, in
// which next differs from cur; Limits' fields by themselves. Zero and the
// default compare different: both configurations come from one builder,
// which spells a setting the same way each time.
func serverWideChanges(cur, next *Config) []string {
	var out []string
	a, b := reflect.ValueOf(cur).Elem(), reflect.ValueOf(next).Elem()
	t := a.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		switch {
		case hostFields[f.Name], unjudged[f.Name]:
		case f.Name == "Limits":
			lt := f.Type
			for j := range lt.NumField() {
				if !reflect.DeepEqual(a.Field(i).Field(j).Interface(), b.Field(i).Field(j).Interface()) {
					out = append(out, "Limits."+lt.Field(j).Name)
				}
			}
		case !reflect.DeepEqual(a.Field(i).Interface(), b.Field(i).Interface()):
			out = append(out, f.Name)
		}
	}
	return out
}
