package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

func TestInclude(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string]string
		want    string // the main server's ServerName, set by the files read last
		errs    string
		defines []string
	}{
		{
			name: "relative to the including file",
			files: map[string]string{
				mainFile:                   "Include conf.d/a.conf\n",
				"/etc/ftpsd/conf.d/a.conf": "Include b.conf\n",
				"/etc/ftpsd/conf.d/b.conf": "ServerName b.example\n",
				"/etc/ftpsd/b.conf":        "ServerName wrong.example\n",
			},
			want: "b.example",
		},
		{
			name: "absolute",
			files: map[string]string{
				mainFile:      "Include /opt/x.conf\n",
				"/opt/x.conf": "ServerName x.example\n",
			},
			want: "x.example",
		},
		{
			name: "glob in lexical order, directories skipped",
			files: map[string]string{
				mainFile:                       "Include conf.d/*.conf\n",
				"/etc/ftpsd/conf.d/20-b.conf":  "ServerName b.example\n",
				"/etc/ftpsd/conf.d/10-a.conf":  "ServerName a.example\n",
				"/etc/ftpsd/conf.d/30-c.txt":   "ServerName c.example\n",
				"/etc/ftpsd/conf.d/dir.conf/x": "ServerName d.example\n",
			},
			want: "b.example",
		},
		{
			name: "glob in a directory component",
			files: map[string]string{
				mainFile:                        "Include sites/*/ftp.conf\n",
				"/etc/ftpsd/sites/one/ftp.conf": "ServerName one.example\n",
				"/etc/ftpsd/sites/two/ftp.conf": "ServerName two.example\n",
			},
			want: "two.example",
		},
		{
			name: "directory reads every file recursively",
			files: map[string]string{
				mainFile:                  "Include conf.d\n",
				"/etc/ftpsd/conf.d/a":     "ServerName a.example\n",
				"/etc/ftpsd/conf.d/sub/z": "ServerName z.example\n",
			},
			want: "z.example",
		},
		{
			name: "Include inside a section",
			files: map[string]string{
				mainFile:             "<VirtualHost *:21>\nInclude vh.conf\n</VirtualHost>\nServerName main.example\n",
				"/etc/ftpsd/vh.conf": "ServerName vh.example\nFTP On\n",
			},
			want: "main.example",
		},
		{
			name:  "missing file",
			files: map[string]string{mainFile: "FTP On\nInclude missing.conf\n"},
			errs:  mainFile + ":2: Include: open etc/ftpsd/missing.conf: file does not exist",
		},
		{
			name:  "glob matching nothing",
			files: map[string]string{mainFile: "Include conf.d/*.conf\n"},
			errs:  mainFile + ":1: Include: no file matches /etc/ftpsd/conf.d/*.conf",
		},
		{
			name:  "IncludeOptional missing file and empty glob",
			files: map[string]string{mainFile: "IncludeOptional missing.conf\nIncludeOptional conf.d/*.conf\nServerName ok.example\n"},
			want:  "ok.example",
		},
		{
			name:  "bad wildcard",
			files: map[string]string{mainFile: "Include conf.d/[.conf\n"},
			errs:  mainFile + ":1: Include: bad wildcard conf.d/[.conf: syntax error in pattern",
		},
		{
			name:  "Include without argument",
			files: map[string]string{mainFile: "Include\n"},
			errs:  mainFile + ":1: Include takes one argument, a file, directory or wildcard",
		},
		{
			name: "cycle",
			files: map[string]string{
				mainFile:            "Include a.conf\n",
				"/etc/ftpsd/a.conf": "FTP On\nInclude b.conf\n",
				"/etc/ftpsd/b.conf": "Include a.conf\n",
			},
			errs: "/etc/ftpsd/b.conf:1: Include cycle: /etc/ftpsd/a.conf includes /etc/ftpsd/b.conf includes /etc/ftpsd/a.conf",
		},
		{
			name:  "self include",
			files: map[string]string{mainFile: "Include ftpsd.conf\n"},
			errs:  mainFile + ":1: Include cycle: /etc/ftpsd/ftpsd.conf includes /etc/ftpsd/ftpsd.conf",
		},
		{
			name: "errors in included files carry their own file and line",
			files: map[string]string{
				mainFile:            "FTP On\nInclude a.conf\n",
				"/etc/ftpsd/a.conf": "\n\nFrobnicate\n",
			},
			errs: "/etc/ftpsd/a.conf:3: unknown directive Frobnicate",
		},
		{
			name: "section closed in another file",
			files: map[string]string{
				mainFile:            "<VirtualHost *:21>\nInclude a.conf\n",
				"/etc/ftpsd/a.conf": "</VirtualHost>\n",
			},
			errs: "/etc/ftpsd/a.conf:1: </VirtualHost> without matching <VirtualHost> section\n" +
				mainFile + ":1: <VirtualHost> is not closed (missing </VirtualHost>)",
		},

		// Conditionals.
		{
			name: "IfModule loaded and not loaded",
			files: map[string]string{mainFile: "<IfModule mod_ftp.c>\nServerName a.example\n</IfModule>\n" +
				"<IfModule mod_rewrite.c>\nServerName b.example\nRewriteEngine on\nInclude nothing.conf\n</IfModule>\n"},
			want: "a.example",
		},
		{
			name: "IfModule by identifier and negated",
			files: map[string]string{mainFile: "<IfModule ssl_module>\nServerName a.example\n</IfModule>\n" +
				"<IfModule !ssl_module>\nServerName b.example\n</IfModule>\n<IfModule !proxy_module>\nServerName c.example\n</IfModule>\n"},
			want: "c.example",
		},
		{
			name:  "IfModule every listed module",
			files: map[string]string{mainFile: ifModules(loadedModuleList()) + "ServerName ok.example\n"},
			want:  "ok.example",
		},
		{
			name:  "IfModule without argument",
			files: map[string]string{mainFile: "<IfModule>\nFTP On\n</IfModule>\n"},
			errs:  mainFile + ":1: <IfModule> takes one argument, [!]name",
		},
		{
			name:  "IfDefine nothing defined",
			files: map[string]string{mainFile: "ServerName a.example\n<IfDefine TLS>\nServerName b.example\n</IfDefine>\n"},
			want:  "a.example",
		},
		{
			name:    "IfDefine defined",
			files:   map[string]string{mainFile: "<IfDefine TLS>\nServerName b.example\n</IfDefine>\n<IfDefine !TLS>\nServerName c.example\n</IfDefine>\n"},
			defines: []string{"TLS"},
			want:    "b.example",
		},
		{
			name:  "nested conditionals",
			files: map[string]string{mainFile: "<IfModule mod_ssl>\n<IfDefine !X>\n<IfModule !mod_foo>\nServerName n.example\n</IfModule>\n</IfDefine>\n</IfModule>\n"},
			want:  "n.example",
		},
		{
			name:  "false conditional still needs balanced sections",
			files: map[string]string{mainFile: "<IfModule mod_foo>\n<VirtualHost *:21>\n</IfModule>\n"},
			errs:  mainFile + ":3: </IfModule> closes <IfModule> but <VirtualHost> (line 2) is still open",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, err := loadFiles(t, tt.files, tt.defines...)
			if got := errString(err); got != tt.errs {
				t.Fatalf("errors:\n got %q\nwant %q", got, tt.errs)
			}
			if err != nil {
				return
			}
			if got := cfg.Main.ServerName.Value; got != tt.want {
				t.Errorf("ServerName %q, want %q", got, tt.want)
			}
		})
	}
}

