package setup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// Logs are the process's logs: the error log (slog; standard error,
// or ErrorLog's file) and the command and transfer logs (CustomLog, through
// ftplog). Reopen and Close wait for the disk: call them from the signal
// handling goroutine or at shutdown, never from the loop.
type Logs struct {
	log *slog.Logger
	// console also writes to standard error when the error log does not
	// (ErrorLog, or a LogLevel above info): the listening and stopped lines,
	// which operators and the tests read there. Nil without -config.
	console *slog.Logger
	// errorLog carries the error log's lines to ErrorLog's file
	// (errorPath) or, without one, to standard error. Like the CustomLog
	// files it is an ftplog.Writer, so a line logged on the event loop
	// never waits for the disk or for whatever reads standard error: a
	// line that finds the buffer full behind a stuck reader is dropped and
	// counted instead.
	errorLog  *ftplog.Writer
	errorPath string // "" when the error log is standard error
	// access holds the first server's CustomLog targets, vhosts those of
	// each virtual host (fileSettings.vhosts); nil when a server has none.
	access *ftplog.Logger
	vhosts []*ftplog.Logger
	// writers are the CustomLog files by path, shared by the loggers.
	writers map[string]*ftplog.Writer
	// stderr is the Writer of standard error when a log goes there (the
	// error log, or a flag's "-"); nil when none does. stderrOut is
	// standard error itself.
	stderr    *ftplog.Writer
	stderrOut io.Writer
}

// openLogs opens the error log, at level, and the CustomLog files of file
// (nil without -config), creating the files that do not exist.
func openLogs(level slog.Level, file *fileSettings, stderr io.Writer) (*Logs, error) {
	return openAllLogs(level, file, flagLogs{}, stderr)
}

