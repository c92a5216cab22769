package xfer

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsd/ftpsd/internal/fsys"
)

const bigSize = 8 << 20

// readAll drains c in the background.
func readAll(c net.Conn) <-chan []byte {
	ch := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(c)
		ch <- b
	}()
	return ch
}

func TestSend(t *testing.T) {
	data := randomBytes(t, bigSize)
	tests := []struct {
		name   string
		tls    bool
		offset int64
	}{
		{"plain", false, 0},
		{"plain from offset", false, 12345},
		{"tls", true, 0},
		{"tls from offset", true, bigSize - 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst, peer net.Conn
			if tt.tls {
				dst, peer, _ = tlsPair(t)
			} else {
				dst, peer = tcpPair(t)
			}
			src := tempFile(t, data)
			if _, err := src.Seek(tt.offset, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			got := readAll(peer)
			var n atomic.Int64
			w, err := Send(dst, src, false, &n, nil)
			if err != nil {
				t.Fatal(err)
			}
			dst.Close()
			want := data[tt.offset:]
			if b := within(t, 10*time.Second, got); !bytes.Equal(b, want) {
				t.Errorf("peer got %d bytes, want %d equal ones", len(b), len(want))
			}
			if w != int64(len(want)) || n.Load() != w {
				t.Errorf("Send = %d, counter %d; want %d", w, n.Load(), len(want))
			}
		})
	}
}

func TestReceive(t *testing.T) {
	data := randomBytes(t, bigSize)
	for _, useTLS := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "tls"}[useTLS]
		t.Run(name, func(t *testing.T) {
			var src, peer net.Conn
			if useTLS {
				src, peer, _ = tlsPair(t)
			} else {
				src, peer = tcpPair(t)
			}
			go func() {
				peer.Write(data)
				peer.Close() // close_notify for TLS, FIN for TCP: a clean end
			}()
			dst := emptyFile(t)
			var n atomic.Int64
			r, err := Receive(dst, src, false, &n, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r != bigSize || n.Load() != bigSize {
				t.Errorf("Receive = %d, counter %d; want %d", r, n.Load(), bigSize)
			}
			got, err := os.ReadFile(dst.Name())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("file holds %d bytes, want %d equal ones", len(got), len(data))
			}
		})
	}
}

func TestReceiveTruncatedTLS(t *testing.T) {
	untracked := func(c net.Conn) net.Conn { return c }
	// partialRecord is the header of a 256-byte application-data record
	// followed by only 10 bytes of it.
	partialRecord := append([]byte{23, 3, 3, 1, 0}, make([]byte, 10)...)
	tests := []struct {
		name  string
		wrap  func(net.Conn) net.Conn
		ascii bool
		cut   func(client *tls.Conn, raw *net.TCPConn)
	}{
		{"record boundary", TrackEOF, false, func(c *tls.Conn, raw *net.TCPConn) {
			c.Write(bytes.Repeat([]byte("x"), 100<<10))
			raw.Close()
		}},
		{"record boundary ascii", TrackEOF, true, func(c *tls.Conn, raw *net.TCPConn) {
			c.Write(bytes.Repeat([]byte("x\r\n"), 30<<10))
			raw.Close()
		}},
		{"mid record untracked", untracked, false, func(c *tls.Conn, raw *net.TCPConn) {
			c.Write([]byte("complete record"))
			raw.Write(partialRecord)
			raw.Close()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, peer, raw := tlsPairWrap(t, tt.wrap)
			go tt.cut(peer, raw)
			_, err := Receive(emptyFile(t), src, tt.ascii, nil, nil)
			if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, ErrDataConn) {
				t.Errorf("err = %v, want io.ErrUnexpectedEOF and ErrDataConn", err)
			}
		})
	}
}

func TestCopyAbortedByClose(t *testing.T) {
	// ABOR closes the data connection from the loop while a worker copies.
	tests := []struct {
		name string
		run  func(c net.Conn) error
	}{
		{"receive plain", func(c net.Conn) error { _, err := Receive(emptyFile(t), c, false, nil, nil); return err }},
		{"receive ascii", func(c net.Conn) error { _, err := Receive(emptyFile(t), c, true, nil, nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := tcpPair(t)
			errc := make(chan error, 1)
			go func() { errc <- tt.run(c) }()
			time.Sleep(20 * time.Millisecond)
			c.Close()
			err := within(t, 5*time.Second, errc)
			if !errors.Is(err, net.ErrClosed) || !errors.Is(err, ErrDataConn) {
				t.Errorf("err = %v, want net.ErrClosed and ErrDataConn", err)
			}
		})
	}
}

func TestSendToGonePeer(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		t.Run(map[bool]string{false: "binary", true: "ascii"}[ascii], func(t *testing.T) {
			dst, peer := tcpPair(t)
			peer.SetLinger(0)
			peer.Close()
			_, err := Send(dst, tempFile(t, randomBytes(t, bigSize)), ascii, nil, nil)
			if !errors.Is(err, ErrDataConn) {
				t.Errorf("err = %v, want ErrDataConn", err)
			}
		})
	}
}

// asciiFile is text whose line ends are a mix of LF, CRLF and lone CRs, long
// enough that reads cut it at many places.
func asciiFile() []byte {
	var b []byte
	for i := range 200000 {
		b = append(b, "line"...)
		switch i % 5 {
		case 0, 1:
			b = append(b, '\n')
		case 2:
			b = append(b, '\r', '\n')
		case 3:
			b = append(b, '\r')
		case 4:
			b = append(b, '\n', '\n')
		}
	}
	return b
}

