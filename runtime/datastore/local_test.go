package datastore_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

func newLocal(t testing.TB) *datastore.Local {
	t.Helper()
	l, err := datastore.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// tempFiles lists the temporary files left under root.
func tempFiles(t testing.TB, root string) []string {
	t.Helper()
	var left []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".tmp-") {
			left = append(left, p)
		}
		return nil
	})
	return left
}

func TestNewLocalDefaultRoot(t *testing.T) {
	t.Chdir(t.TempDir())
	l, err := datastore.NewLocal("")
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Join(wd, datastore.DefaultRoot); l.Root() != want {
		t.Errorf("root %s, want %s", l.Root(), want)
	}
	if st, err := os.Stat(l.Root()); err != nil || !st.IsDir() {
		t.Errorf("root not created: %v", err)
	}
}

func TestLocalPutGet(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	if err := l.Put(ctx, "a/b/c.json", []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := l.Put(ctx, "a/b/c.json", []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, err := l.Get(ctx, "a/b/c.json")
	if err != nil || string(got) != "two" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	rc, err := l.Open(ctx, "a/b/c.json")
	if err != nil {
		t.Fatal(err)
	}
	streamed, _ := io.ReadAll(rc)
	rc.Close()
	if string(streamed) != "two" {
		t.Errorf("Open read %q", streamed)
	}
	if ok, err := l.Exists(ctx, "a/b/c.json"); !ok || err != nil {
		t.Errorf("Exists = %v, %v", ok, err)
	}
	if err := l.PutReader(ctx, "big", io.LimitReader(zeros{}, 3<<20)); err != nil {
		t.Fatal(err)
	}
	if got, _ := l.Get(ctx, "big"); len(got) != 3<<20 {
		t.Errorf("PutReader stored %d bytes", len(got))
	}
	if left := tempFiles(t, l.Root()); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestLocalNotFound(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	l.Put(ctx, "dir/file", []byte("x"))
	for _, key := range []string{"missing", "dir/missing", "dir", "dir/file/below", "nodir/x"} {
		if _, err := l.Get(ctx, key); !errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("Get(%s): %v, want ErrNotFound", key, err)
		} else if !strings.Contains(err.Error(), key) {
			t.Errorf("Get(%s): error %q does not name the key", key, err)
		}
		if _, err := l.Open(ctx, key); !errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("Open(%s): %v, want ErrNotFound", key, err)
		}
		if ok, err := l.Exists(ctx, key); ok || err != nil {
			t.Errorf("Exists(%s) = %v, %v", key, ok, err)
		}
	}
}

func TestCheckKey(t *testing.T) {
	for _, key := range []string{"a", "a/b", "Flow/1234/start/0/0.attempt.json", "data/ab/abcd"} {
		if err := datastore.CheckKey(key); err != nil {
			t.Errorf("CheckKey(%q): %v", key, err)
		}
	}
	bad := []string{"", "/a", "a/", "a//b", "a/./b", "../x", "a/..", ".hidden", "a/.tmp", "a\x00b", `a\b`, strings.Repeat("k", 1025)}
	l := newLocal(t)
	ctx := context.Background()
	for _, key := range bad {
		if err := datastore.CheckKey(key); err == nil {
			t.Errorf("CheckKey(%q) accepted", key)
		}
		if err := l.Put(ctx, key, nil); err == nil {
			t.Errorf("Put(%q) accepted", key)
		}
		if _, err := l.Get(ctx, key); err == nil || errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("Get(%q): %v, want a key error", key, err)
		}
	}
}

