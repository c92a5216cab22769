package setup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftpsd/ftpsd/loop"
)

// reloadConf is a file with one CustomLog; ROOT and LOG are replaced.
const reloadConf = `Listen 127.0.0.1:0
FTP On
DocumentRoot ROOT
LogFormat "%u %r %>s" cmd
CustomLog LOG cmd
`

// TestReload: a file that builds is applied and its new CustomLog opened
// while the one kept is shared; one that does not is never applied, logs
// -t's text, and leaves the logs as they were; a process setting that
// changed is reported as needing a restart; a server that refuses the new
// configuration leaves the old one and no file open behind it.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "ftpsd.conf")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logA, logB := filepath.Join(dir, "a.log"), filepath.Join(dir, "b.log")
	first := strings.NewReplacer("ROOT", root, "LOG", logA).Replace(reloadConf)
	write(first)
	plan, errs := Load(conf, Flags{})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var stderr bytes.Buffer
	logs, err := plan.OpenLogs(&stderr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = logs.Close() })
	srv, err := plan.Build(logs)
	if err != nil {
		t.Fatal(err)
	}
	var applied []loop.Config
	apply := func(c loop.Config) ([]string, error) {
		applied = append(applied, c)
		return []string{"Workers"}, nil
	}

	t.Run("broken file", func(t *testing.T) {
		write(first + "FTPBogus On\n")
		if got := srv.Reload(conf, Flags{}, logs, apply); got != srv {
			t.Error("a broken file replaced the configuration")
		}
		if len(applied) != 0 {
			t.Error("a broken file was applied")
		}
		_ = logs.errorLog.Flush()
		if want := conf + ":6: unknown directive FTPBogus"; !strings.Contains(stderr.String(), want) {
			t.Errorf("the error log has no %q:\n%s", want, stderr.String())
		}
		if len(logs.writers) != 1 {
			t.Errorf("a failed reload left %d log files, want 1", len(logs.writers))
		}
	})

	t.Run("good file", func(t *testing.T) {
		second := first + "CustomLog " + logB + " cmd\nPidFile " + filepath.Join(dir, "pid") + "\n"
		write(second)
		next := srv.Reload(conf, Flags{}, logs, apply)
		if next == srv || len(applied) != 1 {
			t.Fatalf("a good file was not applied (%d applied)", len(applied))
		}
		if applied[0].Log == nil || applied[0].Root != root {
			t.Errorf("applied host: root %q, log %v", applied[0].Root, applied[0].Log)
		}
		if len(logs.writers) != 2 || logs.writers[logA] == nil || logs.writers[logB] == nil {
			t.Errorf("log files after the reload: %v, want a.log (kept) and b.log (new)", logs.writers)
		}
		_ = logs.errorLog.Flush()
		for _, want := range []string{
			`msg="SIGHUP: setting changed, needs a restart" setting=Workers`,
			`msg="SIGHUP: setting changed, needs a restart" setting=PidFile`,
			`msg="SIGHUP: configuration reloaded" hosts=1`,
		} {
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("the error log has no %q:\n%s", want, stderr.String())
			}
		}
		srv = next
	})

	t.Run("server refuses", func(t *testing.T) {
		write(strings.Replace(first, logA, filepath.Join(dir, "c.log"), 1))
		refuse := func(loop.Config) ([]string, error) { return nil, errors.New("loop: reload: no root") }
		if got := srv.Reload(conf, Flags{}, logs, refuse); got != srv {
			t.Error("a refused configuration replaced the old one")
		}
		if _, ok := logs.writers[filepath.Join(dir, "c.log")]; ok || len(logs.writers) != 2 {
			t.Errorf("log files after a refused reload: %v, want a.log and b.log only", logs.writers)
		}
		_ = logs.errorLog.Flush()
		if !strings.Contains(stderr.String(), `err="loop: reload: no root"`) {
			t.Errorf("the error log has no refusal:\n%s", stderr.String())
		}
	})
}
