package codec

import (
	"io/fs"
	"testing"
	"time"
)

// fakeInfo is an fs.FileInfo built by hand, so codec tests need no disk.
type fakeInfo struct {
	name string
	size int64
	mode fs.FileMode
	mod  time.Time
	sys  any
}

func (fi *fakeInfo) Name() string       { return fi.name }
func (fi *fakeInfo) Size() int64        { return fi.size }
func (fi *fakeInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fakeInfo) ModTime() time.Time { return fi.mod }
func (fi *fakeInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fakeInfo) Sys() any           { return fi.sys }

var listNow = time.Date(2026, time.November, 25, 2, 0, 0, 0, time.UTC)

func TestAppendList(t *testing.T) {
	recent := time.Date(2026, time.November, 25, 1, 21, 0, 0, time.UTC)
	old := time.Date(2020, time.March, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		fi     *fakeInfo
		lname  string
		target string
		want   string
		needSt bool
	}{
		{
			"vsftpd directory", &fakeInfo{size: 4096, mode: fs.ModeDir | 0o755, mod: recent, sys: testStat()}, "pub", "",
			"drwxr-xr-x    2 ftp      ftp          4096 Nov 25 01:21 pub\r\n", true,
		},
		{
			"old file, no Stat_t", &fakeInfo{size: 12, mode: 0o644, mod: old}, "a.txt", "",
			"-rw-r--r--    1 ftp      ftp            12 Mar  5  2020 a.txt\r\n", false,
		},
		{
			"symbolic link", &fakeInfo{size: 7, mode: fs.ModeSymlink | 0o777, mod: recent}, "latest", "v1.2.3",
			"lrwxrwxrwx    1 ftp      ftp             7 Nov 25 01:21 latest -> v1.2.3\r\n", false,
		},
		{
			"size wider than the column", &fakeInfo{size: 123456789012, mode: 0o600, mod: recent}, "big.iso", "",
			"-rw-------    1 ftp      ftp      123456789012 Nov 25 01:21 big.iso\r\n", false,
		},
		{
			"name with spaces", &fakeInfo{mode: 0o644, mod: recent}, " a b ", "",
			"-rw-r--r--    1 ftp      ftp             0 Nov 25 01:21  a b \r\n", false,
		},
		{
			"time in another zone is shown in UTC",
			&fakeInfo{mode: 0o644, mod: time.Date(2026, time.November, 24, 20, 21, 0, 0, time.FixedZone("EST", -5*3600))}, "z", "",
			"-rw-r--r--    1 ftp      ftp             0 Nov 25 01:21 z\r\n", false,
		},
		{
			"just under six months old", &fakeInfo{mode: 0o644, mod: listNow.Add(-recentWindow + time.Second)}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 May 26 11:05 f\r\n", false,
		},
		{
			"six months old", &fakeInfo{mode: 0o644, mod: listNow.Add(-recentWindow)}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 May 26  2026 f\r\n", false,
		},
		{
			"one hour ahead", &fakeInfo{mode: 0o644, mod: listNow.Add(time.Hour)}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 Nov 25 03:00 f\r\n", false,
		},
		{
			"more than an hour ahead", &fakeInfo{mode: 0o644, mod: listNow.Add(time.Hour + time.Second)}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 Nov 25  2026 f\r\n", false,
		},
		{
			"zero time", &fakeInfo{mode: 0o644}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 Jan  1     1 f\r\n", false,
		},
		{
			"negative size shown as zero", &fakeInfo{size: -1, mode: 0o644, mod: recent}, "f", "",
			"-rw-r--r--    1 ftp      ftp             0 Nov 25 01:21 f\r\n", false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.needSt && tt.fi.sys == nil {
				t.Skip("no syscall.Stat_t on this platform")
			}
			got := string(AppendList([]byte("x"), tt.fi, tt.lname, tt.target, listNow))
			if got != "x"+tt.want {
				t.Errorf("AppendList =\n%q\nwant\n%q", got, "x"+tt.want)
			}
		})
	}
}

func TestAppendMode(t *testing.T) {
	tests := []struct {
		name string
		mode fs.FileMode
		want string
	}{
		{"regular file", 0o644, "-rw-r--r--"},
		{"no permissions", 0, "----------"},
		{"directory", fs.ModeDir | 0o755, "drwxr-xr-x"},
		{"symbolic link", fs.ModeSymlink | 0o777, "lrwxrwxrwx"},
		{"named pipe", fs.ModeNamedPipe | 0o644, "prw-r--r--"},
		{"socket", fs.ModeSocket | 0o755, "srwxr-xr-x"},
		{"character device", fs.ModeDevice | fs.ModeCharDevice | 0o666, "crw-rw-rw-"},
		{"block device", fs.ModeDevice | 0o660, "brw-rw----"},
		{"setuid", fs.ModeSetuid | 0o755, "-rwsr-xr-x"},
		{"setuid without execute", fs.ModeSetuid | 0o644, "-rwSr--r--"},
		{"setgid", fs.ModeSetgid | 0o755, "-rwxr-sr-x"},
		{"setgid without execute", fs.ModeSetgid | 0o644, "-rw-r-Sr--"},
		{"sticky directory", fs.ModeDir | fs.ModeSticky | 0o777, "drwxrwxrwt"},
		{"sticky without execute", fs.ModeDir | fs.ModeSticky | 0o776, "drwxrwxrwT"},
		{"all special bits", fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky | 0o777, "-rwsrwsrwt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendMode(nil, tt.mode)); got != tt.want {
				t.Errorf("AppendMode(%v) = %q, want %q", tt.mode, got, tt.want)
			}
		})
	}
}

func BenchmarkAppendList(b *testing.B) {
	fi := &fakeInfo{size: 1 << 20, mode: 0o644, mod: listNow.Add(-time.Hour), sys: testStat()}
	dst := make([]byte, 0, 256)
	b.ReportAllocs()
	for b.Loop() {
		dst = AppendList(dst[:0], fi, "some-file-name.tar.gz", "", listNow)
	}
}
