package xfer

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"

	"github.com/ftpsd/ftpsd/codec"
	"github.com/ftpsd/ftpsd/internal/fsys"
)

// TestKinds: every kind has a name and a reply code, and the zero Kind is
// the safe one (451).
func TestKinds(t *testing.T) {
	var zero Outcome
	if zero.Kind != LocalError || zero.Kind.Code() != codec.CodeLocalError {
		t.Errorf("zero outcome is %v (%d), want LocalError (451)", zero.Kind, zero.Kind.Code())
	}
	seen := map[string]bool{}
	for k := Kind(0); k < kindCount; k++ {
		name := k.String()
		if name == "" || strings.HasPrefix(name, "Kind(") || seen[name] {
			t.Errorf("kind %d has name %q", k, name)
		}
		seen[name] = true
		if c := k.Code(); c < 200 || c > 599 {
			t.Errorf("%v answers %d", k, c)
		}
	}
	if s := kindCount.String(); s != fmt.Sprintf("Kind(%d)", kindCount) {
		t.Errorf("unknown kind prints %q", s)
	}
	if c := kindCount.Code(); c != codec.CodeLocalError {
		t.Errorf("unknown kind answers %d, want 451", c)
	}
}

func TestFail(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want Kind
	}{
		{nil, LocalError},
		{errors.New("something"), LocalError},
		{fmt.Errorf("xfer: %w", ErrDenied), Denied},
		{fsys.ErrEscape, Denied},
		{fsys.ErrReadOnly, Denied},
		{fs.ErrPermission, Denied},
		{fsys.ErrBadOffset, BadOffset},
		{fsys.ErrNotRegular, NotRegular},
		{fsys.ErrIsDir, IsDir},
		{fsys.ErrNotDir, NotDir},
		{&fs.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}, NotExist},
		{fsys.ErrExist, Exists},
		// ENOTEMPTY matches fs.ErrExist too, which is tested first: RMD
		// sees fsys.ErrExist and picks NotEmpty itself.
		{syscall.ENOTEMPTY, Exists},
		{fmt.Errorf("write: %w", syscall.ENOSPC), NoSpace},
		{syscall.EDQUOT, NoSpace},
		{syscall.EFBIG, TooBig},
		{syscall.ENAMETOOLONG, BadName},
		{syscall.EINVAL, BadName},
		{fmt.Errorf("%w: reset", ErrDataConn), Aborted},
		{ErrBusy, Busy},
	} {
		o := Fail(tt.err)
		if o.Kind != tt.want || o.Err != tt.err {
			t.Errorf("Fail(%v) = %v, want %v", tt.err, o.Kind, tt.want)
		}
	}
}

// TestDataResultOutcome: how a data connection went picks the transfer's
// outcome, cancellation first.
func TestDataResultOutcome(t *testing.T) {
	for _, tt := range []struct {
		r    dataResult
		want Kind
	}{
		{dataResult{aborted: true, opened: true, err: ErrDataConn}, Aborted},
		{dataResult{err: errors.New("accept timeout")}, NoData},
		{dataResult{opened: true, err: ErrNoReuse}, NoReuse},
		{dataResult{opened: true, err: fmt.Errorf("%w: bad record", ErrTLSData)}, DataTLS},
		{dataResult{opened: true, err: syscall.ENOSPC}, NoSpace},
		{dataResult{opened: true, err: fmt.Errorf("%w: reset", ErrDataConn)}, Aborted},
		{dataResult{opened: true}, Complete},
	} {
		if got := tt.r.outcome().Kind; got != tt.want {
			t.Errorf("%+v: %v, want %v", tt.r, got, tt.want)
		}
	}
}
