// Command ftpsd is a high-throughput FTP server with FTP over TLS.
//
//	ftpsd -listen 127.0.0.1:2121 -root /srv/ftp -anonymous
//	ftpsd -config /etc/ftpsd/ftpsd.conf
//	ftpsd -t -config /etc/ftpsd/ftpsd.conf
//
// See README.md for every flag and the configuration file.
//
// This package is main, the flag definitions, signals and wiring only: the
// flags become setup.Flags, typed directives that internal/setup lays over
// the configuration file and builds into loop.Config. Everything here runs
// on main's goroutine, except what signals start (SIGHUP's reopening and
// whole reload run on it too, never on the event loop).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/daemon"
	"github.com/ftpsd/ftpsd/internal/setup"
	"github.com/ftpsd/ftpsd/loop"
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
	switch {
	case opts.version:
		printVersion(os.Stdout)
		return 0
	case opts.manpage:
		writeManPage(os.Stdout, opts.fs)
		return 0
	}
	plan, errs := setup.Load(opts.configFile, opts.flags)
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
	logs, err := plan.OpenLogs(stderr)
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
	log := logs.Logger()

	stopProfile := startProfile(plan.Profile())
	defer stopProfile()

	built, err := plan.Build(logs)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	// The configured umask is the only one that applies to uploads.
	syscall.Umask(0)

	d := plan.Daemon()
	hook, err := beforeServe(d, log)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	built.Config.BeforeServe = hook
	adm, err := startAdmin(plan.Admin(), logs)
	if err != nil {
		printError(stderr, err)
		return 1
	}
	defer adm.stop()
	built.Config.Metrics = adm.metrics()
	if d.PidFile != "" {
		defer daemon.RemovePidFile(d.PidFile)
	}

	srv, err := loop.New(built.Config)
	if err != nil {
		fmt.Fprintf(stderr, "ftpsd: %v\n", err)
		return 1
	}
	adm.serveFaults(plan.Admin(), plan, srv, log)
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
		var addrs []string
		for _, l := range built.Config.Listeners {
			addrs = append(addrs, l.Addr)
		}
		fmt.Fprintf(stderr, "ftpsd: %v\n", daemon.ExplainBind(err, addrs))
		<-serveErr
		return 1
	}
	for _, b := range bound {
		kind := "ftp"
		if b.Implicit {
			kind = "ftps-implicit"
		}
		logs.Announce("listening", "addr", b.Addr.String(), "kind", kind)
	}
	adm.up(logs)
	if msg := plan.NobodyCanLogIn(); msg != "" {
		logs.Warn(msg)
	}
	daemon.Ready(fmt.Sprintf("serving %d listeners", len(bound)))
	sweepCtx, stopSweep := context.WithCancel(context.Background())
	defer stopSweep()
	go built.SweepTemps(sweepCtx, log)

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
			daemon.Reloading()
			// Rotation first, so that what follows lands in the new files.
			// Reopen waits for the disk: it runs here, never on the loop.
			if logs.Reopening() {
				if err := logs.Reopen(); err != nil {
					log.Error("SIGHUP: logs not reopened", "err", err)
				} else {
					log.Info("SIGHUP: logs reopened")
				}
			}
			// The whole configuration, built as at start-up; new
			// sessions get it, running ones keep theirs. A broken file
			// leaves the old one serving (setup/reload.go).
			built = built.Reload(opts.configFile, opts.flags, logs, srv.Reload)
			daemon.Ready("reloaded")
		case s := <-sig:
			log.Info("shutting down", "signal", s.String())
			break wait
		}
	}
	daemon.Stopping()
	adm.draining()
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
	logs.Announce("stopped")
	return 0
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
