package config

import (
	"cmp"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// Pos is where a directive starts: its file and its first line, counted from 1. A directive
// continued over several lines with a trailing backslash is at the line where it begins.
type Pos struct {
	File string
	Line int
}

// String returns "file:line", or just the file name when Line is 0 (an error about a whole file).
func (p Pos) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// The kinds of configuration error. Every *Error wraps exactly one of them, so callers can tell
// kinds apart with errors.Is instead of reading messages.
var (
	// ErrSyntax: quoting, sections that do not match, a line that is not a directive.
	ErrSyntax = errors.New("config: syntax error")
	// ErrUnknown: a directive or section ftpsd does not know.
	ErrUnknown = errors.New("config: unknown directive")
	// ErrContext: a known directive in a place where it is not allowed.
	ErrContext = errors.New("config: directive not allowed here")
	// ErrValue: a wrong number of arguments, or an argument that is not a valid value.
	ErrValue = errors.New("config: invalid value")
	// ErrInclude: an Include that cannot be read, matches nothing, or forms a cycle.
	ErrInclude = errors.New("config: include failed")
	// ErrLimit: a bound was exceeded (line length, nesting, file count, total size).
	ErrLimit = errors.New("config: limit exceeded")
	// ErrTooMany: the last entry of an ErrorList that was cut at Loader.MaxErrors.
	ErrTooMany = errors.New("config: too many errors")
)

// Error is one configuration error, at the first line of the directive at fault.
type Error struct {
	Pos
	// Msg is the message without the position, e.g. `unknown directive Frobnicate`.
	Msg string
	// Kind is one of the Err* sentinels above.
	Kind error
	// Err is the underlying cause when there is one (e.g. an *fs.PathError from an Include).
	Err error
}

// Error returns "file:line: message".
func (e *Error) Error() string { return e.Pos.String() + ": " + e.Msg }

// Unwrap returns Kind and, when set, Err.
func (e *Error) Unwrap() []error {
	if e.Err != nil {
		return []error{e.Kind, e.Err}
	}
	return []error{e.Kind}
}

// ErrorList is every error Load found, sorted by file and line, at most Loader.MaxErrors of them
// (the last one is then an ErrTooMany entry).
type ErrorList []*Error

// Error returns one "file:line: message" per line.
func (e ErrorList) Error() string {
	var b strings.Builder
	for i, err := range e {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(err.Error())
	}
	return b.String()
}

// Sort orders the list by file and line; errors at one position keep their order.
func (e ErrorList) Sort() {
	slices.SortStableFunc(e, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

// Unwrap lets errors.Is and errors.As see every entry.
func (e ErrorList) Unwrap() []error {
	out := make([]error, len(e))
	for i, err := range e {
		out[i] = err
	}
	return out
}

// Note is something the operator should hear about once but that does not stop the server:
// an accepted but meaningless directive (LoadModule, AcceptFilter, FTPLowPortSock, …), a clamped
// SSLProtocol, a skipped cipher name. Load returns each message once, at its first position.
type Note struct {
	Pos
	Msg string
}

// String returns "file:line: message".
func (n Note) String() string { return n.Pos.String() + ": " + n.Msg }

// diag collects errors and notes while a configuration loads.
type diag struct {
	errs  []*Error
	notes []Note
	seen  map[string]bool // note messages already recorded
}

func (d *diag) errorf(pos Pos, kind error, cause error, format string, args ...any) {
	d.errs = append(d.errs, &Error{Pos: pos, Msg: sprintf(format, args...), Kind: kind, Err: cause})
}

// add records err at pos: an *Error keeps its own position and kind, anything else becomes an
// ErrValue at pos.
func (d *diag) add(pos Pos, err error) {
	var e *Error
	if errors.As(err, &e) {
		if e.File == "" {
			e.Pos = pos
		}
		d.errs = append(d.errs, e)
		return
	}
	d.errs = append(d.errs, &Error{Pos: pos, Msg: err.Error(), Kind: ErrValue})
}

func (d *diag) note(pos Pos, format string, args ...any) {
	msg := sprintf(format, args...)
	if d.seen[msg] {
		return
	}
	if d.seen == nil {
		d.seen = make(map[string]bool)
	}
	d.seen[msg] = true
	d.notes = append(d.notes, Note{Pos: pos, Msg: msg})
}

// list sorts the errors by position and cuts them at max (max <= 0: no cut).
func (d *diag) list(max int) ErrorList {
	if len(d.errs) == 0 {
		return nil
	}
	errs := ErrorList(slices.Clone(d.errs))
	errs.Sort()
	errs = slices.CompactFunc(errs, func(a, b *Error) bool { return a.Pos == b.Pos && a.Msg == b.Msg })
	if max > 0 && len(errs) > max {
		more := len(errs) - (max - 1)
		cut := errs[max-1]
		errs = append(errs[:max-1:max-1], &Error{Pos: cut.Pos, Kind: ErrTooMany,
			Msg: "too many errors (" + strconv.Itoa(more) + " more not shown)"})
	}
	return errs
}
