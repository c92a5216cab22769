package loop

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// TestBeforeServe: the hook sees every bound listener before a connection
// is served, and its error stops the server before any is.
func TestBeforeServe(t *testing.T) {
	refuse := errors.New("no")
	for _, tc := range []struct {
		name string
		err  error
	}{{"served", nil}, {"refused", refuse}} {
		t.Run(tc.name, func(t *testing.T) {
			var seen []BoundListener
			cfg := Config{Host: Host{Root: t.TempDir(), Auth: testUsers{}}, EventLoops: 1,
				Listeners: []Listener{{Addr: "127.0.0.1:0"}},
				BeforeServe: func(b []BoundListener) error {
					seen = append(seen, b...)
					return tc.err
				}}
			srv, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- srv.Serve() }()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			bound, err := srv.Addrs(ctx)
			if !errors.Is(err, tc.err) {
				t.Fatalf("Addrs: %v, want %v", err, tc.err)
			}
			if len(seen) != 1 || seen[0].Addr.Port() == 0 {
				t.Fatalf("hook saw %v, want the one bound listener", seen)
			}
			if tc.err != nil {
				select {
				case <-done:
				case <-time.After(10 * time.Second):
					t.Fatal("Serve did not return after the hook's error")
				}
				return
			}
			if bound[0] != seen[0] {
				t.Errorf("Addrs %v, hook saw %v", bound, seen)
			}
			c, err := net.DialTimeout("tcp", bound[0].Addr.String(), 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			c.Close()
			_ = srv.Shutdown(ctx)
			<-done
		})
	}
}
