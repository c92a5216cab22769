package codec

import "strconv"

// Code is an FTP reply code: three digits, the first of which gives the class
// of the reply (RFC 959 §4.2).
type Code uint16

// Reply codes. The comment on each gives the RFC section that defines it; RFC
// 959 §4.2.2 lists the base set in numeric order, and §5.4 says which command
// may answer with which code.
const (
	CodeRestartMarker Code = 110 // RFC 959 §4.2.2, restart marker reply
	CodeReadySoon     Code = 120 // RFC 959 §4.2.2, service ready in nnn minutes
	CodeAlreadyOpen   Code = 125 // RFC 959 §4.2.2, data connection already open; transfer starting
	CodeFileStatusOK  Code = 150 // RFC 959 §4.2.2, file status okay; about to open data connection

	CodeOK               Code = 200 // RFC 959 §4.2.2, command okay
	CodeSuperfluous      Code = 202 // RFC 959 §4.2.2, command not implemented, superfluous at this site
	CodeSystemStatus     Code = 211 // RFC 959 §4.2.2, system status, or system help reply (FEAT, RFC 2389 §3.2)
	CodeDirStatus        Code = 212 // RFC 959 §4.2.2, directory status
	CodeFileStatus       Code = 213 // RFC 959 §4.2.2, file status (also SIZE and MDTM, RFC 3659 §3, §4)
	CodeHelp             Code = 214 // RFC 959 §4.2.2, help message
	CodeSystemType       Code = 215 // RFC 959 §4.2.2, NAME system type
	CodeServiceReady     Code = 220 // RFC 959 §4.2.2, service ready for new user
	CodeClosing          Code = 221 // RFC 959 §4.2.2, service closing control connection
	CodeDataOpen         Code = 225 // RFC 959 §4.2.2, data connection open; no transfer in progress
	CodeTransferComplete Code = 226 // RFC 959 §4.2.2, closing data connection; requested action successful
	CodePassive          Code = 227 // RFC 959 §4.2.2, entering passive mode (h1,h2,h3,h4,p1,p2)
	CodeExtendedPassive  Code = 229 // RFC 2428 §3, entering extended passive mode (|||port|)
	CodeLoggedIn         Code = 230 // RFC 959 §4.2.2, user logged in, proceed
	CodeLoggedInSecure   Code = 232 // RFC 2228 §3, user logged in, authorized by security data exchange
	CodeAuthOK           Code = 234 // RFC 2228 §3, security data exchange complete (AUTH TLS, RFC 4217 §4)
	CodeFileActionOK     Code = 250 // RFC 959 §4.2.2, requested file action okay, completed
	CodePathCreated      Code = 257 // RFC 959 §4.2.2, "PATHNAME" created

	CodeNeedPassword Code = 331 // RFC 959 §4.2.2, user name okay, need password
	CodeNeedAccount  Code = 332 // RFC 959 §4.2.2, need account for login
	CodePending      Code = 350 // RFC 959 §4.2.2, requested file action pending further information

	CodeServiceUnavailable  Code = 421 // RFC 959 §4.2.2, service not available, closing control connection
	CodeCantOpenData        Code = 425 // RFC 959 §4.2.2, can't open data connection
	CodeTransferAborted     Code = 426 // RFC 959 §4.2.2, connection closed; transfer aborted
	CodeAuthUnavailable     Code = 431 // RFC 2228 §3, need some unavailable resource to process security
	CodeFileBusy            Code = 450 // RFC 959 §4.2.2, requested file action not taken (file busy)
	CodeLocalError          Code = 451 // RFC 959 §4.2.2, requested action aborted: local error in processing
	CodeInsufficientStorage Code = 452 // RFC 959 §4.2.2, requested action not taken: insufficient storage

	CodeSyntax              Code = 500 // RFC 959 §4.2.2, syntax error, command unrecognized
	CodeArgSyntax           Code = 501 // RFC 959 §4.2.2, syntax error in parameters or arguments
	CodeNotImplemented      Code = 502 // RFC 959 §4.2.2, command not implemented
	CodeBadSequence         Code = 503 // RFC 959 §4.2.2, bad sequence of commands
	CodeParamNotImplemented Code = 504 // RFC 959 §4.2.2, command not implemented for that parameter
	CodeDataProtDenied      Code = 521 // RFC 4217 §10, data connection cannot be opened with this PROT setting
	CodeNetProtoUnsupported Code = 522 // RFC 2428 §2, network protocol not supported
	CodeNotLoggedIn         Code = 530 // RFC 959 §4.2.2, not logged in
	CodeNeedAccountToStore  Code = 532 // RFC 959 §4.2.2, need account for storing files
	CodePolicyDenied        Code = 534 // RFC 2228 §3, request denied for policy reasons
	CodeProtUnsupported     Code = 536 // RFC 2228 §3, requested PROT level not supported by mechanism
	CodeFileUnavailable     Code = 550 // RFC 959 §4.2.2, requested action not taken: file unavailable
	CodePageTypeUnknown     Code = 551 // RFC 959 §4.2.2, requested action aborted: page type unknown
	CodeExceededStorage     Code = 552 // RFC 959 §4.2.2, requested file action aborted: exceeded storage allocation
	CodeBadFileName         Code = 553 // RFC 959 §4.2.2, requested action not taken: file name not allowed
	CodeBadRestOffset       Code = 554 // RFC 3659 §5.4, requested action not taken: invalid REST parameter
)

// codeDigits holds "100101102…999" so that String can return a substring for
// every three-digit code without allocating.
var codeDigits = func() string {
	b := make([]byte, 0, 900*3)
	for c := 100; c <= 999; c++ {
		b = strconv.AppendInt(b, int64(c), 10)
	}
	return string(b)
}()

// String returns the code as decimal digits, "226". It does not allocate for
// three-digit codes.
func (c Code) String() string {
	if c >= 100 && c <= 999 {
		i := int(c-100) * 3
		return codeDigits[i : i+3]
	}
	return strconv.Itoa(int(c))
}

// Valid reports whether c is a three-digit code whose first digit is 1 to 5,
// the only classes RFC 959 §4.2 defines.
func (c Code) Valid() bool { return c >= 100 && c <= 599 }

// Positive reports whether c is a positive preliminary, completion or
// intermediate reply (1yz, 2yz or 3yz).
func (c Code) Positive() bool { return c >= 100 && c <= 399 }

// appendCode appends c as exactly three digits. Codes above 999 keep their
// last three digits so the reply stays well formed; callers pass the
// constants above.
func appendCode(dst []byte, c Code) []byte {
	return append(dst, byte('0'+c/100%10), byte('0'+c/10%10), byte('0'+c%10))
}
