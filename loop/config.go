package loop

import (
	"log/slog"
	"time"

	"github.com/ftpsd/ftpsd/internal/fault"
	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/internal/synth"
	"github.com/ftpsd/ftpsd/tlsstate"
	"github.com/ftpsd/ftpsd/xfer"
)

// Listener is one control-connection listener.
type Listener struct {
	// Addr is host:port; port 0 picks a free port (see Server.Addrs).
	Addr string
	// Implicit makes TLS start with the first byte (port 990 style).
	Implicit bool
	// Proxy makes the listener take connections only from trusted proxies
	// (Config.Proxy), each starting with a PROXY v1 or v2 header; see proxy.go.
	Proxy bool
}

// Config is the server's configuration. The zero value works: every field
// has a default, returned by the accessor of the same name, and the server
// never modifies the caller's struct.
type Config struct {
	// Listeners default to one explicit listener on DefaultListen.
	Listeners []Listener

	// Host is the default host, whose fields read as Config's (cfg.Root,
	// cfg.TLS): the FTP server a connection reaches when Route is nil or
	// returns nil for it. An implicit listener's connections need TLS on
	// the host they reach: this one or the virtual host of their address.
	Host

	// VirtualHosts are more FTP servers on the same listeners. A session
	// starts on the first host Route returns for the address it reached
	// (Config.Host when Route is nil; nil entries stand for it too), and
	// HOST or USER user@host (with VirtualHostLogin) move it, before
	// login, to another of the hosts Route returned, by name. When Route
	// returns no host, the connection is refused with 421: no FTP server
	// is configured for that address. Route must return only hosts listed
	// here or nil; it runs on the event loop and must not block.
	VirtualHosts []*Host
	Route        Route

	// MaxLine caps a command line (excluding CRLF). Default codec.DefaultMaxLine.
	MaxLine int
	// MaxPendingInput caps unread command bytes held while a command is
	// pending. Default DefaultMaxPendingInput (64 KiB); a client that sends more is disconnected.
	MaxPendingInput int
	// GlobMaxScan caps the directory entries one LIST, NLST or STAT
	// pattern is matched against; a pattern in a bigger directory is
	// refused with 550 (xfer/glob.go). Default DefaultGlobMaxScan.
	GlobMaxScan int
	// Synth, when set, mounts the synthetic tree and the verifying sink
	// beside every session's rooted file system (internal/synth); nil:
	// neither.
	Synth *synth.FS
	// Faults, when set, injects latency, error replies and data-connection
	// resets for testing clients (internal/fault, loop/fault.go); nil: none.
	Faults *fault.Plan
	// Workers caps concurrent file-system jobs and transfers. Default DefaultWorkers.
	Workers int
	// EventLoops is the number of gnet event loops. Default: one per CPU.
	EventLoops int

	// IdleTimeout closes a logged-in session that sent nothing for this
	// long while no transfer ran (421). Default 5m.
	IdleTimeout time.Duration
	// LoginTimeout closes a session not logged in after this long. Default 60s.
	LoginTimeout time.Duration
	// DataTimeout bounds waiting for a data connection. Default 30s.
	DataTimeout time.Duration
	// DataIdleTimeout aborts a transfer whose data connection moved no
	// byte for this long (426). Default 5m.
	DataIdleTimeout time.Duration
	// FailDelay is the pause before answering a failed login, measured
	// from the PASS's arrival (a deadline, so the answer's time does not
	// depend on the check); one address's failed logins are also answered
	// at least FailDelay apart, whichever sessions they come from (ban.go).
	// Default 1s; NoLimit (or any negative value) means no pause.
	FailDelay time.Duration
	// MemoryTrimQuiet is how long no session must open before the server
	// returns its freed heap to the kernel (see loop/trim.go). Default 1s;
	// NoLimit (or any negative value) never trims.
	MemoryTrimQuiet time.Duration
	// ShutdownGrace is how long Shutdown lets running transfers finish. Default 10s.
	ShutdownGrace time.Duration

	// HandshakeTimeout bounds a control connection's TLS handshake, from
	// the moment it takes its slot (see FirstFlightTimeout for the wait
	// before). Default 10s.
	HandshakeTimeout time.Duration
	// MaxHandshakes caps concurrent control-connection TLS handshakes.
	// Default 256. A handshake counts from the moment its client's first
	// TLS record (the ClientHello) has arrived whole; when every slot is
	// taken, the oldest handshake is sacrificed (closed) to admit the
	// newcomer, so a flood of stalled handshakes cannot lock others out.
	MaxHandshakes int
	// MaxHandshakesPerIP caps the concurrent handshakes of one client
	// address (an IPv6 client's /64); over it, a newcomer waits (holding
	// no slot and no goroutine, within FirstFlightTimeout) until one of
	// that address's handshakes ends. Default 8; NoLimit (any negative
	// value): none but MaxHandshakes.
	MaxHandshakesPerIP int
	// FirstFlightTimeout bounds the wait for a TLS client's first record
	// (its ClientHello), after AUTH TLS or the connect on an implicit
	// listener, and for its address's share of handshakes after it. The
	// record is only buffered on the loop meanwhile: no handshake slot,
	// no goroutine. Default 3s; the connection is closed at it.
	// HandshakeTimeout counts from the handshake's start.
	FirstFlightTimeout time.Duration

	// Logger receives the error log. Default slog.Default().
	Logger *slog.Logger

	// BeforeServe, when set, runs once every listener is bound and before
	// the event loops start, so before any connection is accepted; an
	// error stops the server (Serve and Addrs return it). main drops root
	// here. It runs on the goroutine that called Serve.
	BeforeServe func([]BoundListener) error

	// Limits caps sessions, logins, bandwidth and queued replies; see
	// limits.go. Its fields read as Config's.
	Limits

	// Proxy configures the PROXY protocol (proxy.go): whom Listener.Proxy
	// listeners trust, and passive listeners taking headers too.
	Proxy ProxyProtocol

	// SessionIDBase numbers the sessions from SessionIDBase+1. TLS session
	// tickets are bound to their control session by its id
	// (tlsstate.DataConfig): when several processes share ticket keys (a
	// fleet, or restarts with a key file), give each a random base, so
	// that a ticket another process issued to a session of the same id
	// does not pass a data connection's check; internal/setup does so
	// with -tls-ticket-keys. Default 0.
	SessionIDBase uint64
	// Metrics, when set, receives the server's counts (loop/metrics.go,
	// internal/metrics); nil counts nothing.
	Metrics *metrics.Metrics
}

