package ftpsdtest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/ftpsd/ftpsd/internal/testserver"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// Options say what a test server serves. The zero value serves a new
// empty directory to nobody: name Users or set Anonymous.
type Options struct {
	// Root is the document root. Default: a new temporary directory
	// (NewServer: the test's t.TempDir; NewUnstartedServer: one that Close
	// removes).
	Root string
	// Users maps the accounts that may log in to their passwords. They may
	// read and write.
	Users map[string]string
	// Anonymous lets "anonymous" and "ftp" log in with any password,
	// read-only.
	Anonymous bool
	// TLS offers AUTH TLS, and PROT P data connections, with a new
	// self-signed certificate for 127.0.0.1 and localhost.
	TLS bool
}

// Server is a running (or, from NewUnstartedServer, not yet started) ftpsd.
type Server struct {
	// Config is the server's configuration. NewUnstartedServer fills it
	// from the Options (one listener on 127.0.0.1:0, no delay after a
	// failed login, two event loops); a test may change it before Start.
	Config loop.Config
	// Addr is the control listener's host:port, set by Start.
	Addr string
	// Root is the document root.
	Root string
	// Certificate is the server's certificate, with Options.TLS.
	Certificate *x509.Certificate

	tmpRoot string // removed by Close
	stop    func() error
	once    sync.Once
	err     error
}

// NewServer starts a server for the test t and stops it when t ends,
// failing t when it does not start or stop cleanly.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	if opts.Root == "" {
		opts.Root = t.TempDir()
	}
	s, err := newServer(opts)
	if err == nil {
		err = s.start()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// NewUnstartedServer returns a server that Start starts. It panics when it
// cannot make the root or the certificate, as httptest does when it cannot
// listen: a test cannot go on without them.
func NewUnstartedServer(opts Options) *Server {
	s, err := newServer(opts)
	if err != nil {
		panic(err)
	}
	return s
}

func newServer(opts Options) (*Server, error) {
	s := &Server{Root: opts.Root}
	if s.Root == "" {
		dir, err := os.MkdirTemp("", "ftpsdtest-")
		if err != nil {
			return nil, fmt.Errorf("ftpsdtest: root: %w", err)
		}
		s.Root, s.tmpRoot = dir, dir
	}
	s.Config = loop.Config{
		Listeners:  []loop.Listener{{Addr: "127.0.0.1:0"}},
		Host:       loop.Host{Root: s.Root, Auth: testserver.Users{Named: opts.Users, Anonymous: opts.Anonymous}},
		FailDelay:  -1,
		EventLoops: 2,
	}
	if opts.TLS {
		cert, err := testserver.SelfSigned("127.0.0.1", "localhost")
		if err != nil {
			s.removeRoot()
			return nil, fmt.Errorf("ftpsdtest: %w", err)
		}
		store := &tlsstate.CertStore{}
		store.Set(&cert)
		s.Config.TLS = tlsstate.BaseConfig(store)
		s.Certificate = cert.Leaf
	}
	return s, nil
}

// Start starts the server and waits until it listens. It panics when the
// server does not start, and when called twice.
func (s *Server) Start() {
	if err := s.start(); err != nil {
		panic(err)
	}
}

func (s *Server) start() error {
	if s.stop != nil {
		return errors.New("ftpsdtest: server already started")
	}
	srv, err := loop.New(s.Config)
	if err != nil {
		return fmt.Errorf("ftpsdtest: %w", err)
	}
	bound, stop, err := testserver.Run[loop.BoundListener](srv)
	if err != nil {
		return fmt.Errorf("ftpsdtest: %w", err)
	}
	s.stop = stop
	s.Addr = bound[0].Addr.String()
	return nil
}

// Close stops the server, closing every session, and removes the root it
// made. It returns an error when the server did not stop cleanly within
// ten seconds; calls after the first return the first one's result.
func (s *Server) Close() error {
	s.once.Do(func() {
		if s.stop != nil {
			s.err = s.stop()
		}
		s.removeRoot()
	})
	return s.err
}

func (s *Server) removeRoot() {
	if s.tmpRoot != "" {
		_ = os.RemoveAll(s.tmpRoot)
	}
}

// URL returns ftp://host:port/, for clients that take a URL.
func (s *Server) URL() string { return "ftp://" + s.Addr + "/" }

// ClientTLS returns a client configuration that trusts the server's
// certificate and resumes its session on data connections (it has a
// session cache of its own and a ServerName). Nil without Options.TLS.
func (s *Server) ClientTLS() *tls.Config {
	if s.Certificate == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.Certificate)
	cfg := testserver.ClientTLS("localhost", 0)
	cfg.InsecureSkipVerify = false
	cfg.RootCAs = pool
	return cfg
}
