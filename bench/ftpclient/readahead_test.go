package ftpclient

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
)

// countConn is a net.Conn whose reads come from r and are counted.
type countConn struct {
	net.Conn
	r     io.Reader
	reads int
}

func (c *countConn) Read(p []byte) (int, error) {
	c.reads++
	return c.r.Read(p)
}

func TestReadAheadOrderAndSystemCalls(t *testing.T) {
	want := make([]byte, 300<<10)
	for i := range want {
		want[i] = byte(i * 7)
	}
	raw := &countConn{r: bytes.NewReader(want)}
	ra := &readAhead{Conn: raw, rd: bufio.NewReaderSize(raw, 64<<10)}
	var got []byte
	p := make([]byte, 5) // crypto/tls reads a record header, then its body
	for {
		n, err := ra.Read(p)
		got = append(got, p[:n]...)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(p) == 5 {
			p = make([]byte, 16<<10+256)
		} else {
			p = p[:5]
		}
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("read %d bytes, not what was sent (%d bytes)", len(got), len(want))
	}
	// 300 KiB through a 64 KiB read-ahead: five reads with data, one EOF.
	if raw.reads != 6 {
		t.Errorf("%d socket reads, want 6", raw.reads)
	}
}

func TestReadAheadLargeReadGoesStraight(t *testing.T) {
	raw := &countConn{r: bytes.NewReader(make([]byte, 100))}
	ra := &readAhead{Conn: raw, rd: bufio.NewReaderSize(raw, 16)}
	p := make([]byte, 64)
	if n, err := ra.Read(p); n != 64 || err != nil {
		t.Fatalf("Read = %d, %v; want 64 bytes straight from the socket", n, err)
	}
	if n := ra.rd.Buffered(); n != 0 {
		t.Errorf("a read as large as the buffer was buffered (%d bytes held)", n)
	}
}
