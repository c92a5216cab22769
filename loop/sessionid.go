package loop

import "math/rand/v2"

// seedSessionIDs starts the session ids at a random point, so that ids
// do not repeat across the instances of a fleet or across restarts. TLS
// session tickets are bound to the control session by its id
// (tlsstate.DataConfig); with session-ticket keys shared by every
// instance (-tls-ticket-keys), a ticket another process issued to a
// session of the same id would otherwise pass a data connection's check.
// Two processes' ids meet only if their random starts fall within as
// many sessions of each other, about one chance in 2^32 per pair of
// processes for four billion sessions each. Runs in New.
func (s *Server) seedSessionIDs() {
	s.nextID.Store(rand.Uint64() >> 1) // half the space left for counting up
}
