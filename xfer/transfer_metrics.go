package xfer

import (
	"crypto/tls"
	"time"

	"github.com/ftpsd/ftpsd/internal/metrics"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// direction is which way the transfer's data goes, for the metrics.
func (t *Transfer) direction() metrics.Direction {
	switch t.Op {
	case Stor, Appe, Stou:
		return metrics.In
	}
	return metrics.Out
}

// protection is the data connection's protection, for the metrics.
func (t *Transfer) protection() metrics.Protection {
	if t.Data.TLS != nil {
		return metrics.TLS
	}
	return metrics.Clear
}

// meterStart counts the transfer's bytes live from the data connection's
// open. Runs on a worker.
func (t *Transfer) meterStart() {
	t.Metrics.TransferStarted(t.direction(), t.protection(), &t.Moved)
}

// metered counts a transfer whose data connection opened (bytes, result,
// the time since opened) and returns r unchanged. Runs on a worker.
func (t *Transfer) metered(r dataResult, opened time.Time) dataResult {
	if t.Metrics == nil {
		return r
	}
	res := metrics.TransferComplete
	switch {
	case r.aborted:
		res = metrics.TransferAborted
	case r.err != nil:
		res = metrics.TransferFailed
	}
	t.Metrics.Transfer(t.direction(), t.protection(), res, &t.Moved, time.Since(opened))
	return r
}

// meterHandshake counts a PROT P data connection's handshake and what its
// session-resumption check finds. Runs on a worker.
func (t *Transfer) meterHandshake(cs tls.ConnectionState) {
	if t.Metrics == nil {
		return
	}
	t.Metrics.HandshakeEnded(metrics.Data, metrics.HandshakeOK, cs.Version)
	switch {
	case tlsstate.Resumed(cs):
		t.Metrics.Resumed(metrics.ResumeAccepted)
	case t.Data.Reuse:
		t.Metrics.Resumed(metrics.ResumeRefused)
	default:
		t.Metrics.Resumed(metrics.ResumeFull)
	}
}
