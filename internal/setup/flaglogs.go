package setup

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ftpsd/ftpsd/internal/ftplog"
)

// The seed's two LogFormat lines (mod_ftp's "FTP over TLS" page, and
// examples/seed-explicit.conf): ftp_command for the command log and
// ftp_transfer, in xferlog(5) field order, for the transfer log. They are
// what -command-log and -transfer-log write unless -command-log-format or
// -transfer-log-format say otherwise.
const (
	SeedCommandFormat  = `%u [%a] %r %>s`
	SeedTransferFormat = `%{%b %e %H:%M:%S %Y}t %T %a %B %U %M %F %d %W %u %S %Z %Y`
)

// StderrLog is the file name that means standard error in -error-log,
// -command-log and -transfer-log.
const StderrLog = "-"

// flagLogs are the logs the command line names: -error-log and the command
// and transfer logs of the first server (-command-log, -transfer-log).
type flagLogs struct {
	errorLog Opt[string] // Set: replaces ErrorLog; Value StderrLog: standard error
	targets  []logTarget // each replaces the first server's CustomLogs of its kind
}

// checkFlagLogs compiles the log flags' formats and checks that the
// directories of their files exist. Runs at start-up, on main's goroutine.
func checkFlagLogs(fl Flags) (flagLogs, []error) {
	out := flagLogs{errorLog: fl.ErrorLog}
	var errs []error
	if e := fl.ErrorLog; e.Set {
		if err := checkLogPath("-error-log", e.Value); err != nil {
			errs = append(errs, err)
		}
	}
	for _, x := range []struct {
		name, formatName string
		path, format     Opt[string]
		seed             string
		kind             ftplog.Kind
	}{
		{"-command-log", "-command-log-format", fl.CommandLog, fl.CommandLogFormat, SeedCommandFormat, ftplog.Commands},
		{"-transfer-log", "-transfer-log-format", fl.TransferLog, fl.TransferLogFormat, SeedTransferFormat, ftplog.Transfers},
	} {
		if x.format.Set && !x.path.Set {
			errs = append(errs, fmt.Errorf("%s: give %s FILE too", x.formatName, x.name))
			continue
		}
		if !x.path.Set {
			continue
		}
		if x.path.Value == "" {
			errs = append(errs, fmt.Errorf("%s: empty file name (%s is standard error)", x.name, StderrLog))
			continue
		}
		format := x.seed
		if x.format.Set {
			format = x.format.Value
		}
		f, err := ftplog.Compile(format)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", x.formatName, format, err))
			continue
		}
		if err := checkLogPath(x.name, x.path.Value); err != nil {
			errs = append(errs, err)
			continue
		}
		out.targets = append(out.targets, logTarget{path: x.path.Value, format: f, kind: x.kind})
	}
	return out, errs
}

// checkLogPath checks that the directory of a log file a flag names exists;
// StderrLog needs none.
func checkLogPath(flag, path string) error {
	if path == StderrLog {
		return nil
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flag, path, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s %s: %s is not a directory", flag, path, dir)
	}
	return nil
}

// over returns the first server's log targets with the flags' over them: a
// flag's target replaces every target of its kind (-command-log the
// CustomLogs without env=, -transfer-log those with env=do_transfer_log).
func (fl flagLogs) over(file []logTarget) []logTarget {
	if len(fl.targets) == 0 {
		return file
	}
	var out []logTarget
	for _, t := range file {
		replaced := false
		for _, f := range fl.targets {
			replaced = replaced || f.kind == t.kind
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return append(out, fl.targets...)
}

// errorPath returns the error log's file, "" for standard error: the
// flag's, else the file's ErrorLog.
func (fl flagLogs) errorPath(file *fileSettings) string {
	switch {
	case fl.errorLog.Set && fl.errorLog.Value == StderrLog:
		return ""
	case fl.errorLog.Set:
		return fl.errorLog.Value
	case file != nil:
		return file.errorLog
	}
	return ""
}
