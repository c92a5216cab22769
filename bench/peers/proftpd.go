package peers

import (
	"fmt"
	"path/filepath"
)

// proftpd runs standalone in the foreground (-n) with mod_tls loaded from
// the unpacked proftpd-mod-crypto; anonymous sessions through <Anonymous>.
func proftpd() *Peer {
	return &Peer{
		Name: "proftpd", Read: anonymous, Write: anonymous,
		version: func(env *Env) string { return DebVersion(env.Dir, "proftpd-core") },
		command: func(env *Env, run string, port, lo, hi int) ([]string, error) {
			conf := filepath.Join(run, "proftpd.conf")
			err := writeFile(conf, fmt.Sprintf(`ServerName "ftpbench"
ServerType standalone
DefaultServer on
DefaultAddress 127.0.0.1
SocketBindTight on
UseIPv6 off
Port %d
User nobody
Group nogroup
PidFile %s/proftpd.pid
ScoreboardFile /var/run/ftpbench-proftpd.scoreboard
DelayTable none
WtmpLog off
UseReverseDNS off
TransferLog none
SystemLog %s/proftpd.log
MaxInstances 20000
PassivePorts %d %d
AllowOverwrite on
AllowStoreRestart on
RequireValidShell off
ModulePath %s
LoadModule mod_tls.c
TLSEngine on
TLSProtocol TLSv1.2 TLSv1.3
%sTLSRequired off
TLSVerifyClient off
<Anonymous %s>
  User ftp
  Group ftp
  UserAlias anonymous ftp
  RequireValidShell off
  MaxClients 20000
  <Limit WRITE>
    AllowAll
  </Limit>
</Anonymous>
`, port, run, run, lo, hi, filepath.Join(env.Dir, "peers/proftpd-mod-crypto/usr/lib/proftpd"),
				proftpdCert(env.Cert), env.Data))
			if err != nil {
				return nil, err
			}
			return []string{filepath.Join(env.Dir, "peers/proftpd-core/usr/sbin/proftpd"), "-n", "-q", "-c", conf}, nil
		},
	}
}

// proftpdCert is mod_tls's certificate directives for c: it takes an EC
// key only through its TLSEC* pair.
func proftpdCert(c *Cert) string {
	d := "RSA"
	if c.Kind == ECDSA {
		d = "EC"
	}
	return fmt.Sprintf("TLS%sCertificateFile %s\nTLS%sCertificateKeyFile %s\n", d, c.CertFile, d, c.KeyFile)
}
