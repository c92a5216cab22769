package e2e

// Python's ftplib against the server: the script below runs a session and
// prints what each call returned as JSON; the assertions are in Go.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ftplibScript takes host, port, user, password and a mode ("rw", "ro" or
// "abort") and prints a JSON object of results. Errors are results too:
// {"error": "550 ..."}.
const ftplibScript = `
import ftplib, io, json, socket, sys

host, port, user, password, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
res = {}

def step(name, fn):
    try:
        res[name] = fn()
    except ftplib.all_errors as e:
        res[name] = {"error": str(e)}

f = ftplib.FTP()
res["welcome"] = f.connect(host, port, timeout=20)
res["login"] = f.login(user, password)

def retr(cmd):
    buf = io.BytesIO()
    resp = f.retrbinary(cmd, buf.write)
    return [resp, buf.getvalue().decode("latin-1")]

def lines(cmd):
    out = []
    resp = f.retrlines(cmd, out.append)
    return [resp, out]

if mode == "abort":
    f.voidcmd("TYPE I")
    f.sock.settimeout(10)
    conn = f.transfercmd("RETR big.bin")
    got = 0
    while got < (1 << 20):
        chunk = conn.recv(65536)
        if not chunk:
            break
        got += len(chunk)
    res["received"] = got
    res["abort"] = f.abort()
    f.sock.settimeout(10)
    res["after_abort"] = f.getresp() if res["abort"].startswith("426") else None
    conn.close()
    res["noop"] = f.sendcmd("NOOP")
    step("retr_after", lambda: retr("RETR hello.txt"))
    res["quit"] = f.quit()
    print(json.dumps(res))
    sys.exit(0)

step("pwd", f.pwd)
step("retr", lambda: retr("RETR hello.txt"))
step("retr_rest", lambda: [f.retrbinary("RETR hello.txt", io.BytesIO().write, rest=6)])
step("list", lambda: lines("LIST"))
step("nlst", f.nlst)
step("mlsd", lambda: [[n, facts] for n, facts in f.mlsd()])
step("mlsd_sub", lambda: [[n, facts] for n, facts in f.mlsd("sub", ["type", "size"])])
step("stat", lambda: f.sendcmd("STAT"))
step("size", lambda: f.size("hello.txt"))
step("cwd", lambda: f.cwd("sub"))
step("pwd_sub", f.pwd)
step("cwd_up", lambda: f.cwd(".."))
step("stor", lambda: f.storbinary("STOR up.bin", io.BytesIO(bytes(range(256)) * 1024)))
step("rename", lambda: f.rename("up.bin", "moved.bin"))
step("size_moved", lambda: f.size("moved.bin"))
step("delete", lambda: f.delete("moved.bin"))
step("mkd", lambda: f.mkd("newdir"))
step("rmd", lambda: f.rmd("newdir"))
step("mkd_quote", lambda: f.mkd('a"b'))
step("mkd_quote_raw", lambda: f.sendcmd('MKD q"uo"te'))
step("cwd_quote", lambda: f.cwd('a"b'))
step("pwd_quote", f.pwd)
step("pwd_quote_raw", lambda: f.sendcmd("PWD"))
step("cwd_root", lambda: f.cwd("/"))
step("storlines", lambda: f.storlines("STOR lines.txt", io.BytesIO(b"one\ntwo\n")))
step("retrlines", lambda: lines("RETR lines.txt"))
f.set_pasv(False)
step("active_retr", lambda: retr("RETR hello.txt"))
step("active_nlst", f.nlst)
step("active_stor", lambda: f.storbinary("STOR active.bin", io.BytesIO(b"active upload")))
res["quit"] = f.quit()
print(json.dumps(res))
`

type ftplibResult map[string]json.RawMessage

// runFtplib runs the script and decodes its output.
func runFtplib(t *testing.T, s *server, a *account, mode string) ftplibResult {
	t.Helper()
	dir := t.TempDir()
	script := filepath.Join(dir, "session.py")
	if err := os.WriteFile(script, []byte(ftplibScript), 0o644); err != nil {
		t.Fatal(err)
	}
	user, pass := "anonymous", "e2e@example.com"
	if a != nil {
		user, pass = a.user, a.pass
	}
	out := mustRunTool(t, dir, "python3", script, s.host, strconv.Itoa(s.port), user, pass, mode)
	var res ftplibResult
	if err := json.Unmarshal([]byte(lines(out)[len(lines(out))-1]), &res); err != nil {
		t.Fatalf("python3 output is not JSON: %v\n%s", err, out)
	}
	return res
}

