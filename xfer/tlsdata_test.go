package xfer

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestServeTLSUploadAndClose(t *testing.T) {
	cert := selfSigned(t)
	srvRaw, cliRaw := tcpPair(t)
	want := bytes.Repeat([]byte("ftpsd "), 100000)
	clientDone := make(chan error, 1)
	go func() {
		tc := tls.Client(cliRaw, &tls.Config{InsecureSkipVerify: true})
		if _, err := tc.Write(want); err != nil {
			clientDone <- err
			return
		}
		// A well-behaved client: close_notify, then wait for ours.
		err := tc.CloseWrite()
		_, _ = io.Copy(io.Discard, tc)
		clientDone <- err
	}()
	tc, err := ServeTLS(context.Background(), srvRaw, &tls.Config{Certificates: []tls.Certificate{cert}}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "up"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Receive(f, tc, false, nil, nil); err != nil {
		t.Fatalf("Receive: %v", err)
	}
	if err := CloseTLS(tc, 2*time.Second); err != nil {
		t.Fatalf("CloseTLS: %v", err)
	}
	if err := <-clientDone; err != nil {
		t.Fatalf("client: %v", err)
	}
	got, _ := os.ReadFile(f.Name())
	if !bytes.Equal(got, want) {
		t.Fatalf("stored %d bytes, want %d", len(got), len(want))
	}
}

func TestServeTLSTruncatedUploadFails(t *testing.T) {
	cert := selfSigned(t)
	srvRaw, cliRaw := tcpPair(t)
	go func() {
		tc := tls.Client(cliRaw, &tls.Config{InsecureSkipVerify: true})
		_, _ = tc.Write(bytes.Repeat([]byte("x"), 50000))
		cliRaw.Close() // FIN without close_notify
	}()
	tc, err := ServeTLS(context.Background(), srvRaw, &tls.Config{Certificates: []tls.Certificate{cert}}, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "up"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Receive(f, tc, false, nil, nil)
	if !errors.Is(err, io.ErrUnexpectedEOF) || !errors.Is(err, ErrDataConn) {
		t.Fatalf("Receive of a truncated TLS upload: %v, want ErrUnexpectedEOF and ErrDataConn", err)
	}
}

func TestServeTLSGarbageAndTimeout(t *testing.T) {
	cert := selfSigned(t)
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	t.Run("garbage", func(t *testing.T) {
		srvRaw, cliRaw := tcpPair(t)
		go func() { _, _ = cliRaw.Write([]byte("GET / HTTP/1.0\r\n\r\n")) }()
		if _, err := ServeTLS(context.Background(), srvRaw, cfg, 5*time.Second); !errors.Is(err, ErrTLSData) {
			t.Fatalf("err %v, want ErrTLSData", err)
		}
	})
	t.Run("silent client times out", func(t *testing.T) {
		srvRaw, _ := tcpPair(t)
		start := time.Now()
		if _, err := ServeTLS(context.Background(), srvRaw, cfg, 200*time.Millisecond); !errors.Is(err, ErrTLSData) {
			t.Fatalf("err %v, want ErrTLSData", err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Fatalf("handshake timeout took %v", d)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		srvRaw, _ := tcpPair(t)
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		if _, err := ServeTLS(ctx, srvRaw, cfg, 10*time.Second); !errors.Is(err, ErrTLSData) {
			t.Fatalf("err %v, want ErrTLSData", err)
		}
	})
}
