package ftpclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"
)

// Config says where and how a session logs in. Its zero Timeout means 30s.
type Config struct {
	Addr string // host:port of the control listener
	// TLS, when not nil, makes the session explicit FTPS (AUTH TLS, then
	// PBSZ 0 and PROT). Each Conn clones it and gives the clone its own
	// ClientSessionCache, so data connections resume this session's ticket
	// and no other. ServerName defaults to "localhost".
	TLS   *tls.Config
	ProtP bool // with TLS: PROT P (private data connections), else PROT C
	User  string
	Pass  string
	// Timeout bounds each control-connection step (dial, reply, handshake).
	Timeout time.Duration
	// DataTimeout bounds a whole transfer; zero means 10 minutes.
	DataTimeout time.Duration
	// Implicit, with TLS, makes the session implicit FTPS (the handshake
	// before the greeting, no AUTH TLS), as on port 990.
	Implicit bool
}

func (c *Config) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 30 * time.Second
}

func (c *Config) dataTimeout() time.Duration {
	if c.DataTimeout > 0 {
		return c.DataTimeout
	}
	return 10 * time.Minute
}

// Conn is one logged-in FTP session.
type Conn struct {
	cfg   Config
	raw   net.Conn // the TCP control connection
	ctl   net.Conn // raw, or the TLS connection over it
	r     *bufio.Reader
	tls   *tls.Config   // this session's clone, shared by its data connections
	host  string        // control peer's IP, for data connections
	out   []byte        // command being written
	dbuf  []byte        // transfer buffer, allocated on first transfer
	ahead *bufio.Reader // readAhead's reader, allocated on the first TLS transfer
}

// Dial connects, reads the greeting, secures the session when cfg.TLS is
// set, logs in, and sets TYPE I.
func Dial(ctx context.Context, cfg Config) (*Conn, error) {
	d := net.Dialer{Timeout: cfg.timeout()}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("ftpclient: %w", err)
	}
	c := &Conn{cfg: cfg, raw: raw, ctl: raw, r: bufio.NewReaderSize(raw, 4096)}
	c.host, _, _ = net.SplitHostPort(raw.RemoteAddr().String())
	if err := c.login(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return c, nil
}

func (c *Conn) login(ctx context.Context) error {
	if err := c.deadline(); err != nil {
		return err
	}
	implicit := c.cfg.TLS != nil && c.cfg.Implicit
	if implicit {
		if err := c.secure(ctx); err != nil {
			return err
		}
	}
	for {
		r, err := ReadReply(c.r)
		if err != nil {
			return err
		}
		if r.Class() == 2 {
			break
		}
		if r.Class() != 1 {
			return &ReplyError{Cmd: "greeting", Reply: r}
		}
	}
	if c.cfg.TLS != nil && !implicit {
		if _, err := c.Expect("AUTH TLS", 2); err != nil {
			return err
		}
		if err := c.secure(ctx); err != nil {
			return err
		}
	}
	r, err := c.Cmd("USER " + c.cfg.User)
	if err != nil {
		return err
	}
	switch r.Code {
	case 230:
	case 331, 332:
		if r, err = c.cmd("PASS "+c.cfg.Pass, "PASS"); err != nil {
			return err
		}
		if r.Class() != 2 {
			return &ReplyError{Cmd: "PASS", Reply: r}
		}
	default:
		return &ReplyError{Cmd: "USER", Reply: r}
	}
	if c.cfg.TLS != nil {
		if _, err := c.Expect("PBSZ 0", 2); err != nil {
			return err
		}
		prot := "PROT C"
		if c.cfg.ProtP {
			prot = "PROT P"
		}
		if _, err := c.Expect(prot, 2); err != nil {
			return err
		}
	}
	_, err = c.Expect("TYPE I", 2)
	return err
}

// secure runs the control connection's TLS handshake: after AUTH TLS's
// 234, or first thing on an implicit FTPS connection.
func (c *Conn) secure(ctx context.Context) error {
	c.tls = c.cfg.TLS.Clone()
	c.tls.ClientSessionCache = tls.NewLRUClientSessionCache(1)
	if c.tls.ServerName == "" {
		c.tls.ServerName = "localhost"
	}
	tc := tls.Client(c.raw, c.tls)
	hctx, cancel := context.WithTimeout(ctx, c.cfg.timeout())
	err := tc.HandshakeContext(hctx)
	cancel()
	if err != nil {
		return fmt.Errorf("ftpclient: control TLS handshake: %w", err)
	}
	c.ctl = tc
	c.r.Reset(tc)
	return nil
}

// deadline bounds the next control-connection step.
func (c *Conn) deadline() error {
	return c.raw.SetDeadline(time.Now().Add(c.cfg.timeout()))
}

// Cmd sends one command line and reads its reply, whatever its code.
func (c *Conn) Cmd(line string) (Reply, error) { return c.cmd(line, line) }

// cmd is Cmd with the name used in errors (PASS must not show its argument).
func (c *Conn) cmd(line, name string) (Reply, error) {
	if err := c.send(line, name); err != nil {
		return Reply{}, err
	}
	return ReadReply(c.r)
}

func (c *Conn) send(line, name string) error {
	if err := c.deadline(); err != nil {
		return err
	}
	c.out = append(append(c.out[:0], line...), '\r', '\n')
	if _, err := c.ctl.Write(c.out); err != nil {
		return fmt.Errorf("ftpclient: sending %s: %w", name, err)
	}
	return nil
}

// Expect sends line and fails unless the reply's class is class.
func (c *Conn) Expect(line string, class int) (Reply, error) {
	r, err := c.Cmd(line)
	if err != nil {
		return r, err
	}
	if r.Class() != class {
		return r, &ReplyError{Cmd: verb(line), Reply: r}
	}
	return r, nil
}

// Noop sends NOOP and waits for its 200.
func (c *Conn) Noop() error {
	_, err := c.Expect("NOOP", 2)
	return err
}

// Quit sends QUIT, reads the 221 and closes the session.
func (c *Conn) Quit() error {
	_, err := c.Expect("QUIT", 2)
	c.Close()
	return err
}

// Close closes the control connection without QUIT: with TLS it sends
// close_notify first.
func (c *Conn) Close() error {
	if c.ctl != c.raw {
		_ = c.raw.SetDeadline(time.Now().Add(time.Second))
		c.ctl.Close()
	}
	return c.raw.Close()
}

func verb(line string) string {
	v, _, _ := strings.Cut(line, " ")
	return v
}
