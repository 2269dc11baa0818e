package datastore

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// staleTempAge is the age after which a temporary file whose writer cannot
// be checked (another machine's, on a shared file system) is taken to be
// abandoned.
const staleTempAge = 24 * time.Hour

// RemoveTemp removes, under the key prefix dir ("" for the whole
// datastore), the temporary files that writers killed in the middle of a
// write left behind (".<name>.tmp-<pid>-<n>"): those of a process that no
// longer runs on this machine, and any older than a day. A live writer's
// file is kept. It returns how many files it removed and their bytes.
func (l *Local) RemoveTemp(ctx context.Context, dir string) (files int, bytes int64, err error) {
	start := filepath.Join(l.root, filepath.FromSlash(dir))
	err = filepath.WalkDir(start, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if d.IsDir() || !abandonedTemp(d) {
			return nil
		}
		info, ierr := d.Info()
		if ierr == nil && os.Remove(path) == nil {
			files++
			bytes += info.Size()
		}
		return nil
	})
	return files, bytes, err
}

// abandonedTemp reports whether d is a temporary file of Local's whose
// writer is gone.
func abandonedTemp(d fs.DirEntry) bool {
	name := d.Name()
	i := strings.LastIndex(name, ".tmp-")
	if name[0] != '.' || i < 0 {
		return false
	}
	pid, _, ok := strings.Cut(name[i+len(".tmp-"):], "-")
	n, err := strconv.Atoi(pid)
	if ok && err == nil && n != os.Getpid() && processGone(n) {
		return true
	}
	info, err := d.Info()
	return err == nil && time.Since(info.ModTime()) > staleTempAge
}
