package e2e

// Fault injection (issue 19, item 3) as clients see it: an injected 421
// that lftp survives by reconnecting, injected replies curl reports, data
// connections reset after N bytes, added latency, the same faults again
// under the same seed, and each fault in the server's log.

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitLog waits (bounded) until the server's log holds n lines with substr;
// the error log is flushed once a second.
func waitLog(t *testing.T, s *server, substr string, n int) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		log := s.log.String()
		if strings.Count(log, substr) >= n || time.Now().After(deadline) {
			return log
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestFaultLftpRetries421: every other RETR (by the seed's draw) gets an
// injected 421, which closes the session; lftp reconnects and retries until
// the file comes, intact.
func TestFaultLftpRetries421(t *testing.T) {
	t.Parallel()
	e2e(t)
	ref := synthRef(t)
	s := startServer(t, serverConfig{args: append([]string{"-fault-reply", "RETR=421:0.5", "-fault-seed", "3"}, synthArgs...)})
	dir := t.TempDir()
	out := mustLftp(t, s, dir, nil, "set net:max-retries 20; set net:reconnect-interval-base 0; set net:reconnect-interval-multiplier 1; ",
		"get /synthetic/2M.bin -o a.bin; get /synthetic/3M.bin -o b.bin; get /synthetic/4M.bin -o c.bin; get /synthetic/5M.bin -o d.bin")
	for _, f := range []struct {
		local, name string
		size        int64
	}{{"a.bin", "2M.bin", 2 << 20}, {"b.bin", "3M.bin", 3 << 20}, {"c.bin", "4M.bin", 4 << 20}, {"d.bin", "5M.bin", 5 << 20}} {
		if got, want := fileSum(t, filepath.Join(dir, f.local)), refSum(t, ref, f.name, f.size, "", 0); got != want {
			t.Errorf("%s after retries: sha256 %s, want %s", f.name, got, want)
		}
	}
	n := strings.Count(out, "<--- 421 Injected fault (ftpsd fault injection).")
	if n == 0 {
		t.Errorf("lftp saw no injected 421 in four RETRs at rate 0.5:\n%s", lastOf(out))
	}
	if log := waitLog(t, s, `msg="fault injected" kind=reply verb=RETR value=421`, n); strings.Count(log, `msg="fault injected" kind=reply verb=RETR value=421`) < n {
		t.Errorf("lftp saw %d injected 421s; the log counts fewer:\n%s", n, log)
	}
}

// TestFaultReplies: injected codes reach curl as the configured replies,
// the same under the same seed, and a command without a rule is untouched.
func TestFaultReplies(t *testing.T) {
	t.Parallel()
	e2e(t)
	args := append([]string{"-fault-reply", "SIZE=450:0.5,MKD=452", "-fault-seed", "11"}, synthArgs...)
	run := func() []int {
		s := startServer(t, serverConfig{args: args})
		c := s.login(t, &alice)
		var codes []int
		for i := 0; i < 12; i++ {
			codes = append(codes, c.cmd("SIZE /synthetic/1K.bin").code)
		}
		if r := c.cmd("MKD /newdir"); r.code != 452 || r.msg != "Injected fault (ftpsd fault injection)." {
			t.Errorf("MKD: %v, want the injected 452", r)
		}
		if _, err := os.Stat(s.path("/newdir")); !os.IsNotExist(err) {
			t.Errorf("an injected MKD reply still made the directory: %v", err)
		}
		c.expect("PWD", 257) // no rule
		return codes
	}
	first, second := run(), run()
	var hits, oks int
	for _, c := range first {
		switch c {
		case 450:
			hits++
		case 213:
			oks++
		}
	}
	if hits == 0 || oks == 0 || hits+oks != len(first) {
		t.Errorf("SIZE at rate 0.5 answered %v: want both 450 and 213, nothing else", first)
	}
	if !equalInts(first, second) {
		t.Errorf("the same seed gave %v, then %v", first, second)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFaultResetAndDelay: curl's download is cut by a reset after 100 KiB
// and the command gets 426; NOOP and SIZE (a worker job) are answered no
// sooner than the latency added to them.
func TestFaultResetAndDelay(t *testing.T) {
	t.Parallel()
	e2e(t)
	s := startServer(t, serverConfig{args: append([]string{"-fault-reset", "100K", "-fault-delay", "NOOP=300ms,SIZE=250ms-350ms"}, synthArgs...)})
	dir := t.TempDir()
	out, err := curl(t, dir, "--ftp-method", "nocwd", "-o", filepath.Join(dir, "out"), s.url(nil, "/synthetic/1M.bin"))
	if err == nil {
		t.Errorf("curl downloaded through a reset after 100K:\n%s", out)
	}
	if fi, err := os.Stat(filepath.Join(dir, "out")); err == nil && fi.Size() > 100<<10 {
		t.Errorf("curl got %d bytes past the reset after %d", fi.Size(), 100<<10)
	}
	if log := waitLog(t, s, `kind=reset verb=RETR value=102400`, 1); !strings.Contains(log, `kind=reset verb=RETR value=102400`) {
		t.Errorf("no reset in the log:\n%s", log)
	}
	c := s.login(t, nil)
	for _, x := range []struct {
		line string
		code int
		min  time.Duration
	}{{"NOOP", 200, 300 * time.Millisecond}, {"SIZE /synthetic/1K.bin", 213, 250 * time.Millisecond}} {
		start := time.Now()
		c.expect(x.line, x.code)
		if d := time.Since(start); d < x.min {
			t.Errorf("%s answered after %v, before its added %v", x.line, d, x.min)
		}
	}
	// A raw RETR sees the 426 after the reset.
	d := c.epsvData()
	if r := c.cmd("RETR /synthetic/1M.bin"); r.code != 150 {
		t.Fatalf("RETR: %v", r)
	}
	buf := make([]byte, 64<<10)
	var got int
	for {
		n, err := d.Read(buf)
		got += n
		if err != nil {
			break
		}
	}
	if r := c.read(); r.code != 426 || got > 100<<10 {
		t.Errorf("RETR through a reset: %v after %d bytes, want 426 after at most %d", r, got, 100<<10)
	}
}

// TestFaultStallAndNoAccept: a stalled download ends with 426 once the
// data-idle timeout passed, after exactly the bytes before the stall; a
// passive connection never accepted ends with 425 after the data timeout.
func TestFaultStallAndNoAccept(t *testing.T) {
	t.Parallel()
	e2e(t)
	s := startServer(t, serverConfig{args: append([]string{"-fault-stall", "100K", "-data-idle-timeout", "1s"}, synthArgs...)})
	c := s.login(t, nil)
	data, r := c.retr("RETR /synthetic/1M.bin")
	if r.code != 426 || len(data) != 100<<10 {
		t.Errorf("stalled RETR: %v after %d bytes, want 426 after %d", r, len(data), 100<<10)
	}
	if log := waitLog(t, s, "kind=stall", 1); !strings.Contains(log, "kind=stall verb=RETR value=102400") {
		t.Errorf("no stall in the log:\n%s", log)
	}

	n := startServer(t, serverConfig{args: append([]string{"-fault-noaccept", "1", "-data-timeout", "1s"}, synthArgs...)})
	c = n.login(t, nil)
	d := c.epsvData() // the kernel completes the connection; nobody accepts it
	start := time.Now()
	if r := c.cmd("RETR /synthetic/1M.bin"); r.code != 425 {
		t.Errorf("RETR over a connection never accepted: %v, want 425", r)
	}
	if el := time.Since(start); el < time.Second {
		t.Errorf("425 after %v, before the 1s data timeout", el)
	}
	if got, _ := io.ReadAll(d); len(got) != 0 {
		t.Errorf("%d bytes came over a connection never accepted", len(got))
	}
}

// TestFaultTLSDelay: curl's PROT P download waits out the delay put
// before the data connection's TLS handshake, then completes.
func TestFaultTLSDelay(t *testing.T) {
	t.Parallel()
	e2e(t)
	ref := synthRef(t)
	s := startServer(t, serverConfig{args: append([]string{"-fault-tls-delay", "1s"}, synthArgs...)})
	dir := t.TempDir()
	start := time.Now()
	mustCurl(t, dir, "--ssl-reqd", "-k", "-o", filepath.Join(dir, "out"), s.url(nil, "/synthetic/64K.bin"))
	if el := time.Since(start); el < time.Second {
		t.Errorf("PROT P download done after %v, before the 1s handshake delay", el)
	}
	if got, want := fileSum(t, filepath.Join(dir, "out")), refSum(t, ref, "64K.bin", 64<<10, "", 0); got != want {
		t.Errorf("sha256 %s, want %s", got, want)
	}
	if log := waitLog(t, s, "kind=tlsdelay", 1); !strings.Contains(log, "kind=tlsdelay verb=RETR value=1000") {
		t.Errorf("no TLS delay in the log:\n%s", log)
	}
}
