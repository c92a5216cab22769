package admin

import (
	"io"
	"net/http"
	"net/url"
)

// FaultSwitch is what /faults drives: the fault injection plan of the
// running server. Set builds a plan from the -fault-* flags' names and
// texts (delay, reply, reset, stall, noaccept, tls-delay, seed) and puts
// it in force, returning how it reads back; Clear turns injection off;
// Show describes the plan in force ("off" when none). They run on the
// request's goroutine.
type FaultSwitch struct {
	Set   func(spec url.Values) (string, error)
	Clear func()
	Show  func() string
}

// Faults serves /faults: GET shows the plan in force, PUT (or POST) with
// the flags' names as form or query values puts a new one in force for
// every session from its next command, DELETE turns injection off. A spec
// that does not parse is refused with 400 and the reason, the plan in
// force unchanged.
func Faults(sw FaultSwitch) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		switch r.Method {
		case http.MethodGet:
			_, _ = io.WriteString(w, sw.Show()+"\n")
		case http.MethodPut, http.MethodPost:
			r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
			if err := r.ParseForm(); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			got, err := sw.Set(r.Form)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			_, _ = io.WriteString(w, got+"\n")
		case http.MethodDelete:
			sw.Clear()
			_, _ = io.WriteString(w, "off\n")
		default:
			w.Header().Set("Allow", "GET, PUT, POST, DELETE")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}
