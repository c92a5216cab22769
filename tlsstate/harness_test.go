package tlsstate

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// This file is the test stand-in for the event loop: a testLoop runs tasks one at a time like a gnet
// loop goroutine, a fakeTransport turns AsyncWrite and Wake into loop tasks, and a testSession is a
// miniature control session that drives a Conn the way the loop package is meant to.

const waitLong = 10 * time.Second // bound on every wait in the tests

var testCert = sync.OnceValues(func() (tls.Certificate, *x509.CertPool) {
	cert, _, err := SelfSigned([]string{"localhost", "127.0.0.1"})
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert.Leaf)
	return cert, pool
})

func serverConfig() *tls.Config {
	cert, _ := testCert()
	var store CertStore
	store.Set(&cert)
	return BaseConfig(&store)
}

// clientConfig pins the version when version is non-zero.
func clientConfig(version uint16) *tls.Config {
	_, pool := testCert()
	return &tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: version, MaxVersion: version}
}

// testLoop runs posted tasks in order on one goroutine.
type testLoop struct {
	mu    sync.Mutex
	tasks []func()
	kick  chan struct{}
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func newTestLoop(tb testing.TB) *testLoop {
	l := &testLoop{kick: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go l.run()
	tb.Cleanup(l.stop)
	return l
}

func (l *testLoop) run() {
	defer close(l.done)
	for {
		select {
		case <-l.kick:
		case <-l.quit:
			return
		}
		for {
			l.mu.Lock()
			ts := l.tasks
			l.tasks = nil
			l.mu.Unlock()
			if len(ts) == 0 {
				break
			}
			for _, f := range ts {
				f()
			}
		}
	}
}

// post queues f; it never blocks, like gnet's task queue.
func (l *testLoop) post(f func()) {
	l.mu.Lock()
	l.tasks = append(l.tasks, f)
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// do runs f on the loop and waits for it.
func (l *testLoop) do(tb testing.TB, f func()) {
	tb.Helper()
	ch := make(chan struct{})
	l.post(func() { f(); close(ch) })
	select {
	case <-ch:
	case <-time.After(waitLong):
		tb.Fatal("loop task did not run")
	}
}

func (l *testLoop) stop() {
	l.once.Do(func() { close(l.quit) })
	<-l.done
}

// fakeTransport records what the machine sends through it and runs callbacks on the loop.
type fakeTransport struct {
	l     *testLoop
	s     *testSession
	wakes atomic.Int64

	mu    sync.Mutex
	async bytes.Buffer // every byte passed to AsyncWrite
}

func (f *fakeTransport) AsyncWrite(b []byte, cb gnet.AsyncCallback) error {
	f.mu.Lock()
	f.async.Write(b)
	f.mu.Unlock()
	f.l.post(func() {
		if f.s != nil {
			f.s.wire.write(b)
		}
		if cb != nil {
			_ = cb(nil, nil)
		}
	})
	return nil
}

func (f *fakeTransport) Wake(cb gnet.AsyncCallback) error {
	f.wakes.Add(1)
	f.l.post(func() {
		if f.s != nil {
			f.s.onTraffic(nil)
		}
		if cb != nil {
			_ = cb(nil, nil)
		}
	})
	return nil
}

func (f *fakeTransport) asyncBytes() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Clone(f.async.Bytes())
}

// writeQueue writes to a net.Conn from its own goroutine so that the loop never blocks.
type writeQueue struct {
	mu     sync.Mutex
	cond   sync.Cond
	bufs   [][]byte
	closed bool
	conn   net.Conn
}

func newWriteQueue(conn net.Conn) *writeQueue {
	q := &writeQueue{conn: conn}
	q.cond.L = &q.mu
	go q.run()
	return q
}

func (q *writeQueue) write(b []byte) {
	q.mu.Lock()
	q.bufs = append(q.bufs, bytes.Clone(b))
	q.mu.Unlock()
	q.cond.Signal()
}

// close flushes what is queued, then closes the connection.
func (q *writeQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *writeQueue) run() {
	defer q.conn.Close()
	for {
		q.mu.Lock()
		for len(q.bufs) == 0 && !q.closed {
			q.cond.Wait()
		}
		bufs, closed := q.bufs, q.closed
		q.bufs = nil
		q.mu.Unlock()
		for _, b := range bufs {
			if _, err := q.conn.Write(b); err != nil {
				return
			}
		}
		if closed {
			return
		}
	}
}

type sessionOpts struct {
	cfg      *tls.Config
	lim      Limits
	implicit bool // Start in "OnOpen" instead of on AUTH TLS
	bytewise bool // feed the machine one byte at a time
}

// testSession is a miniature control session on the test loop. Lines are answered by handle.
type testSession struct {
	t     *fakeTransport
	l     *testLoop
	c     *Conn
	wire  *writeQueue
	raw   net.Conn
	opts  sessionOpts
	lines []byte
	rbuf  []byte
	dead  bool

	secure chan struct{} // closed on the move to Secure
	failed chan error    // receives the error that ended the session
}

func startSession(tb testing.TB, l *testLoop, opts sessionOpts) (*testSession, *testClient) {
	tb.Helper()
	if opts.cfg == nil {
		opts.cfg = serverConfig()
	}
	srv, cli := net.Pipe()
	ft := &fakeTransport{l: l}
	s := &testSession{
		t: ft, l: l, raw: srv, opts: opts, wire: newWriteQueue(srv),
		rbuf:   make([]byte, 0, 4096),
		secure: make(chan struct{}), failed: make(chan error, 1),
	}
	ft.s = s
	l.do(tb, func() {
		s.c = New(ft, opts.cfg, opts.lim)
		if opts.implicit {
			if err := s.c.Start(); err != nil {
				s.die(err)
			}
		} else {
			s.reply("220 ready\r\n")
			s.flush()
		}
	})
	go s.readLoop()
	tb.Cleanup(func() {
		l.do(tb, func() {
			s.die(errors.New("test over"))
			s.c.Close()
		})
		cli.Close()
	})
	return s, newTestClient(cli)
}

func (s *testSession) readLoop() {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.raw.Read(buf)
		if n > 0 {
			data := bytes.Clone(buf[:n])
			s.l.post(func() { s.onTraffic(data) })
		}
		if err != nil {
			s.l.post(func() { s.die(err) })
			return
		}
	}
}

// onTraffic is the session's OnTraffic: Feed, Poll, ReadPlain, dispatch, TakeOutput.
func (s *testSession) onTraffic(data []byte) {
	if s.dead {
		return
	}
	if s.opts.bytewise && len(data) > 1 {
		for i := range data {
			s.onTraffic(data[i : i+1])
		}
		return
	}
	if s.c.State() == Plain {
		s.lines = append(s.lines, data...)
		s.dispatch()
		return
	}
	// While the machine awaits the first flight, Feed on every wake-up: a queued handshake is
	// granted its slot by a Wake with no bytes.
	if len(data) > 0 || s.c.AwaitingHello() {
		if err := s.c.Feed(data); err != nil {
			s.die(err)
			return
		}
	}
	if s.c.State() == Handshaking {
		changed, err := s.c.Poll()
		if err != nil {
			s.die(err)
			return
		}
		if changed {
			close(s.secure)
		}
	}
	for {
		st := s.c.State()
		if st != Secure && st != Clearing && st != Cleared {
			break
		}
		plain, err := s.c.ReadPlain(s.rbuf[:0])
		s.lines = append(s.lines, plain...)
		s.dispatch()
		if err != nil && !(errors.Is(err, ErrClosed) && s.c.State() == Cleared) {
			s.die(err)
			return
		}
		if s.c.State() == st {
			break
		}
		// A state change (CCC completed) may have left clear bytes to read.
	}
	s.flush()
}

func (s *testSession) flush() {
	if out := s.c.TakeOutput(); len(out) > 0 {
		s.wire.write(out) // copies, as gnet's Write does
	}
	s.c.ReleaseOutput()
}

func (s *testSession) reply(msg string) {
	if err := s.c.WritePlain([]byte(msg)); err != nil {
		s.die(err)
	}
}

// dispatch answers each complete line. It is the test's command table.
func (s *testSession) dispatch() {
	for !s.dead {
		i := bytes.IndexByte(s.lines, '\n')
		if i < 0 {
			return
		}
		line := strings.TrimRight(string(s.lines[:i]), "\r")
		s.lines = s.lines[i+1:]
		switch {
		case line == "AUTH TLS":
			s.reply("234 go ahead\r\n")
			s.flush()
			// Bytes pipelined behind AUTH TLS were sent in the clear: drop them (STARTTLS injection).
			s.lines = nil
			if err := s.c.Start(); err != nil {
				s.die(err)
			}
			return
		case line == "CCC":
			s.reply("200 clearing\r\n")
			if err := s.c.Clear(); err != nil {
				s.die(err)
				return
			}
			s.reply("211 held until clear\r\n")
		default:
			s.reply("echo " + line + "\r\n")
		}
	}
}

func (s *testSession) die(err error) {
	if s.dead {
		return
	}
	s.dead = true
	select {
	case s.failed <- err:
	default:
	}
	if s.c != nil {
		s.flush()
		// A failed machine stays inspectable until the test ends; cleanup closes it.
		if s.c.State() != Failed {
			s.c.Close()
		}
	}
	s.wire.close()
}

// waitSecure waits for the move to Secure or fails the test with the session's error.
func (s *testSession) waitSecure(tb testing.TB) {
	tb.Helper()
	select {
	case <-s.secure:
	case err := <-s.failed:
		tb.Fatalf("session failed before Secure: %v", err)
	case <-time.After(waitLong):
		tb.Fatal("no Secure")
	}
}

func (s *testSession) waitFailed(tb testing.TB) error {
	tb.Helper()
	select {
	case err := <-s.failed:
		return err
	case <-time.After(waitLong):
		tb.Fatal("session did not fail")
	}
	return nil
}

// testClient is the client end. Its TLS layer reads through recordConn, which, like the machine's
// pipe, hands crypto/tls one record at a time, so clear bytes after CCC stay readable from br.
type testClient struct {
	raw net.Conn
	br  *bufio.Reader
	rc  *recordConn
	tc  *tls.Conn
}

func newTestClient(raw net.Conn) *testClient {
	c := &testClient{raw: raw, br: bufio.NewReader(raw)}
	c.rc = &recordConn{Conn: raw, src: c.br, dst: raw}
	return c
}

func (c *testClient) readLine(tb testing.TB) string {
	tb.Helper()
	_ = c.raw.SetReadDeadline(time.Now().Add(waitLong))
	line, err := c.br.ReadString('\n')
	if err != nil {
		tb.Fatalf("read clear line: %v", err)
	}
	return line
}

func (c *testClient) writeClear(tb testing.TB, s string) {
	tb.Helper()
	if _, err := c.rc.Write([]byte(s)); err != nil {
		tb.Fatalf("write clear: %v", err)
	}
}

func (c *testClient) handshake(cfg *tls.Config) error {
	c.tc = tls.Client(c.rc, cfg)
	_ = c.raw.SetDeadline(time.Now().Add(waitLong))
	return c.tc.Handshake()
}

// readTLS reads exactly n bytes of plaintext.
func (c *testClient) readTLS(tb testing.TB, n int) string {
	tb.Helper()
	buf := make([]byte, n)
	if _, err := io.ReadFull(c.tc, buf); err != nil {
		tb.Fatalf("read TLS: %v", err)
	}
	return string(buf)
}

func (c *testClient) writeTLS(tb testing.TB, s string) {
	tb.Helper()
	if _, err := c.tc.Write([]byte(s)); err != nil {
		tb.Fatalf("write TLS: %v", err)
	}
}

// recordConn is a net.Conn whose Read returns at most one TLS record, and whose writes can be corked
// to reach the server as one chunk.
type recordConn struct {
	net.Conn
	mu     sync.Mutex
	src    io.Reader
	dst    io.Writer
	left   int
	hdr    [5]byte
	corked bool
	cork   []byte
}

func (r *recordConn) Read(b []byte) (int, error) {
	r.mu.Lock()
	src := r.src
	r.mu.Unlock()
	if r.left == 0 {
		if _, err := io.ReadFull(src, r.hdr[:]); err != nil {
			return 0, err
		}
		r.left = int(binary.BigEndian.Uint16(r.hdr[3:]))
		n := copy(b, r.hdr[:])
		if n < len(r.hdr) {
			return 0, errors.New("recordConn: short buffer")
		}
		m, err := io.ReadFull(src, b[n:n+min(len(b)-n, r.left)])
		r.left -= m
		return n + m, err
	}
	n, err := src.Read(b[:min(len(b), r.left)])
	r.left -= n
	return n, err
}

func (r *recordConn) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.corked {
		r.cork = append(r.cork, b...)
		return len(b), nil
	}
	return r.dst.Write(b)
}

func (r *recordConn) setCork(on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.corked = on
	if on || len(r.cork) == 0 {
		return nil
	}
	_, err := r.dst.Write(r.cork)
	r.cork = nil
	return err
}

// crypto/tls moves write deadlines around close_notify; the tests set deadlines on raw themselves.
func (r *recordConn) SetDeadline(time.Time) error      { return nil }
func (r *recordConn) SetWriteDeadline(time.Time) error { return nil }
func (r *recordConn) SetReadDeadline(time.Time) error  { return nil }

// redirect points the client at in-memory buffers (benchmarks).
func (r *recordConn) redirect(src io.Reader, dst io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.src, r.dst = src, dst
}

// handshakeGoroutines counts goroutines running a machine's handshake.
func handshakeGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return bytes.Count(buf, []byte("tlsstate.(*Conn).handshake("))
}

// eventually polls cond until it holds or the wait bound passes.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
