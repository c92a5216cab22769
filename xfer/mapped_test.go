//go:build unix

package xfer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"
)

// TestSendMapped: TLS downloads of large files go through the mapping,
// from any offset, across window boundaries, and leave the file's offset
// where a read would have.
func TestSendMapped(t *testing.T) {
	const size = 2*mapWindow + mapMin + 7
	data := randomBytes(t, size)
	for _, off := range []int64{0, 12345, mapWindow - 1, size - mapMin} {
		srv, peer, _ := tlsPair(t)
		src := tempFile(t, data)
		if _, err := src.Seek(off, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		got := readAll(peer)
		out := batchPool.Get().(*[]byte)
		var n atomic.Int64
		sent, ok, err := sendMapped(&recordBatch{srv, srv.NetConn().(*eofConn), out}, src, &n, nil)
		batchPool.Put(out)
		if !ok || err != nil {
			t.Fatalf("offset %d: sendMapped = %v, %v; want it mapped, no error", off, ok, err)
		}
		srv.Close()
		want := data[off:]
		if b := within(t, 10*time.Second, got); !bytes.Equal(b, want) {
			t.Errorf("offset %d: peer got %d bytes, want %d equal ones", off, len(b), len(want))
		}
		if sent != int64(len(want)) || n.Load() != sent {
			t.Errorf("offset %d: sent %d, counter %d; want %d", off, sent, n.Load(), len(want))
		}
		if pos, _ := src.Seek(0, io.SeekCurrent); pos != size {
			t.Errorf("offset %d: file offset %d after the send, want %d", off, pos, size)
		}
	}
}

// TestSendMappedSmallFileReads: below mapMin left to send, nothing is
// mapped and the caller reads.
func TestSendMappedSmallFileReads(t *testing.T) {
	srv, _, _ := tlsPair(t)
	src := tempFile(t, randomBytes(t, mapMin-1))
	out := batchPool.Get().(*[]byte)
	defer batchPool.Put(out)
	if sent, ok, err := sendMapped(&recordBatch{srv, srv.NetConn().(*eofConn), out}, src, nil, nil); ok || sent != 0 || err != nil {
		t.Errorf("sendMapped of a small file = %d, %v, %v; want 0, false, nil", sent, ok, err)
	}
}

// TestSendMappedFileShrinks: a file truncated under a mapped download
// faults (SIGBUS); the server survives, the transfer fails as the file's
// error (451, not 426) and marks the TLS connection unusable (the fault may
// have come inside the AEAD's Seal, whose state then moved on: TLS 1.2
// ChaCha20-Poly1305's nonce mask), and what the client got before the cut
// is the file's start. In TLS 1.3 and 1.2, AES-GCM and ChaCha20.
func TestSendMappedFileShrinks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		version uint16
		suite   uint16
	}{
		{"TLS 1.3", tls.VersionTLS13, 0},
		{"TLS 1.2 AES-GCM", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256},
		{"TLS 1.2 ChaCha20", tls.VersionTLS12, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const size, cut = 64 << 20, 1 << 20
			data := randomBytes(t, size)
			srv, peer := tlsPairConfig(t, func(c *tls.Config) {
				c.MaxVersion = tc.version
				if tc.suite != 0 {
					c.CipherSuites = []uint16{tc.suite}
				}
			})
			src := tempFile(t, data)
			_, done := stalledSend(t, srv, src, size)
			if err := os.Truncate(src.Name(), cut); err != nil {
				t.Fatal(err)
			}
			type result struct {
				b   []byte
				err error
			}
			got := make(chan result, 1)
			go func() {
				b, err := io.ReadAll(peer)
				got <- result{b, err}
			}()
			err := within(t, 10*time.Second, done)
			if !errors.Is(err, errFileShrank) || !errors.Is(err, errTLSSpoiled) || errors.Is(err, ErrDataConn) {
				t.Fatalf("Send of a file truncated under it: %v, want errFileShrank and errTLSSpoiled, not ErrDataConn", err)
			}
			srv.NetConn().Close() // as runData does for a spoiled connection
			// (crypto/tls's client takes a cut at a record boundary for an
			// end; a client learns of the failure from the 451.)
			r := within(t, 10*time.Second, got)
			if len(r.b) >= size || !bytes.Equal(r.b, data[:len(r.b)]) {
				t.Errorf("client got %d bytes (then %v), want fewer than %d, all the file's start", len(r.b), r.err, size)
			}
		})
	}
}

