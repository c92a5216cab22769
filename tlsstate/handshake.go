package tlsstate

import "crypto/tls"

// handshake is the short-lived goroutine that runs one server handshake. It blocks on the pipe
// (never on the loop), sends its flights with AsyncWrite, then publishes the outcome and wakes the
// loop, which finishes the transition in Poll. It touches nothing of the Conn but the pipe and the
// tls.Conn it was given, and nothing at all after finish.
func (c *Conn) handshake(tc *tls.Conn, sem *Semaphore, exited chan<- struct{}) {
	defer close(exited)
	var err error
	if sem.acquire(c.p.stopChan()) {
		err = tc.Handshake()
		sem.release()
	} else {
		err = c.p.readErr()
	}
	c.p.finish(err)
}
