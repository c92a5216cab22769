package metrics

import "crypto/tls"

// The typed label values. Each type's constants index the arrays of
// pre-resolved series, so its zero value is a real label and its count is
// the array's length.

// Listener is the kind of listener a session came in on.
type Listener uint8

const (
	Explicit Listener = iota // FTP, with AUTH TLS when offered
	Implicit                 // TLS from the first byte (port 990 style)
	listenerCount
)

var listenerNames = [listenerCount]string{"explicit", "implicit"}

// TLSState is the control connection's protection, as far as the session
// gauge tells it apart.
type TLSState uint8

const (
	Plain       TLSState = iota // no TLS (yet)
	Handshaking                 // AUTH TLS or an implicit connect, handshake not done
	Secure                      // TLS established (it stays so after CCC)
	tlsStateCount
)

var tlsStateNames = [tlsStateCount]string{"plain", "handshake", "tls"}

// LoginResult is how a login ended.
type LoginResult uint8

const (
	LoginOK      LoginResult = iota // logged in
	LoginFailed                     // wrong password, unknown user
	LoginRefused                    // refused unchecked: banned address, over a session limit
	loginResultCount
)

var loginResultNames = [loginResultCount]string{"ok", "failed", "refused"}

// LoginMethod is what a login was proven by (or was to be).
type LoginMethod uint8

const (
	Password    LoginMethod = iota // a named user's password
	Anonymous                      // an anonymous login
	Certificate                    // a verified TLS client certificate
	loginMethodCount
)

var loginMethodNames = [loginMethodCount]string{"password", "anonymous", "certificate"}

// Direction is which way a transfer moved its data.
type Direction uint8

const (
	In  Direction = iota // upload: STOR, APPE, STOU
	Out                  // download and listings: RETR, LIST, NLST, MLSD
	directionCount
)

var directionNames = [directionCount]string{"in", "out"}

// Protection is the data connection's protection level.
type Protection uint8

const (
	Clear Protection = iota // PROT C, or no TLS
	TLS                     // PROT P
	protectionCount
)

var protectionNames = [protectionCount]string{"clear", "tls"}

// TransferResult is how a transfer whose data connection opened ended.
type TransferResult uint8

const (
	TransferComplete TransferResult = iota // every byte moved
	TransferAborted                        // ABOR, the session closing
	TransferFailed                         // a data-connection or disk error, a refused resumption
	transferResultCount
)

var transferResultNames = [transferResultCount]string{"complete", "aborted", "failed"}

// Channel is which connection a TLS handshake was on.
type Channel uint8

const (
	Control Channel = iota // the control connection (AUTH TLS, implicit)
	Data                   // a PROT P data connection
	channelCount
)

var channelNames = [channelCount]string{"control", "data"}

// HandshakeResult is how a TLS handshake ended.
type HandshakeResult uint8

const (
	HandshakeOK HandshakeResult = iota
	HandshakeFailed
	handshakeResultCount
)

var handshakeResultNames = [handshakeResultCount]string{"ok", "failed"}

// versionCount is the TLS versions told apart, plus "unknown" (a failed
// handshake has none).
const versionCount = 5

var versionNames = [versionCount]string{"1.0", "1.1", "1.2", "1.3", "unknown"}

// versionIndex maps a crypto/tls version number to its row.
func versionIndex(v uint16) int {
	switch v {
	case tls.VersionTLS10:
		return 0
	case tls.VersionTLS11:
		return 1
	case tls.VersionTLS12:
		return 2
	case tls.VersionTLS13:
		return 3
	}
	return 4
}

// Resumption is what a PROT P data connection's session check found.
type Resumption uint8

const (
	ResumeAccepted Resumption = iota // it resumed the session it had to
	ResumeRefused                    // it did not, and was refused (522)
	ResumeFull                       // it did not, and none was required (-tls-reuse optional)
	resumptionCount
)

var resumptionNames = [resumptionCount]string{"accepted", "refused", "not_required"}

// replyClasses are the reply classes 1xx to 5xx; a code outside them is
// not counted.
var replyClassNames = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

// OtherVerb is the verb label of a line that reached no command: an
// unknown verb, a line that does not parse or is too long.
const OtherVerb = "other"
