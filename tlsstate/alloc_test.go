//go:build !race

package tlsstate

import (
	"bytes"
	"testing"
)

// Allocation budgets of the per-record paths once a connection is warm.
func TestAllocationBudgets(t *testing.T) {
	for _, v := range versions {
		t.Run(v.name, func(t *testing.T) {
			m, cli, toServer, _ := securePair(t, v.v)
			reply := []byte("226 Transfer complete.\r\n")
			write := func() {
				if err := m.WritePlain(reply); err != nil {
					t.Fatal(err)
				}
				if len(m.TakeOutput()) == 0 {
					t.Fatal("no output")
				}
			}
			write()
			if n := testing.AllocsPerRun(100, write); n != 0 {
				t.Errorf("WritePlain+TakeOutput: %v allocs, want 0", n)
			}

			const runs = 100
			cmd := []byte("RETR some/file.txt\r\n")
			var records [runs + 1][]byte
			for i := range records {
				if _, err := cli.Write(cmd); err != nil {
					t.Fatal(err)
				}
				records[i] = bytes.Clone(toServer.Bytes())
				toServer.Reset()
			}
			dst := make([]byte, 0, 512)
			i := 0
			read := func() {
				if err := m.Feed(records[i]); err != nil {
					t.Fatal(err)
				}
				i++
				out, err := m.ReadPlain(dst[:0])
				if err != nil || !bytes.Equal(out, cmd) {
					t.Fatalf("ReadPlain %q %v", out, err)
				}
			}
			// crypto/tls allocates one small reader per record it reads (atLeastReader in
			// readFromUntil); the machine adds nothing.
			if n := testing.AllocsPerRun(runs, read); n > 1 {
				t.Errorf("Feed+ReadPlain: %v allocs per record, want at most 1", n)
			}
		})
	}
}