func TestLocalList(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	for _, k := range []string{"a/b/c", "a/b/d.json", "a/e", "a/f/g", "a.txt", "ab/x", "a-z/y"} {
		if err := l.Put(ctx, k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	// A writer's temporary file is never listed.
	os.WriteFile(filepath.Join(l.Root(), "a", ".e.tmp-1-1"), nil, 0o666)
	cases := map[string][]string{
		"":        {"a-z/", "a.txt", "a/", "ab/"},
		"a/":      {"a/b/", "a/e", "a/f/"},
		"a/b/":    {"a/b/c", "a/b/d.json"},
		"a":       {"a-z/", "a.txt", "a/", "ab/"},
		"a/b/d":   {"a/b/d.json"},
		"a/f":     {"a/f/"},
		"zzz/":    nil,
		"a/e/":    nil, // an object is not a directory
		"a/b/c/d": nil,
	}
	for prefix, want := range cases {
		got, err := l.List(ctx, prefix)
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q, want %q", prefix, got, want)
		}
		if !slices.IsSorted(got) {
			t.Errorf("List(%q) not sorted: %q", prefix, got)
		}
	}
	for _, bad := range []string{"/a", "a//", "../"} {
		if _, err := l.List(ctx, bad); err == nil {
			t.Errorf("List(%q) accepted", bad)
		}
	}
}

func TestLocalDelete(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	l.Put(ctx, "x/y/z", []byte("1"))
	l.Put(ctx, "x/keep", []byte("2"))
	if err := l.Delete(ctx, "x/y/z"); err != nil {
		t.Fatal(err)
	}
	if err := l.Delete(ctx, "x/y/z"); err != nil {
		t.Errorf("deleting a missing key: %v", err)
	}
	if got, _ := l.List(ctx, "x/"); !slices.Equal(got, []string{"x/keep"}) {
		t.Errorf("after delete, List(x/) = %q: the emptied directory should go", got)
	}
	if err := l.Delete(ctx, "x"); err != nil {
		t.Errorf("deleting a prefix: %v", err)
	}
	if ok, _ := l.Exists(ctx, "x/keep"); !ok {
		t.Error("deleting a prefix removed an object under it")
	}
	// A write after the directory went creates it again.
	if err := l.Put(ctx, "x/y/again", []byte("3")); err != nil {
		t.Fatal(err)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("source broke")
	}
	n := min(len(p), f.n)
	clear(p[:n])
	f.n -= n
	return n, nil
}

func TestLocalFailedPutLeavesOldObject(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	l.Put(ctx, "k", []byte("old"))
	err := l.PutReader(ctx, "k", &failingReader{n: 1 << 20})
	if err == nil || !strings.Contains(err.Error(), "source broke") {
		t.Fatalf("PutReader from a failing reader: %v", err)
	}
	if got, _ := l.Get(ctx, "k"); string(got) != "old" {
		t.Errorf("object after failed put: %q", got)
	}
	if left := tempFiles(t, l.Root()); len(left) > 0 {
		t.Errorf("failed put left %v", left)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := l.Put(cctx, "k", []byte("new")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a cancelled context: %v", err)
	}
	if err := l.PutReader(cctx, "k2", &failingReader{n: 10}); !errors.Is(err, context.Canceled) {
		t.Errorf("PutReader with a cancelled context: %v", err)
	}
}

// TestLocalReadersSeeWholeObjects races readers against a writer that keeps
// replacing one object: every read must return a complete version.
func TestLocalReadersSeeWholeObjects(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	const size = 256 << 10
	version := func(v byte) []byte { return bytes.Repeat([]byte{v}, size) }
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(done)
		for i := range 200 {
			if err := l.Put(ctx, "obj/race", version(byte(i))); err != nil {
				t.Error(err)
				return
			}
		}
	})
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := l.Get(ctx, "obj/race")
				if errors.Is(err, datastore.ErrNotFound) {
					continue
				}
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) != size || !bytes.Equal(got, version(got[0])) {
					t.Errorf("read a partial object: %d bytes", len(got))
					return
				}
			}
		})
	}
	wg.Wait()
	if left := tempFiles(t, l.Root()); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestLocalSync(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	l.Sync = true
	if err := l.Put(ctx, "s/synced", []byte("durable")); err != nil {
		t.Fatal(err)
	}
	if got, err := l.Get(ctx, "s/synced"); err != nil || string(got) != "durable" {
		t.Errorf("Get = %q, %v", got, err)
	}
}
