package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ftplibReuseScript is README's recipe: FTP_TLS never resumes a TLS
// session on its own, so a data connection is wrapped with the control
// connection's session, which the server's default -tls-reuse accepts.
// With it, ftplib logs in, lists (with a glob), downloads and uploads over
// PROT P; it prints the results as JSON.
const ftplibReuseScript = `
import ftplib, io, json, ssl, sys

class ReusingFTP_TLS(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control connection's TLS session."""
    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)
        return conn, size

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the test server's certificate is self-signed
f = ReusingFTP_TLS(context=ctx, timeout=20)
res = {}
f.connect(host, port)
res["login"] = f.login(user, password)
res["prot"] = f.prot_p()
res["nlst"] = sorted(f.nlst("*.txt"))
lines = []
res["list"] = f.retrlines("LIST", lines.append)
res["list_lines"] = len(lines)
buf = io.BytesIO()
res["retr"] = f.retrbinary("RETR hello.txt", buf.write)
res["data"] = buf.getvalue().decode()
res["stor"] = f.storbinary("STOR up.txt", io.BytesIO(b"uploaded over PROT P"))
res["quit"] = f.quit()
print(json.dumps(res))
`

// TestTLSFtplibReusingRecipe: README's ftplib recipe works against the
// defaults (no -tls-reuse given): every PROT P data connection resumes the
// control session (the default refuses one that does not with 522, so
// each 226 shows a resumption).
func TestTLSFtplibReusingRecipe(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	dir := t.TempDir()
	script := filepath.Join(dir, "reuse.py")
	if err := os.WriteFile(script, []byte(ftplibReuseScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port), alice.user, alice.pass)
	ls := lines(out)
	var res map[string]any
	if len(ls) == 0 || json.Unmarshal([]byte(ls[len(ls)-1]), &res) != nil {
		t.Fatalf("python3 output is not JSON:\n%s", out)
	}
	str := func(k string) string { v, _ := res[k].(string); return v }
	for k, prefix := range map[string]string{"login": "230", "prot": "200", "list": "226", "retr": "226", "stor": "226", "quit": "221"} {
		if !strings.HasPrefix(str(k), prefix) {
			t.Errorf("%s: %q, want %s", k, str(k), prefix)
		}
	}
	if got, _ := json.Marshal(res["nlst"]); string(got) != `["hello.txt","text.txt"]` {
		t.Errorf("NLST *.txt: %s", got)
	}
	if n, _ := res["list_lines"].(float64); n < 4 {
		t.Errorf("LIST: %v lines", res["list_lines"])
	}
	if str("data") != helloText {
		t.Errorf("RETR: %q", str("data"))
	}
	if got := readFile(t, s.path("up.txt")); got != "uploaded over PROT P" {
		t.Errorf("STOR stored %q", got)
	}
}
