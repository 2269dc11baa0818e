package datastore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
)

// DefaultRoot is the local datastore's directory, relative to the working
// directory, when none is given.
const DefaultRoot = ".flowc"

// Local is a Backend over a directory: the object under key "a/b/c" is the
// file root/a/b/c. Writes go to a temporary file in the destination's
// directory (named ".<name>.tmp-<pid>-<n>", never listed) that is renamed
// over the destination once complete, so readers in any process see whole
// files only.
//
// By default Local does not fsync: a crashed process cannot leave a partial
// object, but a crash of the machine may lose the last writes or, for
// metadata, leave an empty file behind a completed rename. Blobs are checked
// against their hash when read, so that damage is detected, not used. Set
// Sync for writes that survive power loss, at the cost measured in
// docs/PERFORMANCE.md.
type Local struct {
	root string
	// Sync makes every write fsync the file before the rename and the
	// directory after it.
	Sync bool
}

// NewLocal returns a Local backend rooted at root ("" means DefaultRoot),
// creating the directory if needed.
func NewLocal(root string) (*Local, error) {
	if root == "" {
		root = DefaultRoot
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("datastore: local root %s: %w", root, err)
	}
	if err := os.MkdirAll(abs, 0o777); err != nil {
		return nil, fmt.Errorf("datastore: local root: %w", err)
	}
	return &Local{root: abs}, nil
}

// Root returns the absolute path of the datastore's directory.
func (l *Local) Root() string { return l.root }

func (l *Local) path(key string) string {
	return filepath.Join(l.root, filepath.FromSlash(key))
}

// Put implements Backend.
func (l *Local) Put(ctx context.Context, key string, data []byte) error {
	return l.PutReader(ctx, key, bytes.NewReader(data))
}

// tempSeq numbers this process's temporary files.
var tempSeq atomic.Uint64

// PutReader implements Backend.
func (l *Local) PutReader(ctx context.Context, key string, r io.Reader) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("datastore: put %s: %w", key, err)
	}
	dst := l.path(key)
	f, err := l.createTemp(dst)
	if err != nil {
		return fmt.Errorf("datastore: put %s: %w", key, err)
	}
	tmp := f.Name()
	err = writeAll(ctx, f, r, l.Sync)
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("datastore: put %s: %w", key, err)
	}
	if l.Sync {
		if err := syncDir(filepath.Dir(dst)); err != nil {
			return fmt.Errorf("datastore: put %s: %w", key, err)
		}
	}
	return nil
}

// createTemp creates a new temporary file next to dst, creating the
// directory as needed. A concurrent Delete may remove an emptied directory
// between the two steps, so they are retried.
func (l *Local) createTemp(dst string) (*os.File, error) {
	dir, base := filepath.Split(dst)
	var err error
	for range 5 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(tempSeq.Add(1), 10))
		var f *os.File
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if err = os.MkdirAll(dir, 0o777); err != nil {
			return nil, err
		}
	}
	return nil, err
}

// writeAll copies r into f, syncs it if asked and closes it. A reader that
// can write itself (bytes.Reader, io.MultiReader of them, os.File) does so:
// one write per buffer, or a copy inside the kernel.
func writeAll(ctx context.Context, f *os.File, r io.Reader, sync bool) error {
	var err error
	if wt, ok := r.(io.WriterTo); ok {
		_, err = wt.WriteTo(f)
	} else {
		_, err = io.Copy(f, ctxReader{ctx, r})
	}
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ctxReader stops a long copy from a stream when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// isNotFound reports whether a file-system error means "no such object":
// the file is missing, a path component is a file, or the key names a
// directory (a prefix, not an object).
func isNotFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR)
}

// isNotFoundErr reports whether a Backend error matches ErrNotFound.
func isNotFoundErr(err error) bool { return errors.Is(err, ErrNotFound) }

// Get implements Backend.
func (l *Local) Get(ctx context.Context, key string) ([]byte, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("datastore: get %s: %w", key, err)
	}
	data, err := os.ReadFile(l.path(key))
	if isNotFound(err) {
		return nil, notFound("get", key)
	}
	if err != nil {
		return nil, fmt.Errorf("datastore: get %s: %w", key, err)
	}
	return data, nil
}

