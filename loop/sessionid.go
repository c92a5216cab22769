package loop

// seedSessionIDs starts the session ids after Config.SessionIDBase. Runs
// in New.
func (s *Server) seedSessionIDs() {
	s.nextID.Store(s.cfg.SessionIDBase)
}