// str returns a result that is a string; an error result fails the test.
func (r ftplibResult) str(t *testing.T, key string) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(r[key], &s); err != nil {
		t.Errorf("ftplib %s: %s, want a string reply", key, r[key])
	}
	return s
}

// pair returns a [reply, data] result.
func (r ftplibResult) pair(t *testing.T, key string) (string, json.RawMessage) {
	t.Helper()
	var p []json.RawMessage
	var resp string
	if err := json.Unmarshal(r[key], &p); err != nil || len(p) == 0 || json.Unmarshal(p[0], &resp) != nil {
		t.Errorf("ftplib %s: %s, want [reply, data]", key, r[key])
		return "", nil
	}
	if len(p) < 2 {
		return resp, nil
	}
	return resp, p[1]
}

func (r ftplibResult) errText(key string) string {
	var e struct{ Error string }
	_ = json.Unmarshal(r[key], &e)
	return e.Error
}

func TestFtplib(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	res := runFtplib(t, s, &alice, "rw")

	if w := res.str(t, "welcome"); !strings.HasPrefix(w, "220") {
		t.Errorf("welcome %q", w)
	}
	if l := res.str(t, "login"); !strings.HasPrefix(l, "230") {
		t.Errorf("login %q", l)
	}
	if p := res.str(t, "pwd"); p != "/" {
		t.Errorf("pwd %q", p)
	}
	resp, data := res.pair(t, "retr")
	var text string
	_ = json.Unmarshal(data, &text)
	if !strings.HasPrefix(resp, "226") || text != helloText {
		t.Errorf("retrbinary: %q, %q", resp, text)
	}
	if resp, _ := res.pair(t, "retr_rest"); !strings.HasPrefix(resp, "226") {
		t.Errorf("retrbinary with rest: %q", resp)
	}

	resp, data = res.pair(t, "list")
	var list []string
	_ = json.Unmarshal(data, &list)
	if !strings.HasPrefix(resp, "226") || !slices.ContainsFunc(list, func(l string) bool { return strings.HasSuffix(l, " hello.txt") && listRE.MatchString(l) }) {
		t.Errorf("retrlines LIST: %q, %q", resp, list)
	}
	var nlst []string
	if err := json.Unmarshal(res["nlst"], &nlst); err != nil || !containsAll(nlst, []string{"hello.txt", "sub", "text.txt"}) {
		t.Errorf("nlst: %s", res["nlst"])
	}
	var mlsd [][]json.RawMessage
	if err := json.Unmarshal(res["mlsd"], &mlsd); err != nil {
		t.Fatalf("mlsd: %s", res["mlsd"])
	}
	facts := map[string]map[string]string{}
	for _, e := range mlsd {
		var name string
		var f map[string]string
		_ = json.Unmarshal(e[0], &name)
		_ = json.Unmarshal(e[1], &f)
		facts[name] = f
	}
	if f := facts["hello.txt"]; f["type"] != "file" || f["size"] != "12" || f["modify"] != "20210203040506" || f["perm"] == "" || f["unique"] == "" {
		t.Errorf("mlsd hello.txt: %v", f)
	}
	if f := facts["sub"]; f["type"] != "dir" {
		t.Errorf("mlsd sub: %v", f)
	}
	if !strings.Contains(string(res["mlsd_sub"]), `["inner.txt", {"type": "file", "size": "5"}]`) {
		t.Errorf("mlsd('sub', ['type', 'size']) (OPTS MLST): %s", res["mlsd_sub"])
	}
	if st := res.str(t, "stat"); !strings.HasPrefix(st, "211") || !strings.Contains(st, "\n") {
		t.Errorf("sendcmd('STAT'): %q, want a multi-line 211", st)
	}
	if string(res["size"]) != "12" {
		t.Errorf("size: %s", res["size"])
	}
	if p := res.str(t, "pwd_sub"); p != "/sub" {
		t.Errorf("pwd after cwd('sub'): %q", p)
	}
	if r := res.str(t, "stor"); !strings.HasPrefix(r, "226") {
		t.Errorf("storbinary: %q", r)
	}
	if r := res.str(t, "rename"); !strings.HasPrefix(r, "250") {
		t.Errorf("rename: %q", r)
	}
	if string(res["size_moved"]) != "262144" {
		t.Errorf("size of the renamed upload: %s", res["size_moved"])
	}
	if r := res.str(t, "delete"); !strings.HasPrefix(r, "250") {
		t.Errorf("delete: %q", r)
	}
	if _, err := os.Stat(s.path("moved.bin")); !os.IsNotExist(err) {
		t.Errorf("moved.bin still on disk: %v", err)
	}
	if p := res.str(t, "mkd"); p != "/newdir" {
		t.Errorf("mkd: %q", p)
	}
	if r := res.str(t, "rmd"); !strings.HasPrefix(r, "250") {
		t.Errorf("rmd: %q", r)
	}
	// RFC 959 Appendix II: a quote in a 257 path is doubled.
	if p := res.str(t, "mkd_quote"); p != `/a"b` {
		t.Errorf(`mkd('a"b') parsed as %q, want /a"b`, p)
	}
	if r := res.str(t, "mkd_quote_raw"); r != `257 "/q""uo""te" directory created.` && !strings.HasPrefix(r, `257 "/q""uo""te"`) {
		t.Errorf(`MKD q"uo"te: %q, want 257 "/q""uo""te" ...`, r)
	}
	if fi, err := os.Stat(s.path(`q"uo"te`)); err != nil || !fi.IsDir() {
		t.Errorf(`q"uo"te on disk: %v`, err)
	}
	if p := res.str(t, "pwd_quote"); p != `/a"b` {
		t.Errorf(`pwd in a"b: %q`, p)
	}
	if r := res.str(t, "pwd_quote_raw"); !strings.HasPrefix(r, `257 "/a""b"`) {
		t.Errorf(`PWD in a"b: %q, want 257 "/a""b" ...`, r)
	}
	if r := res.str(t, "storlines"); !strings.HasPrefix(r, "226") {
		t.Errorf("storlines: %q", r)
	}
	if got := readFile(t, s.path("lines.txt")); got != "one\ntwo\n" {
		t.Errorf("storlines (TYPE A, CRLF on the wire) stored %q", got)
	}
	resp, data = res.pair(t, "retrlines")
	if !strings.HasPrefix(resp, "226") || string(data) != `["one", "two"]` {
		t.Errorf("retrlines RETR: %q %s", resp, data)
	}
	resp, data = res.pair(t, "active_retr")
	_ = json.Unmarshal(data, &text)
	if !strings.HasPrefix(resp, "226") || text != helloText {
		t.Errorf("active (PORT) retrbinary: %q, %q", resp, text)
	}
	if err := json.Unmarshal(res["active_nlst"], &nlst); err != nil || !slices.Contains(nlst, "hello.txt") {
		t.Errorf("active nlst: %s", res["active_nlst"])
	}
	if got := readFile(t, s.path("active.bin")); got != "active upload" {
		t.Errorf("active storbinary stored %q", got)
	}
	if q := res.str(t, "quit"); !strings.HasPrefix(q, "221") {
		t.Errorf("quit: %q", q)
	}
}

