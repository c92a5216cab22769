package tlsstate

import (
	"bytes"
	"crypto/tls"
	"net"
	"testing"
	"time"
)

// dataHandshake runs a data-connection handshake the way an xfer worker does: tls.Server over the
// accepted net.Conn, in its own goroutine. It returns both sides' view.
func dataHandshake(t *testing.T, srvCfg, cliCfg *tls.Config) (srv, cli tls.ConnectionState) {
	t.Helper()
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	_ = a.SetDeadline(time.Now().Add(waitLong))
	_ = b.SetDeadline(time.Now().Add(waitLong))
	type result struct {
		cs  tls.ConnectionState
		err error
	}
	done := make(chan result, 1)
	go func() {
		s := tls.Server(a, srvCfg)
		err := s.Handshake()
		if err == nil {
			// Send a byte so that the client reads, and stores, the TLS 1.3 ticket.
			_, err = s.Write([]byte{1})
		}
		done <- result{s.ConnectionState(), err}
	}()
	c := tls.Client(b, cliCfg)
	if err := c.Handshake(); err != nil {
		t.Fatalf("data client handshake: %v", err)
	}
	if _, err := c.Read(make([]byte, 1)); err != nil {
		t.Fatalf("data client read: %v", err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("data server: %v", r.err)
	}
	return r.cs, c.ConnectionState()
}

// TestDataResumesOnlyOwnSession: a client that handshakes on its control connection (through the
// machine, on ControlConfig) resumes that session on DataConfig for the same id, and does not for
// another id, not even with the ticket its refused full handshake on that data config got.
func TestDataResumesOnlyOwnSession(t *testing.T) {
	base := serverConfig()
	cases := []struct {
		name   string
		dataID uint64
		resume bool
	}{
		{"same session", 1, true},
		{"other session", 2, false},
	}
	for _, v := range versions {
		for _, c := range cases {
			t.Run(v.name+"/"+c.name, func(t *testing.T) {
				cliCfg := clientConfig(v.v)
				cliCfg.ClientSessionCache = tls.NewLRUClientSessionCache(8)

				l := newTestLoop(t)
				s, cl := startSession(t, l, sessionOpts{implicit: true, cfg: ControlConfig(base, 1)})
				if err := cl.handshake(cliCfg); err != nil {
					t.Fatal(err)
				}
				s.waitSecure(t)
				cl.writeTLS(t, "NOOP\r\n")
				cl.readTLS(t, len("echo NOOP\r\n")) // reading also takes in the TLS 1.3 ticket

				for i := range 2 { // the second data connection uses the ticket of the first
					srv, cli := dataHandshake(t, DataConfig(base, c.dataID), cliCfg)
					if Resumed(srv) != c.resume || cli.DidResume != c.resume {
						t.Fatalf("data connection %d: server resumed %v, client %v; want %v",
							i+1, Resumed(srv), cli.DidResume, c.resume)
					}
					if srv.Version != v.v {
						t.Fatalf("data version %x", srv.Version)
					}
				}
			})
		}
	}
}

// TestSessionTagAppends checks that the tag is appended to SessionState.Extra (never replacing what
// is there), added once, and checked on unwrap.
func TestSessionTagAppends(t *testing.T) {
	base := serverConfig()
	var ticket []byte
	srvCfg := ControlConfig(base, 7)
	tagWrap := srvCfg.WrapSession
	srvCfg.WrapSession = func(cs tls.ConnectionState, ss *tls.SessionState) ([]byte, error) {
		ss.Extra = append(ss.Extra, []byte("someone else's"))
		// Wrapping twice must not add the tag twice.
		if _, err := tagWrap(cs, ss); err != nil {
			return nil, err
		}
		b, err := tagWrap(cs, ss)
		ticket = b
		return b, err
	}
	cliCfg := clientConfig(tls.VersionTLS13)
	cliCfg.ClientSessionCache = tls.NewLRUClientSessionCache(1)
	dataHandshake(t, srvCfg, cliCfg)
	if ticket == nil {
		t.Fatal("no ticket issued")
	}

	ss, err := base.DecryptTicket(ticket, tls.ConnectionState{})
	if err != nil || ss == nil {
		t.Fatalf("base cannot open the ticket: %v", err)
	}
	// The tag once, after what was there, then the issue time (lifetime.go).
	want := [][]byte{[]byte("someone else's"), appendTag(nil, 7)}
	if len(ss.Extra) != len(want)+1 || !bytes.Equal(ss.Extra[0], want[0]) || !bytes.Equal(ss.Extra[1], want[1]) {
		t.Fatalf("Extra %q, want %q and the issue time", ss.Extra, want)
	}
	if _, ok := issuedAt(ss.Extra[2:]); !ok {
		t.Fatalf("Extra %q: no issue time last", ss.Extra)
	}

	cases := []struct {
		id   uint64
		want bool
	}{{7, true}, {8, false}, {0, false}}
	for _, c := range cases {
		got, err := DataConfig(base, c.id).UnwrapSession(ticket, tls.ConnectionState{})
		if err != nil || (got != nil) != c.want {
			t.Errorf("DataConfig(%d) unwrap: state %v, error %v; want accepted %v", c.id, got != nil, err, c.want)
		}
	}
	if got, _ := DataConfig(base, 7).UnwrapSession([]byte("not a ticket at all, not at all"), tls.ConnectionState{}); got != nil {
		t.Error("DataConfig accepted garbage")
	}
	// A ticket sealed with other keys is refused too.
	other := serverConfig()
	if got, _ := DataConfig(other, 7).UnwrapSession(ticket, tls.ConnectionState{}); got != nil {
		t.Error("DataConfig with other ticket keys accepted the ticket")
	}
}