// The defaults of Config's fields, exported so that cmd/ftpsd's flag help
// and internal/setup state them from here rather than repeat them. A field
// left at zero gets its default; so does a negative one, except where the
// field's comment says that negative means none (NoLimit).
const (
	DefaultListen           = "127.0.0.1:2121"
	DefaultMaxPendingInput  = 64 << 10
	DefaultWorkers          = xfer.DefaultPoolSize
	DefaultDataTimeout      = 30 * time.Second
	DefaultIdleTimeout      = 5 * time.Minute
	DefaultDataIdleTimeout  = 5 * time.Minute
	DefaultLoginTimeout     = time.Minute
	DefaultFailDelay        = time.Second
	DefaultShutdownGrace    = 10 * time.Second
	DefaultHandshakeTimeout = tlsstate.DefaultHandshakeTimeout
	DefaultMaxHandshakes    = tlsstate.DefaultHandshakes
	DefaultBanner           = "ftpsd ready."
	DefaultExitMessage      = "Goodbye."
	DefaultGlobMaxScan      = xfer.DefaultGlobMaxScan
)

// NoLimit, in a field whose comment says so (FailDelay, MemoryTrimQuiet,
// MaxLoginAttempts), turns the setting off: no pause, no trim, no limit.
// Any negative value does the same; zero is the default, as everywhere.
const NoLimit = -1

func (c *Config) listeners() []Listener {
	if len(c.Listeners) == 0 {
		return []Listener{{Addr: DefaultListen}}
	}
	return c.Listeners
}

// positiveOr returns v, or def when v is zero or negative: the rule every
// numeric field of Config follows unless its comment says otherwise.
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

// orNone is positiveOr for the fields where zero means the default and a
// negative value means none (FailDelay, MemoryTrimQuiet,
// MaxLoginAttempts): it returns 0 for them.
func orNone[T int | time.Duration](v, def T) T {
	if v < 0 {
		return 0
	}
	return positiveOr(v, def)
}

func (c *Config) maxPendingInput() int       { return positiveOr(c.MaxPendingInput, DefaultMaxPendingInput) }
func (c *Config) dataTimeout() time.Duration { return positiveOr(c.DataTimeout, DefaultDataTimeout) }
func (c *Config) dataIdleTimeout() time.Duration {
	return positiveOr(c.DataIdleTimeout, DefaultDataIdleTimeout)
}
func (c *Config) idleTimeout() time.Duration  { return positiveOr(c.IdleTimeout, DefaultIdleTimeout) }
func (c *Config) loginTimeout() time.Duration { return positiveOr(c.LoginTimeout, DefaultLoginTimeout) }
func (c *Config) shutdownGrace() time.Duration {
	return positiveOr(c.ShutdownGrace, DefaultShutdownGrace)
}

func (c *Config) trimQuiet() time.Duration { return orNone(c.MemoryTrimQuiet, defaultTrimQuiet) }
func (c *Config) failDelay() time.Duration { return orNone(c.FailDelay, DefaultFailDelay) }
func (c *Config) globMaxScan() int         { return positiveOr(c.GlobMaxScan, DefaultGlobMaxScan) }

func (c *Config) logger() *slog.Logger {
	if c.Logger == nil {
		return slog.Default()
	}
	return c.Logger
}
