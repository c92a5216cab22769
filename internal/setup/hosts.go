package setup

import (
	"log/slog"
	"net/netip"
	"strings"

	"github.com/ftpsd/ftpsd/internal/config"
	"github.com/ftpsd/ftpsd/loop"
	"github.com/ftpsd/ftpsd/tlsstate"
)

// certReload is a certificate file and the store serving it, for SIGHUP.
type certReload struct {
	files CertSet             // nil: a generated certificate or no TLS, nothing to reload
	store *tlsstate.CertStore // never nil when files is not: loadCerts fills it from them
}

// reload reads the files again into the store; it reports whether there
// was a file to read. Runs on the signal-handling goroutine (SIGHUP), never
// on the loop: it reads the disk.
func (r certReload) reload(log *slog.Logger) bool {
	if r.files == nil {
		return false
	}
	loaded, err := r.files.load()
	if err != nil {
		// All or nothing: the certificates served stay the old ones.
		log.Error("SIGHUP: certificate not reloaded", "cert", strings.Join(r.files.names(), ","), "err", err)
		return true
	}
	r.store.SetAll(loaded)
	for i, cert := range loaded {
		log.Info("SIGHUP: certificate reloaded", append([]any{"cert", r.files[i].Cert, "key", keyKind(cert)}, certFacts(cert)...)...)
	}
	return true
}

// addHosts builds the virtual hosts of the file into cfg, each from its
// own settings as the first server is built, and routes connections to
// them. It returns their certificates for SIGHUP.
func (f *fileSettings) addHosts(cfg *loop.Config, logs *Logs, log *slog.Logger) ([]certReload, error) {
	hostOf := map[*config.Server]*loop.Host{f.srv: nil}
	var reloads []certReload
	for i, v := range f.vhosts {
		certs, vcfg, err := v.s.build(v.f, log)
		if err != nil {
			return nil, err
		}
		vcfg.Log = logs.vhosts[i]
		h := vcfg.DefaultHost()
		cfg.VirtualHosts = append(cfg.VirtualHosts, h)
		hostOf[v.f.srv] = h
		reloads = append(reloads, certReload{v.s.cert, certs})
	}
	route := f.route
	cfg.Route = func(listener int, local netip.AddrPort) []*loop.Host {
		var out []*loop.Host
		for _, s := range route(listener, local) {
			if h, ok := hostOf[s]; ok {
				out = append(out, h)
			}
		}
		return out
	}
	return reloads, nil
}
