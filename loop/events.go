package loop

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/ftpsd/ftpsd/codec"
)

// The security events below go to the error log at info, whatever else
// is logged, in one stable form each: a msg that never changes, then
// client=ADDR (the real client address, IPv4 without the ::ffff: prefix),
// then the other attributes. fail2ban's filter (contrib/fail2ban) matches
// the first:
//
//	level=INFO msg="login failed" client=203.0.113.7 user=bob
//	level=INFO msg="client banned" client=203.0.113.7 for=1h0m0s
//	level=INFO msg="connection refused" client=203.0.113.7 reason=banned
//	level=INFO msg="data connection refused" client=203.0.113.7 user=bob reason="TLS session not resumed" code=522
//
// client comes before user so that a user name, which the client chooses
// (slog quotes it when it holds a space, a quote or an '='), cannot stand
// where the address is read. Each runs on the loop; the error log's
// Writer never blocks it.

// clientAddr is the address events name: unmapped, so an IPv4 client of a
// dual-stack listener reads as IPv4.
func clientAddr(p netip.AddrPort) string { return p.Addr().Unmap().String() }

// logLoginFailed reports a PASS (or a client certificate) that did not log
// in, with the name given to USER. Call it before the failure resets the
// login, which forgets the name.
func (s *Session) logLoginFailed() {
	s.srv.cfg.logger().Info("login failed", "client", clientAddr(s.peer), "user", s.user)
}

// logBanned reports the failed login that banned the client's address.
func (s *Session) logBanned(d time.Duration) {
	s.srv.cfg.logger().Info("client banned", "client", clientAddr(s.peer), "for", d)
}

// logNoReuse reports a PROT P data connection refused with 522 because it
// did not resume the control connection's TLS session.
func (s *Session) logNoReuse() {
	user := s.ident.User
	if user == "" {
		user = s.user
	}
	s.srv.cfg.logger().Info("data connection refused", "client", clientAddr(s.peer), "user", user,
		"reason", "TLS session not resumed", "code", int(codec.CodeNetProtoUnsupported))
}

// logConnRefused reports a control connection refused at connect with
// the 421 refusal admit chose.
func (srv *Server) logConnRefused(peer netip.AddrPort, refusal []byte) {
	reason := "too many sessions"
	switch {
	case bytes.Equal(refusal, refuseBanned):
		reason = "banned"
	case bytes.Equal(refusal, refuseAddrFull):
		reason = "too many sessions from this address"
	}
	srv.cfg.logger().Info("connection refused", "client", clientAddr(peer), "reason", reason)
}
