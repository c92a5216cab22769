package scenario

import (
	"fmt"
	"os"
	"syscall"
)

// prefault touches n bytes of fresh anonymous memory, a write to every
// page, and gives it back to the kernel, just before a bulk upload case.
//
// This machine is a VM whose balloon reports free memory to the host
// (virtio-balloon free page reporting: free blocks of 2 MiB and more,
// 2 s after they were freed), so that the host may take those pages back;
// the first touch of a page it took faults on the host. In the many-stream
// STOR PROT P cases, a third of ftpsd's rounds spent twice the server CPU
// per GB of the others (1.2-1.5 s against 0.55-0.65), 40% of its samples in
// copy_folio_from_iter_atomic, the copy into fresh page-cache folios;
// which rounds met it changed from run to run. Host faults on reported
// pages are the likeliest cause, not a proven one: pages freed a moment
// ago are not reported yet, and the kernel hands them out first, and with
// 2 GiB touched and freed before every upload case 24 of 24 such rounds
// were fast (four runs of 3 rounds, all five servers) while Pure-FTPd's
// stayed where they were. Every server gets the same.
func prefault(n int64) error {
	if n <= 0 {
		return nil
	}
	m, err := syscall.Mmap(-1, 0, int(n), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return fmt.Errorf("scenario: prefault %d bytes: %w", n, err)
	}
	page := os.Getpagesize()
	for i := 0; i < len(m); i += page {
		m[i] = 1
	}
	return syscall.Munmap(m)
}
