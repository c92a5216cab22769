package ftpsdtest_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/jlaffaye/ftp"

	"github.com/ftpsd/ftpsd/ftpsdtest"
)

// A program without a testing.T starts the server itself, then logs in and
// downloads a file with an FTP client (here github.com/jlaffaye/ftp).
func Example() {
	srv := ftpsdtest.NewUnstartedServer(ftpsdtest.Options{
		Users: map[string]string{"alice": "secret"},
	})
	srv.Start()
	defer srv.Close()
	if err := os.WriteFile(filepath.Join(srv.Root, "hello.txt"), []byte("hello, world\n"), 0o644); err != nil {
		panic(err)
	}

	c, err := ftp.Dial(srv.Addr, ftp.DialWithTimeout(5*time.Second))
	if err != nil {
		panic(err)
	}
	defer c.Quit()
	if err := c.Login("alice", "secret"); err != nil {
		panic(err)
	}
	r, err := c.Retr("hello.txt")
	if err != nil {
		panic(err)
	}
	b, err := io.ReadAll(r)
	r.Close()
	if err != nil {
		panic(err)
	}
	fmt.Print(string(b))
	// Output: hello, world
}