// openAllLogs opens the error log, at level, where the flags or else the
// file put it, and the command and transfer logs: the file's CustomLogs
// with the flags' logs over the first server's (flagLogs.over).
func openAllLogs(level slog.Level, file *fileSettings, fl flagLogs, stderr io.Writer) (*Logs, error) {
	l := &Logs{}
	if path := fl.errorPath(file); path != "" {
		w, err := ftplog.Open(path, ftplog.Options{OnError: func(err error) {
			// The error log's own failures go where it cannot.
			fmt.Fprintf(stderr, "ftpsd: ErrorLog %s: %v\n", path, err)
		}})
		if err != nil {
			if fl.errorLog.Set {
				return nil, fmt.Errorf("-error-log: %w", err)
			}
			return nil, directiveError(file.srv.ErrorLog.At, "ErrorLog", err)
		}
		l.errorLog, l.errorPath = w, path
		// The console writes to standard error itself: only announce
		// uses it, on the main goroutine.
		l.console = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	} else {
		// Standard error's write errors have nowhere to go.
		l.errorLog = ftplog.New(stderr, ftplog.Options{})
		l.stderr = l.errorLog
		if file != nil {
			// Through the same Writer, so its lines and the error log's
			// keep their order.
			l.console = slog.New(slog.NewTextHandler(lineWriter{l.errorLog}, &slog.HandlerOptions{Level: slog.LevelInfo}))
		}
	}
	l.log = slog.New(slog.NewTextHandler(lineWriter{l.errorLog}, &slog.HandlerOptions{Level: level}))
	l.stderrOut = stderr
	var first []logTarget
	if file != nil {
		first = file.logs
	}
	first = fl.over(first)
	if file == nil && len(first) == 0 {
		return l, nil
	}
	l.writers = map[string]*ftplog.Writer{}
	var err error
	if l.access, err = l.loggerFor(first); err == nil && file != nil {
		for _, v := range file.vhosts {
			var vl *ftplog.Logger
			if vl, err = l.loggerFor(v.f.logs); err != nil {
				break
			}
			l.vhosts = append(l.vhosts, vl)
		}
	}
	if err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// loggerFor opens the files of one server's CustomLogs, sharing a writer
// among servers that log to the same file; nil when there are none.
func (l *Logs) loggerFor(logs []logTarget) (*ftplog.Logger, error) {
	if len(logs) == 0 {
		return nil, nil
	}
	var targets []ftplog.Target
	for _, t := range logs {
		if t.path == StderrLog {
			// A flag's "-": standard error, through the error log's
			// Writer when that is standard error too, so that lines stay
			// whole and in order.
			if l.stderr == nil {
				l.stderr = ftplog.New(l.stderrOut, ftplog.Options{})
			}
			targets = append(targets, ftplog.Target{Format: t.format, W: l.stderr, Kind: t.kind})
			continue
		}
		w, ok := l.writers[t.path]
		if !ok {
			var err error
			w, err = ftplog.Open(t.path, ftplog.Options{OnError: func(err error) {
				l.log.Error("CustomLog", "file", t.path, "err", err)
			}})
			if err != nil {
				if t.at == (config.Pos{}) {
					return nil, fmt.Errorf("%s: %w", flagName(t.kind), err)
				}
				return nil, directiveError(t.at, "CustomLog", err)
			}
			l.writers[t.path] = w
		}
		targets = append(targets, ftplog.Target{Format: t.format, W: w, Kind: t.kind})
	}
	return ftplog.NewLogger(targets...)
}

// Announce logs a line that must reach standard error whatever the error
// log's file and level: "listening" and "stopped". It waits until the line
// is written, so that whoever reads standard error (an operator, a test,
// a supervisor) sees it at once: call it from the main goroutine, never
// from the loop.
func (l *Logs) Announce(msg string, args ...any) {
	l.log.Info(msg, args...)
	if l.console != nil && (l.errorPath != "" || !l.log.Enabled(context.Background(), slog.LevelInfo)) {
		l.console.Info(msg, args...)
	}
	_ = l.errorLog.Flush() // its errors went to OnError, or nowhere
}

// Warn logs a start-up warning ("Anonymous: not used", "nobody can log
// in") to the error log and, when that is a file or its level hides
// warnings, to standard error as well: whoever starts the server sees it
// there. Like Announce it waits for the line: call it from the main
// goroutine, never from the loop.
func (l *Logs) Warn(msg string, args ...any) {
	l.log.Warn(msg, args...)
	if l.console != nil && (l.errorPath != "" || !l.log.Enabled(context.Background(), slog.LevelWarn)) {
		l.console.Warn(msg, args...)
	}
	_ = l.errorLog.Flush() // its errors went to OnError, or nowhere
}

// flagName is the flag that names a log of kind k, for its errors.
func flagName(k ftplog.Kind) string {
	if k == ftplog.Transfers {
		return "-transfer-log"
	}
	return "-command-log"
}

// Logger returns the error log.
func (l *Logs) Logger() *slog.Logger { return l.log }

// Reopening reports whether SIGHUP has log files to reopen.
func (l *Logs) Reopening() bool { return l.errorPath != "" || len(l.writers) > 0 }

// Reopen reopens every log file by its path (SIGHUP, for rotation).
func (l *Logs) Reopen() error {
	var errs []error
	if l.errorPath != "" {
		if err := l.errorLog.Reopen(); err != nil {
			errs = append(errs, fmt.Errorf("ErrorLog: %w", err))
		}
	}
	for _, w := range l.writers {
		errs = append(errs, w.Reopen())
	}
	return errors.Join(errs...)
}

// Close flushes and closes the command and transfer logs, then the error
// log (which their write errors go to; standard error is flushed, not
// closed). Call it once the server has
// stopped, so that no line is lost.
func (l *Logs) Close() error {
	var err error
	for _, w := range l.writers {
		err = errors.Join(err, w.Close())
	}
	if l.stderr != nil && l.stderr != l.errorLog {
		err = errors.Join(err, l.stderr.Close())
	}
	return errors.Join(err, l.errorLog.Close())
}

// lineWriter is an ftplog.Writer as the io.Writer slog writes to: slog's text
// handler writes one whole line per call, and the Writer never fails
// (what it cannot keep it counts as dropped).
type lineWriter struct{ w *ftplog.Writer }

func (l lineWriter) Write(p []byte) (int, error) {
	l.w.Write(p)
	return len(p), nil
}
