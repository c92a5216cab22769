package ftplog

import (
	"errors"
	"strconv"

	"github.com/valyala/bytebufferpool"
)

// Kind says which records a Target logs.
type Kind uint8

const (
	// Commands logs every command with its final reply: Apache's CustomLog
	// without an env= condition. A RETR is logged here too, as a command.
	Commands Kind = iota
	// Transfers logs each transfer (and deletion) once it ends: CustomLog
	// with env=do_transfer_log, the variable mod_ftp sets for transfers.
	Transfers
)

func (k Kind) String() string {
	switch k {
	case Commands:
		return "commands"
	case Transfers:
		return "transfers"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Target is one CustomLog: a compiled format, where its lines go, and
// which records it takes. Several Targets may share a Writer.
type Target struct {
	Format *Format
	W      *Writer
	Kind   Kind
}

// Logger sends each record to the Targets of its Kind. Its methods are
// safe for concurrent use, and a nil *Logger logs nothing, so a server
// without CustomLog can call it unconditionally.
type Logger struct {
	commands  []Target
	transfers []Target
	writers   []*Writer // distinct, in first-use order
}

// NewLogger checks and groups the targets.
func NewLogger(targets ...Target) (*Logger, error) {
	l := &Logger{}
	for i, t := range targets {
		if t.Format == nil || t.W == nil {
			return nil, errors.New("ftplog: target " + strconv.Itoa(i) + " needs a Format and a Writer")
		}
		switch t.Kind {
		case Commands:
			l.commands = append(l.commands, t)
		case Transfers:
			l.transfers = append(l.transfers, t)
		default:
			return nil, errors.New("ftplog: target " + strconv.Itoa(i) + " has unknown " + t.Kind.String())
		}
		seen := false
		for _, w := range l.writers {
			seen = seen || w == t.W
		}
		if !seen {
			l.writers = append(l.writers, t.W)
		}
	}
	return l, nil
}

// Wants reports whether any Target takes records of kind k, so the caller
// can skip filling a record nobody logs.
func (l *Logger) Wants(k Kind) bool {
	if l == nil {
		return false
	}
	if k == Transfers {
		return len(l.transfers) > 0
	}
	return len(l.commands) > 0
}

// Command formats c for every Commands target and hands the lines to their
// Writers. It does not block and, in steady state, does not allocate.
func (l *Logger) Command(c *Command) {
	if l == nil || len(l.commands) == 0 {
		return
	}
	b := bytebufferpool.Get()
	for i := range l.commands {
		t := &l.commands[i]
		b.B = t.Format.AppendCommand(b.B[:0], c)
		t.W.Write(b.B)
	}
	bytebufferpool.Put(b)
}

// Transfer formats x for every Transfers target and hands the lines to
// their Writers. It does not block and, in steady state, does not allocate.
func (l *Logger) Transfer(x *Transfer) {
	if l == nil || len(l.transfers) == 0 {
		return
	}
	b := bytebufferpool.Get()
	for i := range l.transfers {
		t := &l.transfers[i]
		b.B = t.Format.AppendTransfer(b.B[:0], x)
		t.W.Write(b.B)
	}
	bytebufferpool.Put(b)
}

// Reopen reopens every Writer (SIGHUP) and returns their errors joined.
// It waits for the disk: never call it from the loop.
func (l *Logger) Reopen() error {
	if l == nil {
		return nil
	}
	var errs []error
	for _, w := range l.writers {
		errs = append(errs, w.Reopen())
	}
	return errors.Join(errs...)
}

// Close flushes and closes every Writer and returns their errors joined.
func (l *Logger) Close() error {
	if l == nil {
		return nil
	}
	var errs []error
	for _, w := range l.writers {
		errs = append(errs, w.Close())
	}
	return errors.Join(errs...)
}
