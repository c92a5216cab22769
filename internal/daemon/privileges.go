package daemon

import (
	"errors"
	"fmt"
	"net/netip"
	"os/user"
	"strconv"
	"strings"
	"syscall"
)

// Identity is the user and group the server runs as after Drop.
type Identity struct {
	User, Group string // as configured: a name or "#" and a number
	UID, GID    int
	Groups      []int // supplementary groups: the user's own
}

// ErrRoot is returned by CheckRoot: the server would serve a public
// address as root.
var ErrRoot = errors.New("daemon: refusing to serve as root")

// Lookup resolves the User and Group settings (names or "#n") into ids.
// An empty group means the user's primary group. It reads /etc/passwd and
// /etc/group (or NSS): start-up only.
func Lookup(userName, groupName string) (Identity, error) {
	id := Identity{User: userName, Group: groupName}
	if userName == "" {
		return id, errors.New("daemon: a group without a user: give User (-user) too")
	}
	var u *user.User
	var err error
	if n, ok := strings.CutPrefix(userName, "#"); ok {
		if id.UID, err = strconv.Atoi(n); err != nil {
			return id, fmt.Errorf("daemon: user %s: not a number", userName)
		}
		u, err = user.LookupId(n)
		if err != nil {
			u = nil // a bare number need not exist in /etc/passwd
		}
	} else {
		if u, err = user.Lookup(userName); err != nil {
			return id, fmt.Errorf("daemon: user %s: %w", userName, err)
		}
		id.UID, _ = strconv.Atoi(u.Uid)
	}
	switch {
	case groupName == "" && u == nil:
		return id, fmt.Errorf("daemon: user %s has no entry to take a group from: give Group (-group)", userName)
	case groupName == "":
		id.GID, _ = strconv.Atoi(u.Gid)
	default:
		if n, ok := strings.CutPrefix(groupName, "#"); ok {
			if id.GID, err = strconv.Atoi(n); err != nil {
				return id, fmt.Errorf("daemon: group %s: not a number", groupName)
			}
		} else {
			g, err := user.LookupGroup(groupName)
			if err != nil {
				return id, fmt.Errorf("daemon: group %s: %w", groupName, err)
			}
			id.GID, _ = strconv.Atoi(g.Gid)
		}
	}
	if u != nil {
		if gids, err := u.GroupIds(); err == nil {
			for _, g := range gids {
				if n, err := strconv.Atoi(g); err == nil && n != id.GID {
					id.Groups = append(id.Groups, n)
				}
			}
		}
	}
	if id.UID == 0 {
		return id, fmt.Errorf("daemon: user %s is root: name an unprivileged user", userName)
	}
	return id, nil
}

// Drop sets the process's groups, group id and user id to id's, real,
// effective and saved, on every thread (Go's syscall.Setuid and Setgid do
// so on Linux), and checks that root cannot be regained. Call it once the
// listeners are bound, the logs open and the keys read.
func Drop(id Identity) error {
	if err := syscall.Setgroups(append([]int{id.GID}, id.Groups...)); err != nil {
		return fmt.Errorf("daemon: setgroups: %w", err)
	}
	if err := syscall.Setresgid(id.GID, id.GID, id.GID); err != nil {
		return fmt.Errorf("daemon: setresgid %d: %w", id.GID, err)
	}
	if err := syscall.Setresuid(id.UID, id.UID, id.UID); err != nil {
		return fmt.Errorf("daemon: setresuid %d: %w", id.UID, err)
	}
	if syscall.Getuid() != id.UID || syscall.Geteuid() != id.UID || syscall.Getgid() != id.GID {
		return fmt.Errorf("daemon: still uid %d/%d gid %d after dropping to %d:%d",
			syscall.Getuid(), syscall.Geteuid(), syscall.Getgid(), id.UID, id.GID)
	}
	if err := syscall.Setuid(0); err == nil {
		return errors.New("daemon: root could be regained after the drop")
	}
	return nil
}

// CheckRoot refuses (ErrRoot, naming the address) to serve as root on an
// address that is not loopback, unless allowed: a server facing a network
// should run as a user of its own (User, -user).
func CheckRoot(euid int, addrs []netip.AddrPort, allowed bool) error {
	if euid != 0 || allowed {
		return nil
	}
	for _, a := range addrs {
		if !a.Addr().IsLoopback() {
			return fmt.Errorf("%w on %s: give User and Group (-user, -group) to drop to, or -allow-root", ErrRoot, a)
		}
	}
	return nil
}