func loadedModuleList() []string {
	var out []string
	for m := range loadedModules {
		out = append(out, m, m+".c")
	}
	return out
}

// ifModules wraps a marker directive in <IfModule m> for each module; each must hold.
func ifModules(mods []string) string {
	var b strings.Builder
	for _, m := range mods {
		fmt.Fprintf(&b, "<IfModule %s>\nServerName %s.example\n</IfModule>\n<IfModule !%s>\nFrobnicate\n</IfModule>\n",
			m, strings.NewReplacer(".", "-", "_", "-").Replace(m), m)
	}
	return b.String()
}

func TestIncludeBounds(t *testing.T) {
	t.Run("include depth", func(t *testing.T) {
		fs := map[string]string{mainFile: "Include /d/0.conf\n"}
		for i := 0; i < 40; i++ {
			fs[fmt.Sprintf("/d/%d.conf", i)] = fmt.Sprintf("Include /d/%d.conf\n", i+1)
		}
		_, _, err := loadFiles(t, fs)
		if got, want := errString(err), "/d/31.conf:1: Include nested deeper than 32 files"; got != want || !errors.Is(err, ErrLimit) {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("file count", func(t *testing.T) {
		m := map[string]string{mainFile: "Include /d/*.conf\n"}
		for i := 0; i < 20; i++ {
			m[fmt.Sprintf("/d/%02d.conf", i)] = "ServerName x\n"
		}
		l := Loader{MaxFiles: 10, fs: files(m)}
		_, _, err := l.Load(mainFile)
		if got, want := errString(err), mainFile+":1: more than 10 configuration files"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("total size", func(t *testing.T) {
		m := map[string]string{mainFile: "Include /d/*.conf\n", "/d/a.conf": strings.Repeat("#\n", 30), "/d/b.conf": strings.Repeat("#\n", 30)}
		l := Loader{MaxBytes: 100, fs: files(m)}
		_, _, err := l.Load(mainFile)
		if got, want := errString(err), mainFile+":1: configuration larger than 100 bytes in total"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("main file too large", func(t *testing.T) {
		l := Loader{MaxBytes: 10, fs: files(map[string]string{mainFile: strings.Repeat("#", 11)})}
		_, _, err := l.Load(mainFile)
		if got, want := errString(err), mainFile+": configuration larger than 10 bytes in total"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("main file missing", func(t *testing.T) {
		_, _, err := loadFiles(t, map[string]string{})
		if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrInclude) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("error cap", func(t *testing.T) {
		src := strings.Repeat("Frobnicate\n", 60)
		l := Loader{MaxErrors: 5, fs: files(map[string]string{mainFile: src})}
		_, _, err := l.Load(mainFile)
		var list ErrorList
		if !errors.As(err, &list) || len(list) != 5 {
			t.Fatalf("got %v", err)
		}
		if got, want := list[4].Error(), mainFile+":5: too many errors (56 more not shown)"; got != want || !errors.Is(list[4], ErrTooMany) {
			t.Errorf("last %q, want %q", got, want)
		}
	})
}

func TestIncludeDisk(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := writeFile(dir+"/"+name, s); err != nil {
			t.Fatal(err)
		}
	}
	write("ftpsd.conf", "Include conf.d/*.conf\nIncludeOptional nothing/*.conf\n")
	write("conf.d/a.conf", "Listen 127.0.0.1:2121\n<VirtualHost *:2121>\nFTP On\n</VirtualHost>\n")
	cfg, _, err := Load(dir + "/ftpsd.conf")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Listen) != 1 || cfg.Listen[0].Addr() != "127.0.0.1:2121" || len(cfg.VirtualHosts) != 1 {
		t.Errorf("got %+v", cfg.Listen)
	}
	if cfg.ServerRoot != dir {
		t.Errorf("ServerRoot %q, want %q", cfg.ServerRoot, dir)
	}
}
