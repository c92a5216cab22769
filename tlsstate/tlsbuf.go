package tlsstate

import (
	"bytes"
	"crypto/tls"
	"reflect"
	"unsafe"
)

// Dropping crypto/tls's handshake-sized buffers (issue 20, item 3).
//
// A tls.Conn reads each record whole into its rawInput buffer and
// assembles handshake messages in its hand buffer; both are bytes.Buffers
// that keep their capacity for the life of the connection. A ClientHello
// that offers X25519MLKEM768 (Go's default since 1.24, and what modern
// clients send) is a record of about 1.8 KB, so after the handshake an
// idle control connection keeps some 4.6 KiB of empty buffers (a heap
// profile of 2,000 idle sessions: 9.2 MB under readClientHello), 40 % of
// what the whole session costs. crypto/tls has no API to give them back,
// and a control connection lives for hours.
//
// So, once the handshake is over and the loop owns the tls.Conn, the
// machine resets the two buffers (and the reader that points into
// rawInput) to their zero values when they are empty. The fields are
// found by name and type with reflect once, at init; if a Go release
// renames or retypes them, tlsFields is zero and nothing is touched (and
// TestDropHandshakeBuffers fails, so that the change is noticed). The
// next record grows rawInput again at its first read, to 576 bytes for a
// command.
var tlsFields = findTLSFields()

type tlsFieldOffsets struct {
	ok                    bool
	rawInput, input, hand uintptr
	config                uintptr // valid when configOK
	configOK              bool
}

func findTLSFields() tlsFieldOffsets {
	t := reflect.TypeFor[tls.Conn]()
	field := func(name string, typ reflect.Type) (uintptr, bool) {
		f, ok := t.FieldByName(name)
		if !ok || f.Type != typ || len(f.Index) != 1 {
			return 0, false
		}
		return f.Offset, true
	}
	var o tlsFieldOffsets
	var ok1, ok2, ok3 bool
	o.rawInput, ok1 = field("rawInput", reflect.TypeFor[bytes.Buffer]())
	o.input, ok2 = field("input", reflect.TypeFor[bytes.Reader]())
	o.hand, ok3 = field("hand", reflect.TypeFor[bytes.Buffer]())
	o.ok = ok1 && ok2 && ok3
	o.config, o.configOK = field("config", reflect.TypeFor[*tls.Config]())
	return o
}

// dropBufThreshold: rawInput is dropped after a read only when a record
// larger than a command's grew it past this; a command's 576 bytes stay,
// so that reading the next one allocates no new buffer.
const dropBufThreshold = 1024

// dropTLSBuffers gives crypto/tls's empty input buffers back to the heap
// when their capacity exceeds min. The caller owns tc (loop-only, after
// the handshake goroutine has returned); it reports whether anything was
// dropped.
func dropTLSBuffers(tc *tls.Conn, min int) bool {
	if tc == nil || !tlsFields.ok {
		return false
	}
	base := unsafe.Pointer(tc)
	raw := (*bytes.Buffer)(unsafe.Add(base, tlsFields.rawInput))
	in := (*bytes.Reader)(unsafe.Add(base, tlsFields.input))
	hand := (*bytes.Buffer)(unsafe.Add(base, tlsFields.hand))
	dropped := false
	if raw.Len() == 0 && in.Len() == 0 && raw.Cap() > min {
		*raw = bytes.Buffer{}
		*in = bytes.Reader{}
		dropped = true
	}
	if hand.Len() == 0 && hand.Cap() > min {
		*hand = bytes.Buffer{}
		dropped = true
	}
	return dropped
}

// tlsBufferCaps returns the capacities of tc's rawInput and hand buffers,
// for tests; -1 when the fields were not found.
func tlsBufferCaps(tc *tls.Conn) (rawInput, hand int) {
	if tc == nil || !tlsFields.ok {
		return -1, -1
	}
	base := unsafe.Pointer(tc)
	return (*bytes.Buffer)(unsafe.Add(base, tlsFields.rawInput)).Cap(), (*bytes.Buffer)(unsafe.Add(base, tlsFields.hand)).Cap()
}

// swapTLSConfig makes tc use cfg from now on (Limits.AfterHandshake).
// After the handshake a server-side tls.Conn reads its config only for
// DynamicRecordSizingDisabled, Renegotiation (client side) and Rand,
// which a clone shares with its original. Same ownership rule as
// dropTLSBuffers; it reports whether the config was swapped.
func swapTLSConfig(tc *tls.Conn, cfg *tls.Config) bool {
	if tc == nil || cfg == nil || !tlsFields.configOK {
		return false
	}
	*(**tls.Config)(unsafe.Add(unsafe.Pointer(tc), tlsFields.config)) = cfg
	return true
}

// tlsConfigOf returns the config tc uses, for tests; nil when the field
// was not found.
func tlsConfigOf(tc *tls.Conn) *tls.Config {
	if tc == nil || !tlsFields.configOK {
		return nil
	}
	return *(**tls.Config)(unsafe.Add(unsafe.Pointer(tc), tlsFields.config))
}
