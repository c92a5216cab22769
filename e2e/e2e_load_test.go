package e2e

// Load: many concurrent sessions, each logging in, uploading and
// downloading, all checked byte for byte.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jlaffaye/ftp"
)

func TestLoadConcurrentSessions(t *testing.T) {
	t.Parallel()
	const (
		sessions = 100
		size     = 256 << 10
	)
	root := t.TempDir()
	shared := content(size, 99)
	writeTree(t, root, map[string]string{"shared.bin": string(shared), "load/": ""})
	s := startServer(t, serverConfig{root: root})

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	errs := make(chan error, sessions)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range sessions {
		wg.Go(func() {
			<-start
			if err := loadSession(ctx, s, i, size, shared); err != nil {
				errs <- fmt.Errorf("session %d: %w", i, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	var failed []error
	for err := range errs {
		failed = append(failed, err)
	}
	if len(failed) > 0 {
		t.Errorf("%d of %d sessions failed; first ones:\n%v", len(failed), sessions, errors.Join(failed[:min(len(failed), 10)]...))
	}
	if ctx.Err() != nil {
		t.Errorf("load did not finish within its deadline: %v", ctx.Err())
	}
	for i := range sessions {
		b, err := os.ReadFile(s.path(fmt.Sprintf("load/u%03d.bin", i)))
		if err != nil || !bytes.Equal(b, content(size, uint64(1000+i))) {
			t.Errorf("load/u%03d.bin on disk: %d bytes, %v; want its %d bytes", i, len(b), err, size)
		}
	}
	// The server is still healthy afterwards.
	c := s.login(t, &alice)
	c.expect("NOOP", 200)
}

// loadSession logs in (alternating bcrypt and SHA accounts, EPSV and PASV),
// stores its own file, reads it back and reads the shared file.
func loadSession(ctx context.Context, s *server, i, size int, shared []byte) error {
	a := &alice
	opts := []ftp.DialOption{ftp.DialWithShutTimeout(dataTimeout)}
	if i%2 == 1 {
		a = &bob
		opts = append(opts, ftp.DialWithDisabledEPSV(true))
	}
	c, err := goDialErr(ctx, s, a, opts...)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	defer c.Quit()

	name := fmt.Sprintf("load/u%03d.bin", i)
	data := content(size, uint64(1000+i))
	if err := c.Stor(name, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("STOR: %w", err)
	}
	got, err := readResp(c.Retr(name))
	if err != nil {
		return fmt.Errorf("RETR own file: %w", err)
	}
	if got != string(data) {
		return fmt.Errorf("RETR own file: %d bytes differ from the %d stored", len(got), len(data))
	}
	got, err = readResp(c.Retr("shared.bin"))
	if err != nil {
		return fmt.Errorf("RETR shared.bin: %w", err)
	}
	if got != string(shared) {
		return fmt.Errorf("RETR shared.bin: %d bytes differ from the %d on disk", len(got), len(shared))
	}
	return nil
}
