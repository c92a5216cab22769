package setup

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync/atomic"
	"time"
)

// PasvNameRefresh is how often a -pasv-addr given as a DNS name is
// resolved again.
const PasvNameRefresh = time.Minute

// pasvName is an announced passive address taken from a DNS name (a
// dynamic address, a balancer's name): resolved once at start-up, so that a
// name that does not resolve stops the server, then again every
// PasvNameRefresh on its own goroutine, for the life of the process.
// Addr, which the event loop calls for each PASV, only loads an atomic:
// the loop never waits for DNS. A failed refresh keeps the last address
// and logs a warning.
type pasvName struct {
	name string
	addr atomic.Pointer[netip.Addr]
	log  *slog.Logger
}

// newPasvName resolves name and starts the refresh.
func newPasvName(name string, log *slog.Logger) (*pasvName, error) {
	p := &pasvName{name: name, log: log}
	a, err := p.resolve()
	if err != nil {
		return nil, err
	}
	p.addr.Store(&a)
	go p.refresh()
	return p, nil
}

// Addr returns the last address resolved. Safe from any goroutine; it
// does not block.
func (p *pasvName) Addr() netip.Addr { return *p.addr.Load() }

// resolve looks the name up; runs at start-up and on the refresh goroutine.
func (p *pasvName) resolve() (netip.Addr, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", p.name)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("-pasv-addr %s: %w", p.name, err)
	}
	if len(addrs) == 0 {
		return netip.Addr{}, fmt.Errorf("-pasv-addr %s: no IPv4 address", p.name)
	}
	return addrs[0].Unmap(), nil
}

// refresh runs on its own goroutine.
func (p *pasvName) refresh() {
	t := time.NewTicker(PasvNameRefresh)
	defer t.Stop()
	for range t.C {
		a, err := p.resolve()
		if err != nil {
			p.log.Warn("passive address not refreshed; keeping the last one", "err", err, "addr", p.Addr())
			continue
		}
		if old := p.Addr(); a != old {
			p.log.Info("passive address changed", "name", p.name, "from", old, "to", a)
		}
		p.addr.Store(&a)
	}
}
