package loop

import (
	"sort"
	"strings"

	"github.com/ftpsd/ftpsd/codec"
)

// cmdFlags say what a command may do; the dispatcher enforces them.
type cmdFlags uint16

const (
	needLogin      cmdFlags = 1 << iota // 530 before login
	needArg                             // 501 without an argument
	writes                              // changes the file system: 550 for read-only users
	duringTransfer                      // may run while a transfer job is pending
	needTLSConfig                       // exists only when TLS is configured (else 502)
	opensData                           // uses a data connection: 521 if it must be protected and is not
	// loginCmd marks the commands that log in (USER, PASS): under
	// RequireTLS they get 530 before AUTH TLS, as needLogin commands do.
	loginCmd
	// secretArg keeps the argument (a password) out of the command log.
	secretArg
	// keepsRename keeps a pending RNFR for this command (RNTO); every
	// other command forgets it.
	keepsRename
	// answeredAfterTransfer marks the commands (ABOR, QUIT) that, during
	// a transfer, are answered and logged only after its final reply.
	answeredAfterTransfer
	// notAfterEPSVAll marks the data connection setup commands other than
	// EPSV: after EPSV ALL they get 503 (RFC 2428 §4).
	notAfterEPSVAll
	// weakensTLS marks a command that gives up the control channel's
	// protection (CCC): FEAT leaves it out under RequireTLS, where its
	// handler refuses it.
	weakensTLS
)

// command is one row of the command table.
type command struct {
	verb  string
	fn    func(s *Session, arg []byte) Reply
	flags cmdFlags
	// syntax is the HELP text for the verb.
	syntax string
	// feat is the FEAT line this command adds (RFC 2389), if any.
	feat string
	// featLine, when set, makes the FEAT line from the session instead of
	// feat; "" leaves it out.
	featLine func(s *Session) string
	// row is the command's index in commandList, which the per-verb
	// metrics are indexed by (metrics.go).
	row int
}

// commands is the command table: the single place that says what each
// verb does and may do. HELP and FEAT are generated from it.
var commands map[string]*command

// commandList is the table in a stable order, for HELP and FEAT.
var commandList []*command

