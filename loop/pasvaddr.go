package loop

import (
	"net/netip"
)

// Passive addresses for servers behind NAT and balancers: the address a
// 227 reply announces may depend on the client's network (clients inside
// get the inside address, everyone else the public one), and the port it
// announces may differ from the port listened on, for balancers that map
// ports. EPSV announces only the port, so it follows the port mapping and
// stays usable whatever the address. Everything here runs on the event
// loop and only reads the Host.

// PasvAddrRule announces Addr in 227 replies to clients in Clients (their
// real address: behind a PROXY balancer, the one its header names).
type PasvAddrRule struct {
	Clients netip.Prefix
	Addr    netip.Addr
}

// pasvAnnounceAddr is the address a 227 reply names: the first
// Host.PasvAddrFor rule matching the client, else Host.PasvAddrFunc's
// answer, else Host.PasvAddr, else the address the client reached.
func (s *Session) pasvAnnounceAddr() netip.Addr {
	client := s.peer.Addr().Unmap()
	for _, r := range s.host.PasvAddrFor {
		if r.Clients.Contains(client) {
			return r.Addr
		}
	}
	if f := s.host.PasvAddrFunc; f != nil {
		if a := f(); a.IsValid() {
			return a
		}
	}
	if a := s.host.PasvAddr; a.IsValid() {
		return a
	}
	return s.local.Addr()
}

// pasvAnnouncePort maps a listening port to the port announced: with
// Host.PasvAnnounceMin set, port PasvMin+i is announced as
// PasvAnnounceMin+i.
func (s *Session) pasvAnnouncePort(port uint16) uint16 {
	h := s.host
	if h.PasvAnnounceMin == 0 || h.PasvMin == 0 || port < h.PasvMin || port > h.PasvMax {
		return port
	}
	return h.PasvAnnounceMin + (port - h.PasvMin)
}
