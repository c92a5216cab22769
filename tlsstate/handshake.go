package tlsstate

import "crypto/tls"

// handshake is the short-lived goroutine that runs one server handshake. It blocks on the pipe
// (never on the loop), sends its flights with AsyncWrite, then gives back its Semaphore slot,
// publishes the outcome and wakes the loop, which finishes the transition in Poll. It touches
// nothing of the Conn but the pipe and the tls.Conn and slot it was given, and nothing at all
// after finish. The slot was taken on the loop when the first record arrived (commitIfReady).
func (c *Conn) handshake(tc *tls.Conn, sl *slot, exited chan<- struct{}) {
	defer close(exited)
	err := tc.Handshake()
	c.lim.Handshakes.release(sl)
	c.p.finish(err)
}
