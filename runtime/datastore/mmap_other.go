//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package datastore

import (
	"errors"
	"os"
)

// mapFile is not available here: Local.Map reports errors.ErrUnsupported
// and blobs are read with Open.
var mapFile = func(f *os.File, size int) ([]byte, func() error, error) {
	return nil, nil, errors.ErrUnsupported
}
