package daemon

import (
	"strconv"
	"time"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// The states ftpsd reports to systemd (sd_notify(3)); without
// NOTIFY_SOCKET (not started by systemd with Type=notify) each is a no-op.

// Ready: every listener is up and serving.
func Ready(status string) { notify(daemon.SdNotifyReady + "\nSTATUS=" + status) }

// Reloading: a SIGHUP is being handled; Ready follows when it is done.
// MONOTONIC_USEC is required by Type=notify-reload (systemd 253).
func Reloading() {
	var ts unix.Timespec
	_ = unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	usec := ts.Nano() / int64(time.Microsecond)
	notify(daemon.SdNotifyReloading + "\nMONOTONIC_USEC=" + strconv.FormatInt(usec, 10))
}

// Stopping: the server is shutting down.
func Stopping() { notify(daemon.SdNotifyStopping) }

func notify(state string) { _, _ = daemon.SdNotify(false, state) }