func init() {
	table := []*command{
		// Access control, RFC 959 §4.1.1.
		{verb: "USER", fn: cmdUSER, flags: needArg | loginCmd, syntax: "USER <sp> username"},
		{verb: "PASS", fn: cmdPASS, flags: loginCmd | secretArg, syntax: "PASS <sp> password"},
		{verb: "ACCT", fn: cmdACCT, flags: needLogin, syntax: "ACCT <sp> account"},
		{verb: "CWD", fn: cmdCWD, flags: needLogin, syntax: "CWD <sp> pathname"},
		{verb: "XCWD", fn: cmdCWD, flags: needLogin, syntax: "XCWD <sp> pathname"},
		{verb: "CDUP", fn: cmdCDUP, flags: needLogin, syntax: "CDUP"},
		{verb: "XCUP", fn: cmdCDUP, flags: needLogin, syntax: "XCUP"},
		{verb: "REIN", fn: cmdREIN, syntax: "REIN"},
		{verb: "HOST", fn: cmdHOST, flags: needArg, syntax: "HOST <sp> hostname", feat: "HOST"},
		{verb: "QUIT", fn: cmdQUIT, flags: duringTransfer | answeredAfterTransfer, syntax: "QUIT"},

		// Security extensions, RFC 2228 and RFC 4217.
		{verb: "AUTH", fn: cmdAUTH, flags: needArg | needTLSConfig, syntax: "AUTH <sp> TLS", feat: "AUTH TLS"},
		{verb: "PBSZ", fn: cmdPBSZ, flags: needArg | needTLSConfig, syntax: "PBSZ <sp> 0", feat: "PBSZ"},
		{verb: "PROT", fn: cmdPROT, flags: needArg | needTLSConfig, syntax: "PROT <sp> C|P", feat: "PROT"},
		{verb: "CCC", fn: cmdCCC, flags: needTLSConfig | weakensTLS, syntax: "CCC", feat: "CCC"},

		// Transfer parameters, RFC 959 §4.1.2 and RFC 2428.
		{verb: "PORT", fn: cmdPORT, flags: needLogin | needArg | notAfterEPSVAll, syntax: "PORT <sp> h1,h2,h3,h4,p1,p2"},
		{verb: "PASV", fn: cmdPASV, flags: needLogin | notAfterEPSVAll, syntax: "PASV"},
		{verb: "EPRT", fn: cmdEPRT, flags: needLogin | needArg | notAfterEPSVAll, syntax: "EPRT <sp> |af|addr|port|", feat: "EPRT"},
		{verb: "EPSV", fn: cmdEPSV, flags: needLogin, syntax: "EPSV [<sp> 1|2|ALL]", feat: "EPSV"},
		{verb: "TYPE", fn: cmdTYPE, flags: needLogin | needArg, syntax: "TYPE <sp> A|I|L 8"},
		{verb: "STRU", fn: cmdSTRU, flags: needLogin | needArg, syntax: "STRU <sp> F"},
		{verb: "MODE", fn: cmdMODE, flags: needLogin | needArg, syntax: "MODE <sp> S"},

		// Service commands, RFC 959 §4.1.3.
		{verb: "RETR", fn: cmdRETR, flags: needLogin | needArg | opensData, syntax: "RETR <sp> pathname"},
		{verb: "STOR", fn: cmdSTOR, flags: needLogin | needArg | writes | opensData, syntax: "STOR <sp> pathname"},
		{verb: "STOU", fn: cmdSTOU, flags: needLogin | writes | opensData, syntax: "STOU [<sp> pathname]"},
		{verb: "APPE", fn: cmdAPPE, flags: needLogin | needArg | writes | opensData, syntax: "APPE <sp> pathname"},
		{verb: "ALLO", fn: cmdALLO, flags: needLogin, syntax: "ALLO <sp> size"},
		{verb: "REST", fn: cmdREST, flags: needLogin | needArg, syntax: "REST <sp> offset", feat: "REST STREAM"},
		{verb: "RNFR", fn: cmdRNFR, flags: needLogin | needArg | writes, syntax: "RNFR <sp> pathname"},
		{verb: "RNTO", fn: cmdRNTO, flags: needLogin | needArg | writes | keepsRename, syntax: "RNTO <sp> pathname"},
		{verb: "ABOR", fn: cmdABOR, flags: duringTransfer | answeredAfterTransfer, syntax: "ABOR"},
		{verb: "DELE", fn: cmdDELE, flags: needLogin | needArg | writes, syntax: "DELE <sp> pathname"},
		{verb: "RMD", fn: cmdRMD, flags: needLogin | needArg | writes, syntax: "RMD <sp> pathname"},
		{verb: "XRMD", fn: cmdRMD, flags: needLogin | needArg | writes, syntax: "XRMD <sp> pathname"},
		{verb: "MKD", fn: cmdMKD, flags: needLogin | needArg | writes, syntax: "MKD <sp> pathname"},
		{verb: "XMKD", fn: cmdMKD, flags: needLogin | needArg | writes, syntax: "XMKD <sp> pathname"},
		{verb: "PWD", fn: cmdPWD, flags: needLogin, syntax: "PWD"},
		{verb: "XPWD", fn: cmdPWD, flags: needLogin, syntax: "XPWD"},
		{verb: "LIST", fn: cmdLIST, flags: needLogin | opensData, syntax: "LIST [<sp> pathname]"},
		{verb: "NLST", fn: cmdNLST, flags: needLogin | opensData, syntax: "NLST [<sp> pathname]"},
		{verb: "SITE", fn: cmdSITE, flags: needLogin | needArg, syntax: "SITE <sp> CHMOD|HELP"},
		{verb: "SYST", fn: cmdSYST, syntax: "SYST"},
		{verb: "STAT", fn: cmdSTAT, flags: duringTransfer, syntax: "STAT [<sp> pathname]"},
		{verb: "HELP", fn: cmdHELP, syntax: "HELP [<sp> command]"},
		{verb: "NOOP", fn: cmdNOOP, flags: duringTransfer, syntax: "NOOP"},

		// Extensions: RFC 2389, RFC 3659, RFC 2640.
		{verb: "FEAT", fn: cmdFEAT, syntax: "FEAT"},
		{verb: "OPTS", fn: cmdOPTS, flags: needArg, syntax: "OPTS <sp> UTF8 ON|MLST facts|HASH [name]", feat: "UTF8", featLine: featUTF8},
		{verb: "SIZE", fn: cmdSIZE, flags: needLogin | needArg, syntax: "SIZE <sp> pathname", feat: "SIZE"},
		{verb: "MDTM", fn: cmdMDTM, flags: needLogin | needArg, syntax: "MDTM <sp> pathname", feat: "MDTM"},
		{verb: "MFMT", fn: cmdMFMT, flags: needLogin | needArg | writes, syntax: "MFMT <sp> YYYYMMDDHHMMSS <sp> pathname", feat: "MFMT"},
		{verb: "MLST", fn: cmdMLST, flags: needLogin, syntax: "MLST [<sp> pathname]", feat: "MLST", featLine: featMLST},
		{verb: "MLSD", fn: cmdMLSD, flags: needLogin | opensData, syntax: "MLSD [<sp> pathname]"},

		// Checksums: draft-bryan-ftpext-hash-02 and ProFTPD mod_digest's commands (cmd_hash.go).
		{verb: "HASH", fn: cmdHASH, flags: needLogin | needArg, syntax: "HASH <sp> pathname", featLine: featHASH},
		{verb: "XCRC", fn: xhash(codec.HashCRC32), flags: needLogin | needArg, syntax: xhashSyntax("XCRC"), feat: xhashFeat("XCRC")},
		{verb: "XMD5", fn: xhash(codec.HashMD5), flags: needLogin | needArg, syntax: xhashSyntax("XMD5"), feat: xhashFeat("XMD5")},
		{verb: "XSHA1", fn: xhash(codec.HashSHA1), flags: needLogin | needArg, syntax: xhashSyntax("XSHA1"), feat: xhashFeat("XSHA1")},
		{verb: "XSHA256", fn: xhash(codec.HashSHA256), flags: needLogin | needArg, syntax: xhashSyntax("XSHA256"), feat: xhashFeat("XSHA256")},
		{verb: "XSHA512", fn: xhash(codec.HashSHA512), flags: needLogin | needArg, syntax: xhashSyntax("XSHA512"), feat: xhashFeat("XSHA512")},
	}
	commands = make(map[string]*command, len(table))
	for i, c := range table {
		c.row = i
		commands[c.verb] = c
	}
	commandList = table
	helpReply = helpText()
}

// helpReply is the text of a bare HELP, built once from the table.
var helpReply string

// helpText is the 214 reply to a bare HELP: every verb, eight a line.
func helpText() string {
	verbs := make([]string, 0, len(commandList))
	for _, c := range commandList {
		verbs = append(verbs, c.verb)
	}
	sort.Strings(verbs)
	var b strings.Builder
	b.WriteString("The following commands are recognized.")
	for i, v := range verbs {
		if i%8 == 0 {
			b.WriteString("\n ")
		} else {
			b.WriteByte(' ')
		}
		b.WriteString(v)
	}
	b.WriteString("\nHelp OK.")
	return b.String()
}
