package tlsstate

import (
	"bytes"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/panjf2000/gnet/v2"
)

// heldTransport keeps AsyncWrite callbacks until the test runs them.
type heldTransport struct {
	mu     sync.Mutex
	writes [][]byte
	cbs    []gnet.AsyncCallback
	wakes  int
}

func (h *heldTransport) AsyncWrite(b []byte, cb gnet.AsyncCallback) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.writes = append(h.writes, b)
	h.cbs = append(h.cbs, cb)
	return nil
}

func (h *heldTransport) Wake(gnet.AsyncCallback) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.wakes++
	return nil
}

func (h *heldTransport) runCallbacks() {
	h.mu.Lock()
	cbs := h.cbs
	h.cbs = nil
	h.mu.Unlock()
	for _, cb := range cbs {
		_ = cb(nil, nil)
	}
}

func (h *heldTransport) wakeCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.wakes
}

func newTestPipe(t Transport, max int) *pipe {
	p := &pipe{}
	p.init(t, max)
	return p
}

func record(typ byte, body string) []byte {
	return append([]byte{typ, 3, 3, byte(len(body) >> 8), byte(len(body))}, body...)
}

func TestPipeReadsOneRecordAtATime(t *testing.T) {
	r1, r2 := record(0x17, "abc"), record(0x15, "de")
	cases := []struct {
		name   string
		chunks [][]byte
	}{
		{"one chunk", [][]byte{bytes.Join([][]byte{r1, r2, []byte("PWD\r\n")}, nil)}},
		{"byte at a time", func() (cs [][]byte) {
			for _, b := range bytes.Join([][]byte{r1, r2, []byte("PWD\r\n")}, nil) {
				cs = append(cs, []byte{b})
			}
			return cs
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newTestPipe(&heldTransport{}, DefaultMaxPending)
			var got [][]byte
			var cur []byte
			buf := make([]byte, 512)
			for _, ch := range c.chunks {
				if err := p.feed(ch); err != nil {
					t.Fatal(err)
				}
				for len(got) < 2 {
					n, err := p.Read(buf)
					if err == errWouldBlock {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					cur = append(cur, buf[:n]...)
					if len(got) == 0 && len(cur) == len(r1) || len(got) == 1 && len(cur) == len(r2) {
						got = append(got, cur)
						cur = nil
					}
					if len(cur) > len(r1) {
						t.Fatalf("read ran past the record: %q", cur)
					}
				}
			}
			if len(got) != 2 || !bytes.Equal(got[0], r1) || !bytes.Equal(got[1], r2) {
				t.Fatalf("records %q, want %q and %q", got, r1, r2)
			}
			if rest := p.takeRaw(nil); string(rest) != "PWD\r\n" {
				t.Fatalf("left %q, want the clear command", rest)
			}
		})
	}
}

func TestPipeWaitsForWholeHeader(t *testing.T) {
	p := newTestPipe(&heldTransport{}, DefaultMaxPending)
	buf := make([]byte, 512)
	rec := record(0x17, "xyz")
	for i := 0; i < recordHeaderLen-1; i++ {
		if err := p.feed(rec[i : i+1]); err != nil {
			t.Fatal(err)
		}
		if n, err := p.Read(buf); n != 0 || err != errWouldBlock {
			t.Fatalf("after %d header bytes: %d, %v; want would-block", i+1, n, err)
		}
	}
	if err := p.feed(rec[recordHeaderLen-1:]); err != nil {
		t.Fatal(err)
	}
	if n, err := p.Read(buf); err != nil || !bytes.Equal(buf[:n], rec) {
		t.Fatalf("read %q, %v; want %q", buf[:n], err, rec)
	}
}

func TestPipeRecordSizeLimit(t *testing.T) {
	cases := []struct {
		name string
		len  int
		want error
	}{
		{"largest allowed", MaxRecord - recordHeaderLen, nil},
		{"one byte over", MaxRecord - recordHeaderLen + 1, ErrRecordTooLarge},
		{"64 KiB", 0xffff, ErrRecordTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newTestPipe(&heldTransport{}, DefaultMaxPending)
			if err := p.feed([]byte{0x17, 3, 3, byte(c.len >> 8), byte(c.len), 0}); err != nil {
				t.Fatal(err)
			}
			_, err := p.Read(make([]byte, 512))
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestPipePendingLimit(t *testing.T) {
	p := newTestPipe(&heldTransport{}, MaxRecord)
	if err := p.feed(make([]byte, MaxRecord-1)); err != nil {
		t.Fatal(err)
	}
	if err := p.feed([]byte{0}); err != nil {
		t.Fatalf("feeding up to the limit: %v", err)
	}
	if err := p.feed([]byte{0}); !errors.Is(err, ErrPendingLimit) {
		t.Fatalf("over the limit: %v, want ErrPendingLimit", err)
	}
}

func TestPipeBlockingReadWakes(t *testing.T) {
	cases := []struct {
		name    string
		act     func(p *pipe)
		wantErr error
	}{
		{"feed", func(p *pipe) { _ = p.feed(record(0x16, "hello")) }, nil},
		{"shutdown", func(p *pipe) { p.shutdown() }, net.ErrClosed},
		{"deadline", func(p *pipe) { p.expire() }, ErrHandshakeTimeout},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newTestPipe(&heldTransport{}, DefaultMaxPending)
			p.begin(time.Hour)
			defer p.shutdown()
			done := make(chan error, 1)
			go func() {
				_, err := p.Read(make([]byte, 512))
				done <- err
			}()
			time.Sleep(20 * time.Millisecond) // let the reader block; the result does not depend on it
			c.act(p)
			select {
			case err := <-done:
				if c.wantErr == nil && err != nil || c.wantErr != nil && !errors.Is(err, c.wantErr) {
					t.Fatalf("read error %v, want %v", err, c.wantErr)
				}
			case <-time.After(waitLong):
				t.Fatal("blocked read did not return")
			}
		})
	}
}

// TestPipeOutcomeWaitsForFlights checks the ordering guarantee: the loop does not learn that the
// handshake ended until gnet has run the AsyncWrite of its last flight, and is woken exactly once.
func TestPipeOutcomeWaitsForFlights(t *testing.T) {
	ht := &heldTransport{}
	p := newTestPipe(ht, DefaultMaxPending)
	p.begin(time.Hour)
	defer p.shutdown()
	flight := []byte("last flight")
	if n, err := p.Write(flight); n != len(flight) || err != nil {
		t.Fatalf("async write: %d %v", n, err)
	}
	flight[0] = 'X' // crypto/tls reuses its buffer; the transport must hold a copy
	p.finish(nil)
	if done, _ := p.outcome(); done {
		t.Fatal("outcome reported before the last flight was written")
	}
	if w := ht.wakeCount(); w != 0 {
		t.Fatalf("woken %d times before the flight was written", w)
	}
	ht.runCallbacks()
	if done, err := p.outcome(); !done || err != nil {
		t.Fatalf("outcome %v %v after the flight was written", done, err)
	}
	if w := ht.wakeCount(); w != 1 {
		t.Fatalf("woken %d times, want 1", w)
	}
	if string(ht.writes[0]) != "last flight" {
		t.Fatalf("transport got %q", ht.writes[0])
	}
	// After the handshake, writes are buffered for the loop.
	if _, err := p.Write([]byte("record")); err != nil {
		t.Fatal(err)
	}
	if out := p.takeOutput(); out == nil || string(*out) != "record" || len(ht.writes) != 1 {
		t.Fatal("post-handshake write did not go to the output buffer")
	}
}