// TestSendMappedThrottled: a paced TLS download of a large file takes its
// chunks from the mapping and waits for their tokens.
func TestSendMappedThrottled(t *testing.T) {
	const size, rate = 2 * mapMin, 4 << 20
	data := randomBytes(t, size)
	srv, peer, _ := tlsPair(t)
	got := readAll(peer)
	lim := NewLimiter(rate)
	th := NewThrottle(context.Background(), lim)
	start := time.Now()
	if _, err := Send(srv, tempFile(t, data), false, nil, th); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	// The burst moves at once, the rest at the rate.
	if d, want := time.Since(start), time.Duration(float64(size-lim.Burst())/rate*float64(time.Second)); d < want {
		t.Errorf("%d bytes at %d B/s took %v, want at least %v", size, rate, d, want)
	}
	if b := within(t, 10*time.Second, got); !bytes.Equal(b, data) {
		t.Errorf("peer got %d bytes, want the %d sent", len(b), size)
	}
}

// TestSendMappedFileGrows: what is appended to a file during a mapped
// download is sent too, as a download that read the file to its end did.
func TestSendMappedFileGrows(t *testing.T) {
	const size, extra = 32 << 20, 1<<20 + 3
	data := randomBytes(t, size+extra)
	srv, peer, _ := tlsPair(t)
	src := tempFile(t, data[:size])
	n, done := stalledSend(t, srv, src, size)
	f, err := os.OpenFile(src.Name(), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(data[size:]); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got := readAll(peer)
	if err := within(t, 10*time.Second, done); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	if b := within(t, 10*time.Second, got); !bytes.Equal(b, data) {
		t.Errorf("client got %d bytes, want the %d of the file as it ended", len(b), len(data))
	}
	if n.Load() != size+extra {
		t.Errorf("counter %d, want %d", n.Load(), size+extra)
	}
}

// stalledSend starts Send of src (size bytes) to srv, whose client reads
// nothing yet, and returns once the send has stalled on the sockets' full
// buffers, far from the file's end, with its progress counter and the
// channel its error will come on.
func stalledSend(t *testing.T, srv net.Conn, src *os.File, size int64) (*atomic.Int64, <-chan error) {
	t.Helper()
	n := new(atomic.Int64)
	done := make(chan error, 1)
	go func() {
		_, err := Send(srv, src, false, n, nil)
		done <- err
	}()
	// Until it has sent something, then until it stops.
	last, deadline := int64(-1), time.Now().Add(10*time.Second)
	for (last <= 0 || n.Load() != last) && time.Now().Before(deadline) {
		last = n.Load()
		time.Sleep(100 * time.Millisecond)
	}
	if last >= size-mapWindow {
		t.Fatalf("sent %d of %d bytes before the client read: no room left to change the file under it", last, size)
	}
	return n, done
}

// tlsPairConfig is tlsPair with the server's configuration changed by
// edit, checking that the version it asks for was negotiated.
func tlsPairConfig(t *testing.T, edit func(*tls.Config)) (server, client *tls.Conn) {
	t.Helper()
	var want uint16
	server, client, _ = tlsPairWith(t, TrackEOF, func(c *tls.Config) {
		edit(c)
		want = c.MaxVersion
	})
	if v := server.ConnectionState().Version; want != 0 && v != want {
		t.Fatalf("negotiated %s, want %s", tls.VersionName(v), tls.VersionName(want))
	}
	return server, client
}

// TestMapShare: the window is 4 MiB while few mapped downloads run, its
// share of the 256 MiB budget beyond 64 of them, and never under 1 MiB.
func TestMapShare(t *testing.T) {
	for _, c := range []struct{ n, want int64 }{
		{0, mapWindow}, {1, mapWindow}, {64, mapWindow}, {128, 2 << 20}, {256, 1 << 20}, {10000, mapFloor},
	} {
		if got := mapShare(c.n); got != c.want {
			t.Errorf("mapShare(%d) = %d, want %d", c.n, got, c.want)
		}
	}
}

// TestSendWindowFault: a window of a file truncated before its first byte
// is read faults at once; the fault is reported as the window's, mapped,
// so that the send does not fall back to reading a file that shrank.
func TestSendWindowFault(t *testing.T) {
	srv, _ := tlsPairConfig(t, func(*tls.Config) {})
	src := tempFile(t, randomBytes(t, 2*mapWindow))
	if err := os.Truncate(src.Name(), 0); err != nil {
		t.Fatal(err)
	}
	out := batchPool.Get().(*[]byte)
	defer batchPool.Put(out)
	w := &recordBatch{srv, srv.NetConn().(*eofConn), out}
	sent, mapped, err := sendWindow(w, int(src.Fd()), 0, mapWindow, 0, nil, nil, bulkSize)
	if !mapped || sent != 0 || !errors.Is(err, errFileShrank) || !errors.Is(err, errTLSSpoiled) {
		t.Errorf("sendWindow over a truncated file = %d, %v, %v; want 0, mapped, errFileShrank and errTLSSpoiled", sent, mapped, err)
	}
	if w.ec.gather != nil || len(*out) != 0 {
		t.Error("the faulted Write's gathered records were kept")
	}
}
