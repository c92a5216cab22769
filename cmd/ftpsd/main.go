// Command ftpsd is a high-throughput FTP server with FTP over TLS.
//
//	ftpsd -listen 127.0.0.1:2121 -root /srv/ftp -anonymous
//
// See README.md for every flag.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run is main without the process exit, so tests can call it.
func run(args []string, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: opts.logLevel}))

	stopProfile := startProfile(opts.profile)
	defer stopProfile()

	certs := &tlsstate.CertStore{}
	if err := opts.loadCerts(certs, log); err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	cfg, err := opts.config(log, certs)
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	// The configured umask is the only one that applies to uploads.
	syscall.Umask(0)

	srv, err := loop.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve() }()

	bound, err := srv.Addrs(context.Background())
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		<-serveErr
		return 1
	}
	for _, b := range bound {
		kind := "ftp"
		if b.Implicit {
			kind = "ftps-implicit"
		}
		log.Info("listening", "addr", b.Addr.String(), "kind", kind)
	}
	if !opts.anonymous && opts.users == "" {
		log.Warn("neither -anonymous nor -users given: nobody can log in")
	}

	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
wait:
	for {
		select {
		case err := <-serveErr:
			if err != nil {
				fmt.Fprintf(stderr, "ftpsd: %v\n", err)
				return 1
			}
			return 0
		case <-hup:
			// New handshakes use the new certificate; sessions carry on.
			if opts.certFile == "" {
				log.Info("SIGHUP: no -cert to reload")
			} else if err := certs.Load(opts.certFile, opts.keyFile); err != nil {
				log.Error("SIGHUP: certificate not reloaded", "err", err)
			} else {
				log.Info("SIGHUP: certificate reloaded", "cert", opts.certFile)
			}
		case s := <-sig:
			log.Info("shutting down", "signal", s.String())
			break wait
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		// A second signal skips the grace period.
		<-sig
		cancel()
	}()
	if err := srv.Shutdown(ctx); err != nil {
		log.Warn("shutdown", "err", err)
	}
	if err := <-serveErr; err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	log.Info("stopped")
	return 0
}
