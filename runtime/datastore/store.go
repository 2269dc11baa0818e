package datastore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Store is flowc's datastore: blobs and run metadata laid out under one set
// of keys on a Backend. It is safe for concurrent use, and any number of
// processes may use Stores on the same backend at once (see the package
// documentation for who writes what).
type Store struct {
	backend Backend
	// noMap turns off reading large blobs through the backend's Mapper.
	noMap atomic.Bool
	// warn, when set, receives warnings; standard error otherwise.
	warn atomic.Pointer[func(msg string)]
}

// New returns a Store on b.
func New(b Backend) *Store { return &Store{backend: b} }

// OpenLocal returns a Store on a Local backend at root ("" means
// DefaultRoot).
func OpenLocal(root string) (*Store, error) {
	l, err := NewLocal(root)
	if err != nil {
		return nil, err
	}
	return New(l), nil
}

// SetMapping turns on (the default) or off reading large blobs by mapping
// them, where the backend is a [Mapper]. A mapping made for a value that
// GetBlob or GetArtifact returns is never unmapped, because the value may
// still use it: it lasts as long as the process, which suits a task process
// (it runs one step and exits). Pages that are only read cost nothing the
// kernel cannot reclaim, but pages the value's owner writes to become
// memory of the process's own, and a deleted blob's disk space is freed
// only at exit. A long-lived process that reads and drops many large
// values (a notebook, a UI) may prefer SetMapping(false): values are then
// read into buffers the garbage collector frees.
func (s *Store) SetMapping(on bool) { s.noMap.Store(!on) }

// Backend returns the backend the Store writes to.
func (s *Store) Backend() Backend { return s.backend }

// blobPrefix is the first key component of blobs; no flow may be named so.
const blobPrefix = "data"

// checkName validates a flow, run, step or task name: one key component.
func checkName(kind, name string) error {
	err := checkComponent(name)
	if err == nil && strings.Contains(name, "/") {
		err = errors.New("contains '/'")
	}
	if err == nil && kind == "flow" && name == blobPrefix {
		err = errors.New("reserved for blobs")
	}
	if err != nil {
		return fmt.Errorf("datastore: %s name %q: %w", kind, name, err)
	}
	return nil
}

// TaskPath locates a task: its pathspec is Flow/Run/Step/Task.
type TaskPath struct {
	Flow, Run, Step, Task string
}

// String returns the pathspec "Flow/Run/Step/Task".
func (t TaskPath) String() string {
	return t.Flow + "/" + t.Run + "/" + t.Step + "/" + t.Task
}

// ParseTaskPath parses a pathspec "Flow/Run/Step/Task".
func ParseTaskPath(pathspec string) (TaskPath, error) {
	parts := strings.Split(pathspec, "/")
	if len(parts) != 4 {
		return TaskPath{}, fmt.Errorf("datastore: pathspec %q: want Flow/Run/Step/Task", pathspec)
	}
	t := TaskPath{parts[0], parts[1], parts[2], parts[3]}
	return t, t.check()
}

func (t TaskPath) check() error {
	for _, c := range [...][2]string{{"flow", t.Flow}, {"run", t.Run}, {"step", t.Step}, {"task", t.Task}} {
		if err := checkName(c[0], c[1]); err != nil {
			return err
		}
	}
	return nil
}

// key returns the key of a file in the task's directory.
func (t TaskPath) key(name string) string { return t.String() + "/" + name }

// lastRunID is the last run id this process handed out, in microseconds.
var lastRunID atomic.Int64

// NewRunID returns a new local run id: the current time in microseconds
// since the Unix epoch, in decimal, as Metaflow's local runs have. Ids from
// one process are strictly increasing even within one microsecond.
func NewRunID() string {
	for {
		last := lastRunID.Load()
		now := max(time.Now().UnixMicro(), last+1)
		if lastRunID.CompareAndSwap(last, now) {
			return strconv.FormatInt(now, 10)
		}
	}
}

// CompareIDs orders run or task ids: decimal ids by numeric value, before
// any other id; other ids bytewise.
func CompareIDs(a, b string) int {
	da, db := isDecimal(a), isDecimal(b)
	switch {
	case da && db:
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			return len(a) - len(b)
		}
	case da:
		return -1
	case db:
		return 1
	}
	return strings.Compare(a, b)
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// writeDoc stores v as indented JSON (map keys sorted, so the same document
// gives the same bytes) ending in a newline.
func (s *Store) writeDoc(ctx context.Context, key string, v any) error {
	data, err := encodeDoc(key, v)
	if err != nil {
		return err
	}
	return s.backend.Put(ctx, key, data)
}

func encodeDoc(key string, v any) ([]byte, error) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("datastore: write %s: %w", key, err)
	}
	return append(data, '\n'), nil
}

// readDoc reads the JSON document at key into v after checking that its
// "schema" is want. Unknown fields are ignored: a later flowc may add
// fields without changing the schema.
func (s *Store) readDoc(ctx context.Context, key, want string, v any) error {
	data, err := s.backend.Get(ctx, key)
	if err != nil {
		return err
	}
	return decodeDoc(key, want, data, v)
}

// decodeDoc decodes the document data read from key, of schema want.
func decodeDoc(key, want string, data []byte, v any) error {
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("datastore: read %s: %w: %w", key, errBadDoc, err)
	}
	if head.Schema != want {
		return fmt.Errorf("datastore: read %s: %w: schema %q, this flowc reads %q", key, errBadDoc, head.Schema, want)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("datastore: read %s: %w: %w", key, errBadDoc, err)
	}
	return nil
}

// errBadDoc is matched by the error of a document that exists but cannot
// be read: not JSON (empty, after a crash), or not of its schema.
var errBadDoc = errors.New("unreadable document")

// SetWarn sends the Store's warnings (a document skipped in a listing) to
// warn instead of standard error.
func (s *Store) SetWarn(warn func(msg string)) { s.warn.Store(&warn) }

func (s *Store) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if w := s.warn.Load(); w != nil && *w != nil {
		(*w)(msg)
		return
	}
	fmt.Fprintf(os.Stderr, "flowc: warning: %s\n", msg)
}

// where names the object under key for a warning: its file, or its URL.
func (s *Store) where(key string) string {
	if r, ok := s.backend.(interface{ Root() string }); ok {
		return strings.TrimSuffix(r.Root(), "/") + "/" + key
	}
	return key
}

// listNames returns the names of the common prefixes ("directories")
// directly under prefix, which must end in "/".
func (s *Store) listNames(ctx context.Context, prefix string) ([]string, error) {
	keys, err := s.backend.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, k := range keys {
		if strings.HasSuffix(k, "/") {
			names = append(names, strings.TrimSuffix(k[len(prefix):], "/"))
		}
	}
	return names, nil
}
