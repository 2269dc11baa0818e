package datastore

import (
	"errors"
	"os"
	"sync/atomic"
	"testing"
)

// MapAbove is the stored size from which a blob is mapped.
const MapAbove = mapAbove

// HookMap counts the files Local maps until the test ends. With fail,
// mapping fails instead, as where mmap is not available, so that blobs
// take the fallback path (Open and read).
func HookMap(t testing.TB, fail bool) *atomic.Int64 {
	old := mapFile
	n := new(atomic.Int64)
	mapFile = func(f *os.File, size int) ([]byte, func() error, error) {
		if fail {
			return nil, nil, errors.ErrUnsupported
		}
		n.Add(1)
		return old(f, size)
	}
	t.Cleanup(func() { mapFile = old })
	return n
}
