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
	"time"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run is the whole command, returning its exit status: 0 when every
// operation succeeded, 1 when any failed or the run could not start, 2 for
// a bad command line. An interrupt ends the run early; its results are
// still printed.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parse(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "ftpsd-load:", err)
		return 2
	}
	rec := newRecorder()
	r := newRunner(o, rec)
	var m *metrics
	if o.metrics != "" {
		if m, err = newMetrics(o.metrics, r); err != nil {
			fmt.Fprintln(stderr, "ftpsd-load:", err)
			return 1
		}
		rec.observe = m.observe
		m.serve()
		fmt.Fprintf(stderr, "ftpsd-load: metrics on http://%s/metrics\n", m.ln.Addr())
		defer m.close()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	p := startProgress(o, r, stderr)
	elapsed := r.run(ctx)
	p.end()

	res := newResult(o, r, elapsed)
	if o.json {
		err = res.writeJSON(stdout)
	} else {
		err = res.writeTable(stdout, o)
	}
	if err != nil {
		fmt.Fprintln(stderr, "ftpsd-load:", err)
		return 1
	}
	if m != nil && o.linger > 0 {
		select {
		case <-time.After(o.linger):
		case <-ctx.Done():
		}
	}
	done, _, _ := rec.totals()
	if res.Errors > 0 || done == 0 {
		return 1
	}
	return 0
}
