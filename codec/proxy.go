package codec

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/pires/go-proxyproto"
)

// The PROXY protocol (HAProxy's, versions 1 and 2) puts the client's real
// address in front of a proxied connection. The parsing is
// github.com/pires/go-proxyproto's; what this file adds is the framing that
// lets a caller which must not block (the event loop) or must not read past
// the header (a data connection carrying an upload) know how many bytes the
// header has before handing them to the library, which only reads from a
// blocking bufio.Reader.

var (
	// ErrProxyNeedMore means the bytes so far are a valid start of a
	// header but not a whole one.
	ErrProxyNeedMore = errors.New("codec: PROXY header incomplete")
	// ErrProxyHeader means the bytes are not a PROXY header, or one longer
	// than the bounds below, or one the library rejects.
	ErrProxyHeader = errors.New("codec: invalid PROXY header")
)

// The size bounds of a header. A version 1 line is at most 107 bytes, CRLF
// included (the PROXY protocol specification, section 2.1). A version 2
// header is 16 bytes and an address block whose length it states; TCP over
// IPv6 needs 36, and 520 more leaves room for the TLVs HAProxy sends
// (ALPN, authority, SSL, unique id), 536 in all.
const (
	MaxProxyV1 = 107
	MaxProxyV2 = 16 + 520
)

var (
	proxyV1Sig = []byte("PROXY ")
	proxyV2Sig = proxyproto.SIGV2
)

// ProxyHeaderLen frames the PROXY header at the front of b. It returns the
// header's length and nil when b holds a whole one; with ErrProxyNeedMore,
// n is how many bytes b must hold at least before the answer can change
// (always more than len(b)), so that a reader that must not read past the
// header can ask for exactly that many; with ErrProxyHeader, b does not
// start with a header within the bounds. It does not validate the header's
// contents: ParseProxyHeader does.
func ProxyHeaderLen(b []byte) (n int, err error) {
	if len(b) == 0 {
		return 1, ErrProxyNeedMore
	}
	switch b[0] {
	case proxyV1Sig[0]:
		if !bytes.HasPrefix(proxyV1Sig, b[:min(len(b), len(proxyV1Sig))]) {
			return 0, ErrProxyHeader
		}
		if i := bytes.IndexByte(b[:min(len(b), MaxProxyV1)], '\n'); i >= 0 {
			return i + 1, nil
		}
		if len(b) >= MaxProxyV1 {
			return 0, ErrProxyHeader
		}
		return len(b) + 1, ErrProxyNeedMore
	case proxyV2Sig[0]:
		if !bytes.HasPrefix(proxyV2Sig, b[:min(len(b), len(proxyV2Sig))]) {
			return 0, ErrProxyHeader
		}
		if len(b) < 16 {
			return 16, ErrProxyNeedMore
		}
		total := 16 + int(binary.BigEndian.Uint16(b[14:16]))
		if total > MaxProxyV2 {
			return 0, ErrProxyHeader
		}
		if len(b) < total {
			return total, ErrProxyNeedMore
		}
		return total, nil
	}
	return 0, ErrProxyHeader
}

// ProxySource is what a PROXY header says about the connection.
type ProxySource struct {
	// Client is the real client's address; not valid for a LOCAL (v2) or
	// UNKNOWN (v1) header, such as a balancer's health check, which speaks
	// for the proxy itself.
	Client netip.AddrPort
	// Local is the address the client reached on the proxy, when given.
	Local netip.AddrPort
}

// ParseProxyHeader parses the PROXY header at the front of b, returning it
// and its length. Errors are ErrProxyNeedMore (wait for more bytes, as
// ProxyHeaderLen says) or wrap ErrProxyHeader. Only TCP headers carry an
// address; UDP and Unix-socket ones are refused, as they cannot describe
// an FTP client.
func ParseProxyHeader(b []byte) (ProxySource, int, error) {
	n, err := ProxyHeaderLen(b)
	if err != nil {
		return ProxySource{}, n, err
	}
	// bufio.Reader's smallest buffer is 16 bytes; it reads only the n
	// bytes given, so the library cannot look past the header.
	r := bufio.NewReaderSize(bytes.NewReader(b[:n]), max(n, 16))
	h, err := proxyproto.Read(r)
	if err != nil {
		return ProxySource{}, 0, fmt.Errorf("%w: %w", ErrProxyHeader, err)
	}
	if r.Buffered() != 0 {
		return ProxySource{}, 0, fmt.Errorf("%w: %d bytes left inside the header", ErrProxyHeader, r.Buffered())
	}
	if h.Command.IsLocal() {
		return ProxySource{}, n, nil
	}
	src, dst, ok := h.TCPAddrs()
	if !ok {
		return ProxySource{}, 0, fmt.Errorf("%w: not a TCP connection", ErrProxyHeader)
	}
	return ProxySource{Client: unmapped(src), Local: unmapped(dst)}, n, nil
}

func unmapped(a *net.TCPAddr) netip.AddrPort {
	ap := a.AddrPort()
	return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
}
