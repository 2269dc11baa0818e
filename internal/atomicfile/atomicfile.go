// Package atomicfile writes a file whole or not at all: to a temporary file
// in the same directory, then renamed into place, so a reader (another
// process, a compiler) never sees part of it. The datastore has its own
// backend for keys; this is for plain files flowc writes (compiled output,
// the runner's generated sources).
package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Write writes data to path atomically with mode 0644. An error names path,
// never the temporary file.
func Write(path string, data []byte) error {
	if err := write(path, data); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
