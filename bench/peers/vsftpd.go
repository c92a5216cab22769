package peers

import (
	"fmt"
	"os"
	"path/filepath"
)

// vsftpd runs standalone in the foreground, with the settings it needs here
// (no seccomp sandbox, raised client limits, HIGH ciphers for Go clients).
// rsa_cert_file and rsa_private_key_file take an ECDSA pair too: vsftpd
// 3.0.3 hands them to OpenSSL as they are (the bench checks what it
// presents).
func vsftpd() *Peer {
	return &Peer{
		Name: "vsftpd", Read: anonymous, Write: anonymous,
		version: func(env *Env) string { return DebVersion(env.Dir, "vsftpd") },
		command: func(env *Env, run string, port, lo, hi int) ([]string, error) {
			empty := filepath.Join(run, "empty")
			if err := os.MkdirAll(empty, 0o755); err != nil {
				return nil, err
			}
			conf := filepath.Join(run, "vsftpd.conf")
			err := writeFile(conf, fmt.Sprintf(`listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=%d
background=NO
seccomp_sandbox=NO
secure_chroot_dir=%s
anonymous_enable=YES
local_enable=NO
anon_root=%s
ftp_username=ftp
no_anon_password=YES
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_mkdir_write_enable=YES
anon_umask=022
lock_upload_files=NO
ssl_enable=YES
allow_anon_ssl=YES
force_anon_logins_ssl=NO
force_anon_data_ssl=NO
ssl_ciphers=HIGH
require_ssl_reuse=YES
rsa_cert_file=%s
rsa_private_key_file=%s
pasv_enable=YES
pasv_min_port=%d
pasv_max_port=%d
max_clients=20000
max_per_ip=20000
xferlog_enable=NO
dirmessage_enable=NO
use_localtime=NO
`, port, empty, env.Data, env.Cert.CertFile, env.Cert.KeyFile, lo, hi))
			if err != nil {
				return nil, err
			}
			return []string{filepath.Join(env.Dir, "peers/vsftpd/usr/sbin/vsftpd"), conf}, nil
		},
	}
}
