package datastore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotFound is matched (errors.Is) by the error a Backend or Store returns
// for a key that does not exist.
var ErrNotFound = errors.New("not found")

// Backend stores objects under "/"-separated keys. Keys are relative (no
// leading "/"), made of non-empty components that are not "." or ".." and
// do not start with "." (names starting with "." are reserved for a
// backend's temporary files), at most MaxKeyLen bytes.
type Backend interface {
	// Put stores data under key, atomically replacing any object there.
	Put(ctx context.Context, key string, data []byte) error
	// PutReader stores everything r yields under key, atomically: until r
	// is drained and the object complete, readers see the old object or
	// none. For large objects, whose bytes need not be in memory at once.
	PutReader(ctx context.Context, key string, r io.Reader) error
	// Get returns the object's bytes, in a buffer the caller owns.
	Get(ctx context.Context, key string) ([]byte, error)
	// Open streams the object.
	Open(ctx context.Context, key string) (io.ReadCloser, error)
	// Exists reports whether an object is stored under key. A key that is
	// only a prefix of other keys is not an object.
	Exists(ctx context.Context, key string) (bool, error)
	// List returns, sorted bytewise, the keys that start with prefix and
	// have no "/" after it, then each deeper key cut after its first "/"
	// past prefix (a "common prefix", ending in "/"), once. A prefix
	// ending in "/" lists that "directory"; an empty prefix lists the
	// root. Nothing stored under prefix gives an empty list, not an error.
	List(ctx context.Context, prefix string) ([]string, error)
	// Delete removes the object; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
}

// Mapper is an optional interface of a Backend that can hand over an
// object's bytes without copying them into a new buffer. [Local] has it
// (it maps the file); the Store reads large blobs through it when the
// backend has it, and with Open otherwise, so a backend without it (an
// object store) needs nothing more.
type Mapper interface {
	// Map returns the bytes of the object under key as memory the caller
	// may read and also write: writes stay private to this process and
	// never reach the stored object. An object of at least minSize bytes
	// is mapped; release unmaps it, after which neither data nor any slice
	// of it may be touched. A caller may also never call release: the
	// mapping then lasts as long as the process. A smaller object is read
	// into a new buffer (release then does nothing). When the object
	// cannot be mapped, Map returns an error matching errors.ErrUnsupported
	// and the caller reads it with Open instead. A missing key is an error
	// matching ErrNotFound.
	Map(ctx context.Context, key string, minSize int64) (data []byte, release func() error, err error)
}

// MaxKeyLen is the longest key, in bytes; S3 has the same limit.
const MaxKeyLen = 1024

// CheckKey returns an error unless key is a valid object key.
func CheckKey(key string) error {
	if key == "" {
		return errors.New("datastore: empty key")
	}
	if len(key) > MaxKeyLen {
		return fmt.Errorf("datastore: key %.40q... is %d bytes, over %d", key, len(key), MaxKeyLen)
	}
	for c := range strings.SplitSeq(key, "/") {
		if err := checkComponent(c); err != nil {
			return fmt.Errorf("datastore: key %q: %w", key, err)
		}
	}
	return nil
}

// checkPrefix accepts what List takes: a key, a key ending in "/", a
// partial last component, or "".
func checkPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	dir := prefix[:strings.LastIndex(prefix, "/")+1]
	if dir != "" {
		if err := CheckKey(strings.TrimSuffix(dir, "/")); err != nil {
			return fmt.Errorf("datastore: list prefix %q: %w", prefix, err)
		}
	}
	if strings.ContainsRune(prefix, 0) {
		return fmt.Errorf("datastore: list prefix %q: NUL byte", prefix)
	}
	return nil
}

// checkComponent validates one "/"-separated part of a key, which is also
// what flow, run, step and task names must be.
func checkComponent(c string) error {
	switch {
	case c == "":
		return errors.New("empty path component")
	case c[0] == '.':
		return fmt.Errorf("component %q starts with '.'", c)
	case strings.ContainsAny(c, "\x00\\"):
		return fmt.Errorf("component %q holds a NUL byte or a backslash", c)
	}
	return nil
}

// notFound wraps ErrNotFound with what was being done.
func notFound(op, key string) error {
	return fmt.Errorf("datastore: %s %s: %w", op, key, ErrNotFound)
}
