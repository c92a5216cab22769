package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"

	"github.com/ftpsd/ftpsd/loop/ftplog"
)

// serverLogs are the process's logs: the error log (slog; standard error,
// or ErrorLog's file) and the command and transfer logs (CustomLog, through
// ftplog). Reopen and Close wait for the disk: call them from the signal
// handling goroutine or at shutdown, never from the loop.
type serverLogs struct {
	log *slog.Logger
	// console also writes to standard error when the error log does not
	// (ErrorLog, or a LogLevel above info): the listening and stopped lines,
	// which operators and the tests read there. Nil without -config.
	console *slog.Logger
	// errorLog is ErrorLog's file; nil when the error log is standard error.
	errorLog *reopenFile
	// access holds the CustomLog targets; nil when there are none.
	access *ftplog.Logger
}

// openLogs opens the error log and the CustomLog files of file (nil without
// -config), creating the files that do not exist.
func openLogs(o *options, file *fileSettings, stderr io.Writer) (*serverLogs, error) {
	l := &serverLogs{}
	out := stderr
	if file != nil {
		l.console = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
		if file.errorLog != "" {
			f, err := openReopenFile(file.errorLog)
			if err != nil {
				return nil, &fileError{At: file.srv.ErrorLog.At, Msg: "ErrorLog: " + err.Error(), Err: err}
			}
			l.errorLog, out = f, f
		}
	}
	l.log = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: o.logLevel}))
	if file == nil || len(file.logs) == 0 {
		return l, nil
	}
	writers := map[string]*ftplog.Writer{}
	var targets []ftplog.Target
	for _, t := range file.logs {
		w, ok := writers[t.path]
		if !ok {
			var err error
			w, err = ftplog.Open(t.path, ftplog.Options{OnError: func(err error) {
				l.log.Error("CustomLog", "file", t.path, "err", err)
			}})
			if err != nil {
				l.closeWriters(writers)
				l.Close()
				return nil, &fileError{At: t.at, Msg: "CustomLog: " + err.Error(), Err: err}
			}
			writers[t.path] = w
		}
		targets = append(targets, ftplog.Target{Format: t.format, W: w, Kind: t.kind})
	}
	access, err := ftplog.NewLogger(targets...)
	if err != nil {
		l.closeWriters(writers)
		l.Close()
		return nil, err
	}
	l.access = access
	return l, nil
}

func (l *serverLogs) closeWriters(ws map[string]*ftplog.Writer) {
	for _, w := range ws {
		_ = w.Close()
	}
}

// announce logs a line that must reach standard error whatever the error
// log's file and level: "listening" and "stopped".
func (l *serverLogs) announce(msg string, args ...any) {
	l.log.Info(msg, args...)
	if l.console != nil && (l.errorLog != nil || !l.log.Enabled(context.Background(), slog.LevelInfo)) {
		l.console.Info(msg, args...)
	}
}

// reopening reports whether SIGHUP has log files to reopen.
func (l *serverLogs) reopening() bool { return l.errorLog != nil || l.access != nil }

// Reopen reopens every log file by its path (SIGHUP, for rotation).
func (l *serverLogs) Reopen() error {
	var errs []error
	if l.errorLog != nil {
		errs = append(errs, l.errorLog.Reopen())
	}
	errs = append(errs, l.access.Reopen())
	return errors.Join(errs...)
}

// Close flushes and closes the command and transfer logs, then the error
// log. Call it once the server has stopped, so that no line is lost.
func (l *serverLogs) Close() error {
	err := l.access.Close()
	if l.errorLog != nil {
		err = errors.Join(err, l.errorLog.Close())
	}
	return err
}

// reopenFile is a log file opened for appending that Reopen replaces with
// a fresh open of its path. Write is safe for concurrent use with Reopen.
type reopenFile struct {
	path string
	mu   sync.Mutex
	f    *os.File
}

func openAppend(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
}

func openReopenFile(path string) (*reopenFile, error) {
	f, err := openAppend(path)
	if err != nil {
		return nil, err
	}
	return &reopenFile{path: path, f: f}, nil
}

func (r *reopenFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Write(p)
}

// Reopen opens the path again; on failure the old file stays in use.
func (r *reopenFile) Reopen() error {
	f, err := openAppend(r.path)
	if err != nil {
		return fmt.Errorf("ErrorLog: %w", err)
	}
	r.mu.Lock()
	old := r.f
	r.f = f
	r.mu.Unlock()
	return old.Close()
}

func (r *reopenFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}
