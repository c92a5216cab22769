package daemon

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// ExplainBind names the address a failed start could not bind: the event
// loop's error says "bind: address already in use" and not for which of
// the listeners. It tries each address in turn (binding and closing at
// once) and wraps err with the first one that fails; err unchanged when
// none does or err is not about binding.
func ExplainBind(err error, addrs []string) error {
	if err == nil || !(errors.Is(err, syscall.EADDRINUSE) || errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EACCES)) {
		return err
	}
	for _, a := range addrs {
		l, lerr := net.Listen("tcp", a)
		if lerr != nil {
			return fmt.Errorf("listening on %s: %w", a, err)
		}
		l.Close()
	}
	return err
}