func TestSendASCII(t *testing.T) {
	data := asciiFile()
	want := encodeSplit(data)
	dst, peer := tcpPair(t)
	got := readAll(peer)
	var n atomic.Int64
	w, err := Send(dst, tempFile(t, data), true, &n, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst.Close()
	if b := within(t, 10*time.Second, got); !bytes.Equal(b, want) {
		t.Errorf("peer got %d bytes, want %d", len(b), len(want))
	}
	if w != int64(len(want)) || n.Load() != w {
		t.Errorf("Send = %d, counter %d; want the %d wire bytes", w, n.Load(), len(want))
	}
}

func TestReceiveASCII(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string // written one by one, with a pause, so CRs end reads
		want   string
	}{
		{"CR LF split", []string{"a\r", "\nb\r\n"}, "a\nb\n"},
		{"lone CR at a boundary", []string{"a\r", "b"}, "a\rb"},
		{"CR at the end", []string{"a\r\n", "b\r"}, "a\nb\r"},
		{"CR CR then LF", []string{"a\r", "\r", "\n"}, "a\r\n"},
		{"many", []string{"x\r\ny", "\r", "\n", "z\r\n"}, "x\ny\nz\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, peer := tcpPair(t)
			peer.SetNoDelay(true)
			go func() {
				for _, p := range tt.pieces {
					peer.Write([]byte(p))
					time.Sleep(5 * time.Millisecond)
				}
				peer.CloseWrite()
			}()
			dst := emptyFile(t)
			var n atomic.Int64
			r, err := Receive(dst, src, true, &n, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(dst.Name())
			if string(got) != tt.want {
				t.Errorf("file %q, want %q", got, tt.want)
			}
			wire := 0
			for _, p := range tt.pieces {
				wire += len(p)
			}
			if r != int64(wire) || n.Load() != r {
				t.Errorf("Receive = %d, counter %d; want the %d wire bytes", r, n.Load(), wire)
			}
		})
	}
	t.Run("large over tls", func(t *testing.T) {
		data := encodeSplit(asciiFile())
		src, peer, _ := tlsPair(t)
		go func() {
			peer.Write(data)
			peer.Close()
		}()
		dst := emptyFile(t)
		if _, err := Receive(dst, src, true, nil, nil); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(dst.Name())
		if want := decodeSplit(data); !bytes.Equal(got, want) {
			t.Errorf("file has %d bytes, want %d", len(got), len(want))
		}
	})
}

const benchSize = 32 << 20

// BenchmarkSend sends a 32 MiB file per iteration over one connection.
// "plain" takes the sendfile path, so its figure that matters is CPU per GB.
func BenchmarkSend(b *testing.B) {
	for _, mode := range []string{"plain", "tls", "ascii"} {
		b.Run(mode, func(b *testing.B) {
			var dst, peer net.Conn
			if mode == "tls" {
				dst, peer, _ = tlsPair(b)
			} else {
				dst, peer = tcpPair(b)
			}
			go io.Copy(io.Discard, peer)
			src := tempFile(b, randomBytes(b, benchSize))
			b.ReportAllocs()
			b.SetBytes(benchSize)
			for b.Loop() {
				src.Seek(0, io.SeekStart)
				if _, err := Send(dst, src, mode == "ascii", nil, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReceive receives 32 MiB per iteration; the connection (and its
// handshake) is set up with the timer stopped, since Receive reads to EOF.
func BenchmarkReceive(b *testing.B) {
	payload := randomBytes(b, benchSize)
	for _, mode := range []string{"plain", "tls"} {
		b.Run(mode, func(b *testing.B) {
			dst := emptyFile(b)
			b.ReportAllocs()
			b.SetBytes(benchSize)
			for b.Loop() {
				b.StopTimer()
				var src, peer net.Conn
				if mode == "tls" {
					src, peer, _ = tlsPair(b)
				} else {
					src, peer = tcpPair(b)
				}
				dst.Seek(0, io.SeekStart)
				go func() {
					peer.Write(payload)
					peer.Close()
				}()
				b.StartTimer()
				if _, err := Receive(dst, src, false, nil, nil); err != nil {
					b.Fatal(err)
				}
				src.Close()
			}
		})
	}
}

// TestCopyThroughFsys runs the kernels on files as the session gets them:
// opened through the root (O_NONBLOCK) and uploads in each mode (O_APPEND
// cannot splice and takes the generic path).
func TestCopyThroughFsys(t *testing.T) {
	dir := t.TempDir()
	data := randomBytes(t, bigSize)
	if err := os.WriteFile(filepath.Join(dir, "src"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	root, err := fsys.Open(dir, fsys.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()

	t.Run("send", func(t *testing.T) {
		f, err := root.Open("/src")
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		dst, peer := tcpPair(t)
		got := readAll(peer)
		if _, err := Send(dst, f, false, nil, nil); err != nil {
			t.Fatal(err)
		}
		dst.Close()
		if b := within(t, 10*time.Second, got); !bytes.Equal(b, data) {
			t.Errorf("peer got %d bytes, want %d equal ones", len(b), len(data))
		}
	})
	for _, mode := range []fsys.UploadMode{fsys.UploadReplace, fsys.UploadAppend, fsys.UploadUnique} {
		t.Run("receive "+mode.String(), func(t *testing.T) {
			u, err := root.CreateUpload("/up-"+mode.String(), mode, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer u.Abort()
			src, peer := tcpPair(t)
			go func() {
				peer.Write(data)
				peer.Close()
			}()
			if _, err := Receive(u.File, src, false, nil, nil); err != nil {
				t.Fatal(err)
			}
			if err := u.Commit(); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, u.Name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Errorf("file holds %d bytes, want %d equal ones", len(got), len(data))
			}
		})
	}
}
