//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package datastore

import (
	"os"
	"sync"
	"syscall"
)

// mapFile maps the first size bytes of f (size > 0) privately and writably,
// and returns a function that unmaps them (once; later calls do nothing).
// Tests replace it to exercise the fallback.
var mapFile = func(f *os.File, size int) ([]byte, func() error, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, nil, err
	}
	var data []byte
	cerr := rc.Control(func(fd uintptr) {
		data, err = syscall.Mmap(int(fd), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	})
	if cerr != nil {
		return nil, nil, cerr
	}
	if err != nil {
		return nil, nil, err
	}
	var once sync.Once
	release := func() error {
		var err error
		once.Do(func() { err = syscall.Munmap(data) })
		return err
	}
	return data, release, nil
}