// Open implements Backend.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	f, _, err := l.openFile(ctx, "open", key)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// openFile opens the file of the object under key and returns it with its
// size; op names the operation in errors.
func (l *Local) openFile(ctx context.Context, op, key string) (*os.File, int64, error) {
	if err := CheckKey(key); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, fmt.Errorf("datastore: %s %s: %w", op, key, err)
	}
	f, err := os.Open(l.path(key))
	if isNotFound(err) {
		return nil, 0, notFound(op, key)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("datastore: %s %s: %w", op, key, err)
	}
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		f.Close()
		if err != nil {
			return nil, 0, fmt.Errorf("datastore: %s %s: %w", op, key, err)
		}
		return nil, 0, notFound(op, key)
	}
	return f, st.Size(), nil
}

// Map implements Mapper. A file of at least minSize bytes is mapped with
// mmap(2), MAP_PRIVATE and writable: reading it costs no copy (the mapping
// shows the page cache's pages), a write to it copies only the page written,
// into memory of this process's own, and the file is never modified. Where
// mmap is not available (systems other than Linux, macOS and the BSDs), or
// fails, Map returns an error matching errors.ErrUnsupported and the caller
// reads with Open. Smaller files are read into a new buffer.
//
// Blob files are never modified in place (a write replaces the file by a
// rename, a Delete unlinks it), so a mapping keeps showing the content it
// was made from for as long as it lasts, even if the blob is deleted.
func (l *Local) Map(ctx context.Context, key string, minSize int64) ([]byte, func() error, error) {
	f, size, err := l.openFile(ctx, "map", key)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if size >= max(minSize, 1) {
		if size != int64(int(size)) {
			return nil, nil, fmt.Errorf("datastore: map %s: %d bytes: %w", key, size, errors.ErrUnsupported)
		}
		data, release, err := mapFile(f, int(size))
		if err != nil {
			return nil, nil, fmt.Errorf("datastore: map %s: %w: %v", key, errors.ErrUnsupported, err)
		}
		return data, release, nil
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, fmt.Errorf("datastore: map %s: %w", key, err)
	}
	return data, noRelease, nil
}

func noRelease() error { return nil }

// Exists implements Backend.
func (l *Local) Exists(ctx context.Context, key string) (bool, error) {
	if err := CheckKey(key); err != nil {
		return false, err
	}
	st, err := os.Stat(l.path(key))
	if isNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("datastore: exists %s: %w", key, err)
	}
	return !st.IsDir(), nil
}

// List implements Backend.
func (l *Local) List(ctx context.Context, prefix string) ([]string, error) {
	if err := checkPrefix(prefix); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("datastore: list %s: %w", prefix, err)
	}
	dir, partial := prefix[:strings.LastIndex(prefix, "/")+1], prefix[strings.LastIndex(prefix, "/")+1:]
	entries, err := os.ReadDir(filepath.Join(l.root, filepath.FromSlash(dir)))
	if isNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("datastore: list %s: %w", prefix, err)
	}
	keys := make([]string, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		if name[0] == '.' || !strings.HasPrefix(name, partial) {
			continue
		}
		if e.IsDir() {
			name += "/"
		}
		keys = append(keys, dir+name)
	}
	// ReadDir sorts names; the "/" added to directories can change that.
	slices.Sort(keys)
	return keys, nil
}

// Delete implements Backend. It also removes directories the deletion left
// empty, up to the root, so that listings match an object store's, which
// has no directories.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	p := l.path(key)
	if st, err := os.Stat(p); err == nil && st.IsDir() {
		return nil // a prefix, not an object
	}
	if err := os.Remove(p); err != nil && !isNotFound(err) {
		return fmt.Errorf("datastore: delete %s: %w", key, err)
	}
	for dir := filepath.Dir(p); dir != l.root && strings.HasPrefix(dir, l.root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break // not empty, or already gone
		}
	}
	return nil
}
