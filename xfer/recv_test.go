package xfer

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// scriptConn is a net.Conn whose reads return the given chunks, one per
// Read (cut to the caller's buffer), then err.
type scriptConn struct {
	net.Conn
	chunks [][]byte
	err    error
	reads  int
}

func (c *scriptConn) Read(p []byte) (int, error) {
	c.reads++
	if len(c.chunks) == 0 {
		return 0, c.err
	}
	n := copy(p, c.chunks[0])
	if c.chunks[0] = c.chunks[0][n:]; len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	return n, nil
}

// sizes builds chunks of the given lengths, each filled with its index.
func sizes(ns ...int) [][]byte {
	out := make([][]byte, len(ns))
	for i, n := range ns {
		out[i] = bytes.Repeat([]byte{byte('a' + i)}, n)
	}
	return out
}

// writeLog records the length of every Write.
type writeLog struct {
	bytes.Buffer
	lens []int
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.lens = append(w.lens, len(p))
	return w.Buffer.Write(p)
}

func TestEOFConnReadAhead(t *testing.T) {
	raw := &scriptConn{chunks: sizes(5, 3), err: io.EOF}
	c := &eofConn{Conn: raw}
	c.readAhead(bufio.NewReaderSize(nil, 16))
	var got []byte
	p := make([]byte, 2)
	for {
		n, err := c.Read(p)
		got = append(got, p[:n]...)
		if n > 0 && err != nil {
			t.Fatalf("Read returned %d bytes with %v; want data and error apart", n, err)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if c.eof.Load() {
			t.Fatalf("eof set after %q, before the EOF was returned", got)
		}
	}
	if string(got) != "aaaaabbb" {
		t.Errorf("read %q, want aaaaabbb", got)
	}
	// Two socket reads for the data (as much as buf holds each), one for EOF.
	if raw.reads != 3 {
		t.Errorf("%d socket reads, want 3", raw.reads)
	}
	if !c.eof.Load() {
		t.Error("the FIN was read but eof is not set")
	}

	// A buffer at least as large as the read-ahead one is read into
	// directly, once what was read ahead is used up.
	raw = &scriptConn{chunks: sizes(3, 20), err: io.EOF}
	c = &eofConn{Conn: raw}
	c.readAhead(bufio.NewReaderSize(nil, 16))
	if n, _ := c.Read(p); n != 2 || c.ahead() != 1 {
		t.Fatalf("Read = %d, ahead %d; want 2, 1", n, c.ahead())
	}
	big := make([]byte, 32)
	if n, _ := c.Read(big); n != 1 {
		t.Errorf("first large Read = %d, want the 1 byte read ahead", n)
	}
	if n, _ := c.Read(big); n != 20 || raw.reads != 2 {
		t.Errorf("second large Read = %d after %d socket reads; want 20 straight from the socket, 2 reads", n, raw.reads)
	}

	// Stopping drops what was read ahead; reads then go to the socket.
	c.readAhead(nil)
	if c.ahead() != 0 {
		t.Errorf("ahead = %d after readAhead(nil)", c.ahead())
	}
	var none *eofConn
	if none.ahead() != 0 {
		t.Error("a nil eofConn has bytes ahead")
	}
}

func TestEOFConnReadAheadKeepsErrorAfterData(t *testing.T) {
	// A socket that returns data and an error together (a deadline, say)
	// gets the data out first, then the error, once.
	boom := errors.New("boom")
	c := &eofConn{Conn: &dataAndError{data: []byte("xyz"), err: boom}}
	c.readAhead(bufio.NewReaderSize(nil, 16))
	p := make([]byte, 8)
	if n, err := c.Read(p[:2]); n != 2 || err != nil {
		t.Fatalf("Read = %d, %v; want 2, nil", n, err)
	}
	if n, err := c.Read(p); n != 1 || err != nil {
		t.Fatalf("Read = %d, %v; want the last byte, nil", n, err)
	}
	if n, err := c.Read(p); n != 0 || err != boom {
		t.Fatalf("Read = %d, %v; want 0, boom", n, err)
	}
}

type dataAndError struct {
	net.Conn
	data []byte
	err  error
}

func (c *dataAndError) Read(p []byte) (int, error) {
	n := copy(p, c.data)
	c.data = c.data[n:]
	return n, c.err
}

func TestReceiveWritesWhatArrived(t *testing.T) {
	const k = 1 << 10
	tests := []struct {
		name   string
		reads  []int
		writes []int
	}{
		// Each read is written as it came, whatever its size.
		{"reads", []int{100 * k, 300 * k, 70 * k, 1}, []int{100 * k, 300 * k, 70 * k, 1}},
		{"small reads", []int{30 * k, 10, 200 * k}, []int{30 * k, 10, 200 * k}},
		// A read never takes more than recvSize.
		{"over the buffer", []int{recvSize + 7}, []int{recvSize, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &scriptConn{chunks: sizes(tt.reads...), err: io.EOF}
			var dst writeLog
			n, err := receiveFilled(&dst, src, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			want := bytes.Join(sizes(tt.reads...), nil)
			if n != int64(len(want)) || !bytes.Equal(dst.Bytes(), want) {
				t.Errorf("received %d bytes (%d written), want %d equal ones", n, dst.Len(), len(want))
			}
			if !slices.Equal(dst.lens, tt.writes) {
				t.Errorf("writes of %v bytes, want %v", dst.lens, tt.writes)
			}
		})
	}
}

func TestReceiveTLSWritesAtLeastTLSMin(t *testing.T) {
	// Records are decoded until tlsMin has come and the socket read ahead
	// is used up: every file write but the last holds at least tlsMin,
	// whatever the sender's write sizes.
	data := randomBytes(t, 3<<20+12345)
	src, peer, _ := tlsPair(t)
	go func() {
		for b := data; len(b) > 0; {
			n := min(len(b), 40<<10+17)
			peer.Write(b[:n])
			b = b[n:]
		}
		peer.Close()
	}()
	var dst writeLog
	done := make(chan error, 1)
	go func() {
		_, err := receiveFilled(&dst, src, nil, nil)
		done <- err
	}()
	if err := within(t, 10*time.Second, done); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dst.Bytes(), data) {
		t.Fatalf("received %d bytes, want %d equal ones", dst.Len(), len(data))
	}
	for i, l := range dst.lens[:len(dst.lens)-1] {
		if l < tlsMin || l > recvSize {
			t.Errorf("write %d of %d bytes, want between %d and %d", i, l, tlsMin, recvSize)
		}
	}
}

func TestSendBoundsUnsentData(t *testing.T) {
	// A clear download sets TCP_NOTSENT_LOWAT to its share of the unsent
	// budget (sockopt.go); a TLS one keeps the kernel's default.
	for _, tt := range []struct {
		others int64 // clear downloads already under way
		want   int
	}{
		{0, unsentBudget},
		{7, unsentBudget / 8},
		{1000, unsentFloor},
	} {
		clearSends.Add(tt.others)
		dst, peer := tcpPair(t)
		got := readAll(peer)
		_, err := Send(dst, tempFile(t, randomBytes(t, 1<<20)), false, nil, nil)
		clearSends.Add(-tt.others)
		if err != nil {
			t.Fatal(err)
		}
		if v := notSentLowatOf(t, dst); v != tt.want {
			t.Errorf("with %d other downloads: TCP_NOTSENT_LOWAT = %d after a clear download, want %d", tt.others, v, tt.want)
		}
		dst.Close()
		within(t, 10*time.Second, got)
	}
	if n := clearSends.Load(); n != 0 {
		t.Errorf("%d clear downloads counted after all ended", n)
	}

	tdst, tpeer, _ := tlsPair(t)
	tgot := readAll(tpeer)
	raw := tdst.NetConn().(*eofConn).Conn.(*net.TCPConn)
	before := notSentLowatOf(t, raw)
	if _, err := Send(tdst, tempFile(t, randomBytes(t, 1<<20)), false, nil, nil); err != nil {
		t.Fatal(err)
	}
	if v := notSentLowatOf(t, raw); v != before {
		t.Errorf("TCP_NOTSENT_LOWAT = %d after a TLS download, want the default %d", v, before)
	}
	tdst.Close()
	within(t, 10*time.Second, tgot)
}

func TestUnsentShare(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want int
	}{
		{0, unsentBudget}, {1, unsentBudget}, {2, unsentBudget / 2},
		{8, 512 << 10}, {16, unsentFloor}, {64, unsentFloor}, {1 << 20, unsentFloor},
	} {
		if got := unsentShare(tt.n); got != tt.want {
			t.Errorf("unsentShare(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func notSentLowatOf(t *testing.T, c *net.TCPConn) int {
	t.Helper()
	rc, err := c.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var serr error
	if err := rc.Control(func(fd uintptr) {
		v, serr = unix.GetsockoptInt(int(fd), unix.IPPROTO_TCP, unix.TCP_NOTSENT_LOWAT)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	return v
}
