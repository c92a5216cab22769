package daemon

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestCheckRoot(t *testing.T) {
	loop := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:21"), netip.MustParseAddrPort("[::1]:21")}
	public := append(loop, netip.MustParseAddrPort("0.0.0.0:21"))
	for _, tc := range []struct {
		name    string
		euid    int
		addrs   []netip.AddrPort
		allowed bool
		refused bool
	}{
		{"root on loopback", 0, loop, false, false},
		{"root on a public address", 0, public, false, true},
		{"root allowed", 0, public, true, false},
		{"user on a public address", 1000, public, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckRoot(tc.euid, tc.addrs, tc.allowed)
			if got := errors.Is(err, ErrRoot); got != tc.refused {
				t.Fatalf("CheckRoot: %v, refused %v, want %v", err, got, tc.refused)
			}
			if tc.refused && !strings.Contains(err.Error(), "0.0.0.0:21") {
				t.Errorf("refusal does not name the address: %v", err)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	id, err := Lookup("#65534", "#65533")
	if err != nil || id.UID != 65534 || id.GID != 65533 {
		t.Fatalf("Lookup(#65534, #65533) = %+v, %v", id, err)
	}
	if _, err := Lookup("root", ""); err == nil || !strings.Contains(err.Error(), "is root") {
		t.Errorf("Lookup(root): %v, want a refusal", err)
	}
	if _, err := Lookup("no-such-user-ftpsd", ""); err == nil {
		t.Error("Lookup of an unknown user succeeded")
	}
	if _, err := Lookup("", "nogroup"); err == nil {
		t.Error("a group without a user was accepted")
	}
	if _, err := Lookup("#4242424", ""); err == nil {
		t.Error("a bare uid without Group was accepted though it has no primary group")
	}
	if id, err := Lookup("nobody", ""); err != nil || id.UID == 0 {
		t.Errorf("Lookup(nobody) = %+v, %v", id, err)
	}
}

func TestPidFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ftpsd.pid")
	if err := WritePidFile(p); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil || string(b) != strconv.Itoa(os.Getpid())+"\n" {
		t.Fatalf("pid file holds %q, %v", b, err)
	}
	RemovePidFile(p)
	if _, err := os.Stat(p); !os.IsNotExist(err) {
		t.Errorf("pid file not removed: %v", err)
	}
	// Another process's pid file is left alone.
	if err := os.WriteFile(p, []byte("1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	RemovePidFile(p)
	if _, err := os.Stat(p); err != nil {
		t.Errorf("another process's pid file removed: %v", err)
	}
	if err := WritePidFile(filepath.Join(t.TempDir(), "no", "such", "dir", "x.pid")); err == nil || !strings.Contains(err.Error(), "PidFile") {
		t.Errorf("unwritable pid file: %v", err)
	}
}

func TestDefaultStateDir(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "/var/lib/ftpsd:/var/lib/other")
	if d := DefaultStateDir(); d != "/var/lib/ftpsd" {
		t.Errorf("with STATE_DIRECTORY: %q", d)
	}
	t.Setenv("STATE_DIRECTORY", "")
	t.Setenv("XDG_STATE_HOME", "/tmp/xdg")
	want := "/tmp/xdg/ftpsd"
	if os.Geteuid() == 0 {
		want = "/var/lib/ftpsd"
	}
	if d := DefaultStateDir(); d != want {
		t.Errorf("DefaultStateDir = %q, want %q", d, want)
	}
}

func TestExplainBind(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().String()
	cause := &net.OpError{Op: "listen", Err: os.NewSyscallError("bind", syscall.EADDRINUSE)}
	err = ExplainBind(cause, []string{"127.0.0.1:0", busy})
	if err == nil || !strings.Contains(err.Error(), "listening on "+busy) || !errors.Is(err, syscall.EADDRINUSE) {
		t.Fatalf("ExplainBind = %v, want the busy address %s named", err, busy)
	}
	other := errors.New("something else")
	if got := ExplainBind(other, []string{busy}); got != other {
		t.Errorf("a non-bind error was changed: %v", got)
	}
}
