//go:build unix

package datastore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Update implements Updater: it holds an exclusive lock (flock(2)) on the
// object's directory from the read to the rename of the new object, so
// Updates of one key, from any process on this machine, come one after
// the other. Readers take no lock: they see the old object or the new one.
// (flock is advisory and local: a datastore directory shared over NFS
// gets no such guarantee.)
func (l *Local) Update(ctx context.Context, key string, change func(old []byte) ([]byte, error)) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	dir := filepath.Dir(l.path(key))
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("datastore: update %s: %w", key, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("datastore: update %s: %w", key, err)
	}
	defer d.Close()
	for {
		err = unix.Flock(int(d.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("datastore: update %s: lock: %w", key, err)
	}
	defer unix.Flock(int(d.Fd()), unix.LOCK_UN)
	old, err := l.Get(ctx, key)
	if err != nil && !isNotFoundErr(err) {
		return err
	}
	data, err := change(old)
	if err != nil {
		return err
	}
	return l.Put(ctx, key, data)
}
