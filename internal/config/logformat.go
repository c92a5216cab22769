package config

import (
	"log/slog"
	"strings"
)

// logLetters are the format letters a LogFormat may use: mod_log_config's (with mod_logio's I, O
// and S) plus those mod_ftp adds for xferlog-style transfer logs (d, F, M, W, Y, Z) and mod_ssl's
// %{VAR}x and %{VAR}c. Checking them here lets `ftpsd -t` catch a typo; what each means is the
// log writer's business, and a letter with nothing to say for FTP is written as "-".
const logLetters = "aABbCDdefFhHiIklLmMnoOpPqrRsStTuUvVWXxYZc"

// checkLogFormat validates the %-directives of a mod_log_config format:
// %[condition][<|>][{param}]letter, where condition is [!]status[,status…], plus %% and the
// two-letter %^ti and %^to.
func checkLogFormat(f string) error {
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		start := i
		i++
		for i < len(f) && strings.IndexByte("!0123456789,<>", f[i]) >= 0 {
			i++
		}
		if i < len(f) && f[i] == '{' {
			end := strings.IndexByte(f[i:], '}')
			if end < 0 {
				return errorf("unterminated %%{ in format at offset %d", start)
			}
			i += end + 1
		}
		if i >= len(f) {
			return errorf("format ends in the middle of %s", quoteName(f[start:]))
		}
		c := f[i]
		switch {
		case c == '%' && i == start+1:
		case c == '^':
			if tail := f[i+1:]; !strings.HasPrefix(tail, "ti") && !strings.HasPrefix(tail, "to") {
				return errorf("unknown format directive %s (only %%^ti and %%^to)", quoteName(f[start:min(i+3, len(f))]))
			}
			i += 2
		case strings.IndexByte(logLetters, c) >= 0:
		default:
			return errorf("unknown format directive %s", quoteName(f[start:i+1]))
		}
	}
	return nil
}

// apacheLevels maps Apache's LogLevel names onto slog levels: the severities above error collapse
// into error, notice into info, the trace levels into debug.
var apacheLevels = map[string]slog.Level{
	"emerg": slog.LevelError, "alert": slog.LevelError, "crit": slog.LevelError, "error": slog.LevelError,
	"warn": slog.LevelWarn, "notice": slog.LevelInfo, "info": slog.LevelInfo, "debug": slog.LevelDebug,
	"trace1": slog.LevelDebug, "trace2": slog.LevelDebug, "trace3": slog.LevelDebug, "trace4": slog.LevelDebug,
	"trace5": slog.LevelDebug, "trace6": slog.LevelDebug, "trace7": slog.LevelDebug, "trace8": slog.LevelDebug,
}

// parseLogLevel reads `LogLevel [module:]level ...`. Per-module levels are accepted and ignored
// (one note): ftpsd has one error log level per server.
func parseLogLevel(args []string, note func(string, ...any)) (slog.Level, bool, error) {
	var (
		lvl slog.Level
		set bool
	)
	for _, a := range args {
		name := strings.ToLower(a)
		if mod, l, ok := strings.Cut(name, ":"); ok {
			if _, ok := apacheLevels[l]; !ok || mod == "" {
				return 0, false, errorf("%s is not module:level", quoteName(a))
			}
			note("LogLevel: per-module levels (%s) are ignored; ftpsd has one level per server", a)
			continue
		}
		v, ok := apacheLevels[name]
		if !ok {
			return 0, false, errorf("unknown level %s (emerg, alert, crit, error, warn, notice, info, debug, trace1-8)", quoteName(a))
		}
		lvl, set = v, true
	}
	return lvl, set, nil
}
