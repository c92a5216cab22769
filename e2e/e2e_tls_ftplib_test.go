package e2e

// Python's ftplib.FTP_TLS against the server: AUTH TLS, PROT P transfers,
// CCC, and PROT C transfers. The script prints what each call returned as
// JSON; the assertions are in Go.
//
// FTP_TLS wraps each data connection in a new TLS session and never
// resumes the control session, so its PROT P transfers need -tls-reuse
// optional; TestTLSFtplibReuseRequired shows the default refusing them with
// 522. FTP_TLS has no implicit mode (it always sends AUTH TLS), so implicit
// FTPS is covered by curl, lftp and the Go clients instead.

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// ftplibTLSScript takes host, port, user, password and a mode ("protp",
// "protc" or "reuse-required") and prints a JSON object of results. Errors
// are results too: {"error": "...", "type": ...}; after an error on the
// data connection, the final reply the server still sent is read into
// "reply" (or "reply_error" when it is a 4xx or 5xx).
const ftplibTLSScript = `
import ftplib, hashlib, io, json, ssl, sys

host, port, user, password, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
res = {}

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE  # the server's certificate is self-signed
f = ftplib.FTP_TLS(context=ctx, timeout=20)

def step(name, fn):
    try:
        res[name] = fn()
    except ftplib.all_errors as e:
        err = {"error": str(e), "type": type(e).__name__}
        if not isinstance(e, ftplib.Error):
            # A failed data connection leaves the final reply unread.
            try:
                err["reply"] = f.getresp()
            except ftplib.all_errors as e2:
                err["reply_error"] = str(e2)
        res[name] = err

def retr(cmd, rest=None):
    buf = io.BytesIO()
    resp = f.retrbinary(cmd, buf.write, rest=rest)
    return [resp, buf.getvalue().decode("latin-1")]

def retr_digest(cmd):
    # The upload is too big to print: its length and SHA-256 instead.
    resp, data = retr(cmd)
    data = data.encode("latin-1")
    return [resp, len(data), hashlib.sha256(data).hexdigest()]

def lines(cmd):
    out = []
    resp = f.retrlines(cmd, out.append)
    return [resp, out]

payload = bytes(range(256)) * 1024 + b"end"

res["welcome"] = f.connect(host, port)
res["auth"] = f.auth()
res["control"] = f.sock.version()
res["login"] = f.login(user, password)
if mode == "protc":
    # prot_c() sends PROT C alone, without PBSZ: accepted as PBSZ 0.
    res["pbsz_prot"] = f.prot_c()
else:
    res["pbsz_prot"] = f.prot_p()  # PBSZ 0, then PROT P

step("retr", lambda: retr("RETR hello.txt"))
step("noop", lambda: f.sendcmd("NOOP"))
step("stor", lambda: f.storbinary("STOR up.bin", io.BytesIO(payload)))
if mode != "reuse-required":
    step("retr_up", lambda: retr_digest("RETR up.bin"))
    step("retr_rest", lambda: retr("RETR hello.txt", rest=6))
    step("mlsd", lambda: [[n, facts] for n, facts in f.mlsd()])
    step("nlst", f.nlst)
    step("list", lambda: lines("LIST sub"))
if mode == "protp":
    step("ccc", f.ccc)
    res["control_after_ccc"] = f.sock.version()  # None once unwrapped
    step("noop_clear", lambda: f.sendcmd("NOOP"))
    step("pwd_clear", f.pwd)
    step("retr_after_ccc", lambda: retr("RETR hello.txt"))
res["quit"] = f.quit()
print(json.dumps(res))
`

// runFtplibTLS runs the script and decodes its output.
func runFtplibTLS(t *testing.T, s *server, a *account, mode string) ftplibResult {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "tls_session.py")
	if err := os.WriteFile(script, []byte(ftplibTLSScript), 0o644); err != nil {
		t.Fatal(err)
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port), a.user, a.pass, mode)
	ls := lines(out)
	var res ftplibResult
	if len(ls) == 0 || json.Unmarshal([]byte(ls[len(ls)-1]), &res) != nil {
		t.Fatalf("python3 output is not JSON:\n%s", out)
	}
	return res
}

// ftplibPayload is what the script uploads.
func ftplibPayload() string {
	b := make([]byte, 0, 256*1024+3)
	for range 1024 {
		for i := range 256 {
			b = append(b, byte(i))
		}
	}
	return string(append(b, "end"...))
}