// TestFtplibAnonymous: reads work, writes raise error_perm 550.
func TestFtplibAnonymous(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	before := readTree(t, s.root)
	res := runFtplib(t, s, nil, "rw")
	resp, data := res.pair(t, "retr")
	if !strings.HasPrefix(resp, "226") || !strings.Contains(string(data), "hello world") {
		t.Errorf("anonymous retrbinary: %q %s", resp, data)
	}
	for _, k := range []string{"stor", "rename", "delete", "mkd", "rmd", "mkd_quote", "storlines", "active_stor"} {
		if e := res.errText(k); !strings.HasPrefix(e, "550") {
			t.Errorf("anonymous %s: %s, want error 550", k, res[k])
		}
	}
	if diff := diffTrees(before, readTree(t, s.root)); len(diff) > 0 {
		t.Errorf("anonymous ftplib session changed the tree: %v", diff)
	}
}

// TestFtplibAbort: transfercmd + abort() in the middle of a 64 MiB RETR
// gives 426 for the transfer, then 226 for ABOR, and the session goes on.
// ftplib sends ABOR with MSG_OOB, as many clients do.
func TestFtplibAbort(t *testing.T) {
	t.Parallel()
	s := rawServer(t)
	res := runFtplib(t, s, &alice, "abort")
	if n, _ := strconv.Atoi(string(res["received"])); n < 1<<20 {
		t.Errorf("received %s bytes before ABOR, want 1 MiB", res["received"])
	}
	if a := res.str(t, "abort"); !strings.HasPrefix(a, "426") {
		t.Errorf("abort(): %q, want 426 for the transfer", a)
	}
	if a := res.str(t, "after_abort"); !strings.HasPrefix(a, "226") {
		t.Errorf("reply after 426: %q, want 226 for ABOR", a)
	}
	if r := res.str(t, "noop"); !strings.HasPrefix(r, "200") {
		t.Errorf("NOOP after ABOR: %q", r)
	}
	if resp, _ := res.pair(t, "retr_after"); !strings.HasPrefix(resp, "226") {
		t.Errorf("RETR after ABOR: %s", res["retr_after"])
	}
}
