// Command ftpsd is a high-throughput FTP server with FTP over TLS.
//
//	ftpsd -listen 127.0.0.1:2121 -root /srv/ftp -anonymous
//	ftpsd -config /etc/ftpsd/ftpsd.conf
//	ftpsd -t -config /etc/ftpsd/ftpsd.conf
//
// See README.md for every flag and the configuration file.
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

	"github.com/ftpsd/ftpsd/internal/config"
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
	var file *fileSettings
	if opts.configFile != "" {
		var errs []error
		file, errs = loadFile(opts)
		for _, err := range errs {
			printError(stderr, err)
		}
		if len(errs) > 0 {
			return 1
		}
		if opts.check {
			fmt.Fprintln(stderr, "Syntax OK")
			return 0
		}
	}
	logs, err := openLogs(opts, file, stderr)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	defer func() {
		// After the server stopped: flushes the command and transfer logs.
		if err := logs.Close(); err != nil {
			fmt.Fprintf(stderr, "ftpsd: closing the logs: %v\n", err)
		}
	}()
	log := logs.log
	file.logNotes(log)

	stopProfile := startProfile(opts.profile)
	defer stopProfile()

	certs, cfg, err := opts.build(file, log)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	cfg.Log = logs.access
	reloads := []certReload{{opts.cert, certs}}
	if file != nil {
		more, err := file.addHosts(&cfg, logs, log)
		if err != nil {
			printError(stderr, err)
			return 1
		}
		reloads = append(reloads, more...)
	}
	// The configured umask is the only one that applies to uploads.
	syscall.Umask(0)

	srv, err := loop.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	// Signals are caught before the listeners open: a SIGTERM that follows
	// the "listening" line at once must stop the server cleanly, not kill it.
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

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
		logs.announce("listening", "addr", b.Addr.String(), "kind", kind)
	}
	if !opts.anonymous && opts.users == "" {
		if file != nil {
			log.Warn("no AuthUserFile or Anonymous for the document root, nor -users or -anonymous: nobody can log in")
		} else {
			log.Warn("neither -anonymous nor -users given: nobody can log in")
		}
	}

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
			// Rotation first, so that what follows lands in the new files.
			// Reopen waits for the disk: it runs here, never on the loop.
			if logs.reopening() {
				if err := logs.Reopen(); err != nil {
					log.Error("SIGHUP: logs not reopened", "err", err)
				} else {
					log.Info("SIGHUP: logs reopened")
				}
			}
			// New handshakes use the new certificates; sessions carry on.
			reloaded := false
			for _, r := range reloads {
				reloaded = r.reload(log) || reloaded
			}
			switch {
			case reloaded:
			case file != nil:
				log.Info("SIGHUP: no certificate file to reload")
			default:
				log.Info("SIGHUP: no -cert to reload")
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
	logs.announce("stopped")
	return 0
}

// build makes the certificate store (nil without TLS) and the server's
// configuration from the options and, with -config, the file's other
// settings.
func (o *options) build(file *fileSettings, log *slog.Logger) (*tlsstate.CertStore, loop.Config, error) {
	certs, err := o.loadCerts(log)
	if err != nil {
		return nil, loop.Config{}, err
	}
	cfg, err := o.config(log, certs)
	if err != nil {
		return nil, loop.Config{}, err
	}
	if file != nil {
		file.apply(&cfg)
	}
	return certs, cfg, nil
}

// printError prints a configuration error as "file:line: message", as -t
// does, and anything else as "ftpsd: message".
func printError(w io.Writer, err error) {
	var ce *config.Error
	if errors.As(err, &ce) {
		fmt.Fprintln(w, err)
		return
	}
	fmt.Fprintf(w, "ftpsd: %v\n", err)
}