// checkFtplibSession checks the results every mode that transfers shares.
func checkFtplibSession(t *testing.T, s *server, res ftplibResult, prot string) {
	t.Helper()
	if a := res.str(t, "auth"); !strings.HasPrefix(a, "234") {
		t.Errorf("auth(): %q, want 234", a)
	}
	if v := res.str(t, "control"); v != "TLSv1.3" {
		t.Errorf("control connection: %q, want TLSv1.3", v)
	}
	if l := res.str(t, "login"); !strings.HasPrefix(l, "230") {
		t.Errorf("login: %q", l)
	}
	if p := res.str(t, "pbsz_prot"); !strings.HasPrefix(p, "200") {
		t.Errorf("prot_%s(): %q", strings.ToLower(prot), p)
	}
	resp, data := res.pair(t, "retr")
	var text string
	_ = json.Unmarshal(data, &text)
	if !strings.HasPrefix(resp, "226") || text != helloText {
		t.Errorf("retrbinary hello.txt: %q, %q", resp, text)
	}
	if r := res.str(t, "stor"); !strings.HasPrefix(r, "226") {
		t.Errorf("storbinary: %q", r)
	}
	want := ftplibPayload()
	if got := readFile(t, s.path("up.bin")); got != want {
		t.Errorf("storbinary stored %d bytes, want the %d sent", len(got), len(want))
	}
	sum := sha256.Sum256([]byte(want))
	wantUp := fmt.Sprintf(`[%q, %d, "%x"]`, "226 Transfer complete.", len(want), sum)
	if got := string(res["retr_up"]); got != wantUp {
		t.Errorf("retrbinary of the upload: %s, want %s (reply, length, SHA-256)", got, wantUp)
	}
	resp, data = res.pair(t, "retr_rest")
	_ = json.Unmarshal(data, &text)
	if !strings.HasPrefix(resp, "226") || text != "world\n" {
		t.Errorf("retrbinary with rest=6: %q, %q", resp, text)
	}
	var mlsd [][]json.RawMessage
	if err := json.Unmarshal(res["mlsd"], &mlsd); err != nil {
		t.Errorf("mlsd: %s", res["mlsd"])
	}
	facts := map[string]map[string]string{}
	for _, e := range mlsd {
		var name string
		var f map[string]string
		_ = json.Unmarshal(e[0], &name)
		_ = json.Unmarshal(e[1], &f)
		facts[name] = f
	}
	if f := facts["hello.txt"]; f["type"] != "file" || f["size"] != "12" {
		t.Errorf("mlsd hello.txt: %v", f)
	}
	if f := facts["up.bin"]; f["size"] != strconv.Itoa(len(want)) {
		t.Errorf("mlsd up.bin: %v, want size %d", f, len(want))
	}
	var nlst []string
	if err := json.Unmarshal(res["nlst"], &nlst); err != nil || !containsAll(nlst, []string{"hello.txt", "sub", "up.bin"}) {
		t.Errorf("nlst: %s", res["nlst"])
	}
	resp, data = res.pair(t, "list")
	var list []string
	_ = json.Unmarshal(data, &list)
	if !strings.HasPrefix(resp, "226") || len(list) != 1 || !strings.HasSuffix(list[0], " inner.txt") {
		t.Errorf("retrlines LIST sub: %q, %q", resp, list)
	}
	if q := res.str(t, "quit"); !strings.HasPrefix(q, "221") {
		t.Errorf("quit: %q", q)
	}
}

// TestTLSFtplibProtP: PROT P transfers, then CCC: the control connection
// goes on in the clear and the data stays protected. -tls-reuse optional:
// see the file comment.
func TestTLSFtplibProtP(t *testing.T) {
	t.Parallel()
	s := rawServer(t, "-tls-reuse", "optional")
	res := runFtplibTLS(t, s, &alice, "protp")
	checkFtplibSession(t, s, res, "P")
	if r := res.str(t, "ccc"); !strings.HasPrefix(r, "200") {
		t.Errorf("ccc(): %q, want 200", r)
	}
	if v := string(res["control_after_ccc"]); v != "null" {
		t.Errorf("control connection after ccc(): TLS version %s, want none (clear)", v)
	}
	if r := res.str(t, "noop_clear"); !strings.HasPrefix(r, "200") {
		t.Errorf("NOOP in the clear after CCC: %q", r)
	}
	if p := res.str(t, "pwd_clear"); p != "/" {
		t.Errorf("pwd() in the clear after CCC: %q", p)
	}
	resp, data := res.pair(t, "retr_after_ccc")
	var text string
	_ = json.Unmarshal(data, &text)
	if !strings.HasPrefix(resp, "226") || text != helloText {
		t.Errorf("PROT P retrbinary after CCC: %q, %q", resp, text)
	}
}

// TestTLSFtplibProtC: with PROT C the data crosses in the clear, so
// ftplib's transfers work under the default -tls-reuse user.
func TestTLSFtplibProtC(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	res := runFtplibTLS(t, s, &bob, "protc")
	checkFtplibSession(t, s, res, "C")
}

// TestTLSFtplibReuseRequired: under the default -tls-reuse user (as under
// session, once called required), every ftplib PROT P data connection (a
// new TLS session, resuming nothing) is refused with 522,
// nothing is stored, and the session goes on.
func TestTLSFtplibReuseRequired(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	res := runFtplibTLS(t, s, &alice, "reuse-required")
	for _, k := range []string{"retr", "stor"} {
		if !strings.Contains(string(res[k]), `522 TLS session of data connection not resumed`) {
			t.Errorf("ftplib PROT P %s: %s, want the 522 reply", k, res[k])
		}
	}
	if strings.Contains(string(res["retr"]), "hello world") {
		t.Errorf("ftplib PROT P retr received the file despite the 522: %s", res["retr"])
	}
	if _, err := os.Stat(s.path("up.bin")); !os.IsNotExist(err) {
		t.Errorf("a refused ftplib upload created up.bin: %v", err)
	}
	if r := res.str(t, "noop"); !strings.HasPrefix(r, "200") {
		t.Errorf("NOOP after the 522: %q", r)
	}
	if q := res.str(t, "quit"); !strings.HasPrefix(q, "221") {
		t.Errorf("quit: %q", q)
	}
}
