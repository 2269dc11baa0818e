package datastore_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

func newStore(t testing.TB) (*datastore.Store, *datastore.Local) {
	t.Helper()
	l := newLocal(t)
	return datastore.New(l), l
}

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func shaHex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// storedFormat returns the format byte of the stored blob and its size.
func storedFormat(t *testing.T, l *datastore.Local, sha string) (byte, int) {
	t.Helper()
	raw, err := l.Get(context.Background(), datastore.BlobKey(sha))
	if err != nil {
		t.Fatal(err)
	}
	return raw[0], len(raw)
}

func TestBlobRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	text := bytes.Repeat([]byte("flowc compresses text like this line. "), 1<<17)
	cases := []struct {
		name       string
		data       []byte
		compressed bool
	}{
		{"empty", []byte{}, false},
		{"one byte", []byte{7}, false},
		{"small text", text[:511], false},
		{"text", text[:4096], true},
		{"random 4K", randomBytes(1, 4096), false},
		{"random 3M", randomBytes(2, 3<<20), false},
		{"text 2.5M", text[:5<<19], true},
		{"random then zeros 3M", append(randomBytes(3, 1<<20), make([]byte, 2<<20)...), true},
	}
	for _, c := range cases {
		ref, err := s.PutBlob(ctx, c.data)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if ref.SHA != shaHex(c.data) || ref.Size != int64(len(c.data)) {
			t.Errorf("%s: ref %+v, want sha %s size %d", c.name, ref, shaHex(c.data), len(c.data))
		}
		format, stored := storedFormat(t, l, ref.SHA)
		if compressed := format == 1; compressed != c.compressed {
			t.Errorf("%s: stored with format %d (%d bytes for %d), want compressed=%v", c.name, format, stored, len(c.data), c.compressed)
		}
		if !c.compressed && stored != len(c.data)+1 {
			t.Errorf("%s: raw blob is %d bytes for %d", c.name, stored, len(c.data))
		}
		got, err := s.GetBlob(ctx, ref.SHA)
		if err != nil {
			t.Fatalf("%s: GetBlob: %v", c.name, err)
		}
		if !bytes.Equal(got, c.data) {
			t.Errorf("%s: GetBlob returned different bytes", c.name)
		}
		if ok, err := s.HasBlob(ctx, ref.SHA); !ok || err != nil {
			t.Errorf("%s: HasBlob = %v, %v", c.name, ok, err)
		}
	}
	if want := "data/" + shaHex(nil)[:2] + "/" + shaHex(nil); datastore.BlobKey(shaHex(nil)) != want {
		t.Errorf("BlobKey = %s, want %s", datastore.BlobKey(shaHex(nil)), want)
	}
}

func TestBlobParts(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	whole := randomBytes(4, 3<<20)
	ref1, err := s.PutBlob(ctx, whole[:10], whole[10:2<<20], nil, whole[2<<20:])
	if err != nil {
		t.Fatal(err)
	}
	if ref1.SHA != shaHex(whole) || ref1.Size != int64(len(whole)) {
		t.Errorf("parts ref %+v", ref1)
	}
	text := bytes.Repeat([]byte("abc"), 1<<20)
	ref2, _ := s.PutBlob(ctx, text[:1], text[1:])
	got, err := s.GetBlob(ctx, ref2.SHA)
	if err != nil || !bytes.Equal(got, text) {
		t.Errorf("compressed parts: %v", err)
	}
}

// TestBlobSkipsExisting: a second PutBlob of an intact blob writes
// nothing (the file is the same file); a damaged one is rewritten
// (TestPutBlobRepairs).
func TestBlobSkipsExisting(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	for _, data := range [][]byte{[]byte("content-addressed and written once"), randomBytes(4, 3<<20)} {
		ref, _ := s.PutBlob(ctx, data)
		path := filepath.Join(l.Root(), filepath.FromSlash(datastore.BlobKey(ref.SHA)))
		before, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PutBlob(ctx, data); err != nil {
			t.Fatal(err)
		}
		after, err := os.Stat(path)
		if err != nil || !os.SameFile(before, after) {
			t.Errorf("PutBlob rewrote an existing intact blob of %d bytes (%v)", len(data), err)
		}
	}
}

func TestBlobCorruption(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	text := bytes.Repeat([]byte("corrupt me "), 1000)
	for _, data := range [][]byte{randomBytes(5, 1000), text, randomBytes(8, 5<<20)} {
		ref, err := s.PutBlob(ctx, data)
		if err != nil {
			t.Fatal(err)
		}
		key := datastore.BlobKey(ref.SHA)
		raw, _ := l.Get(ctx, key)
		damaged := bytes.Clone(raw)
		damaged[len(damaged)/2] ^= 0x40
		for name, obj := range map[string][]byte{
			"flipped bit":    damaged,
			"truncated":      raw[:len(raw)-1],
			"empty":          {},
			"unknown format": append([]byte{9}, raw[1:]...),
		} {
			l.Put(ctx, key, obj)
			_, err := s.GetBlob(ctx, ref.SHA)
			if !errors.Is(err, datastore.ErrCorrupt) {
				t.Errorf("format %d, %s: GetBlob error %v, want ErrCorrupt", raw[0], name, err)
			} else if !bytes.Contains([]byte(err.Error()), []byte(ref.SHA)) {
				t.Errorf("error %q does not name the blob", err)
			}
		}
	}
}

func TestBlobErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	missing := shaHex([]byte("never stored"))
	if _, err := s.GetBlob(ctx, missing); !errors.Is(err, datastore.ErrNotFound) {
		t.Errorf("missing blob: %v", err)
	}
	for _, bad := range []string{"", "abc", missing[:63] + "G", "../" + missing[3:], "ABCDEF" + missing[6:]} {
		if _, err := s.GetBlob(ctx, bad); err == nil || errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("GetBlob(%q): %v, want a name error", bad, err)
		}
		if _, err := s.HasBlob(ctx, bad); err == nil {
			t.Errorf("HasBlob(%q) accepted", bad)
		}
	}
}

func TestBlobConcurrentSameContent(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	blobs := [][]byte{randomBytes(6, 2<<20), bytes.Repeat([]byte("same "), 1<<18), []byte("tiny")}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for _, b := range blobs {
				ref, err := s.PutBlob(ctx, b)
				if err != nil {
					t.Error(err)
				} else if ref.SHA != shaHex(b) {
					t.Errorf("ref %s, want %s", ref.SHA, shaHex(b))
				}
			}
		})
	}
	wg.Wait()
	for _, b := range blobs {
		if got, err := s.GetBlob(ctx, shaHex(b)); err != nil || !bytes.Equal(got, b) {
			t.Errorf("after concurrent puts: %v", err)
		}
	}
	if left := tempFiles(t, l.Root()); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestBlobTwoProcesses runs this test binary twice at once as a helper that
// stores the same blobs (and some of its own) into one datastore.
func TestBlobTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	root := t.TempDir()
	var cmds []*exec.Cmd
	for i := range 2 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperPutBlobs$")
		cmd.Env = append(os.Environ(), "FLOWC_HELPER_ROOT="+root, "FLOWC_HELPER_ID="+strconv.Itoa(i))
		cmd.Stderr, cmd.Stdout = os.Stderr, os.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
	s, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range helperBlobs(0) {
		if got, err := s.GetBlob(context.Background(), shaHex(b)); err != nil || !bytes.Equal(got, b) {
			t.Errorf("blob written by two processes: %v", err)
		}
	}
	if left := tempFiles(t, root); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// helperBlobs are 40 shared blobs and, for id > 0, 10 of the helper's own.
func helperBlobs(id int) [][]byte {
	var out [][]byte
	for i := range 40 {
		if i%2 == 0 {
			out = append(out, randomBytes(uint64(100+i), 256<<10))
		} else {
			out = append(out, bytes.Repeat([]byte(fmt.Sprintf("shared %d ", i)), 30000))
		}
	}
	for i := range 10 * id {
		out = append(out, randomBytes(uint64(1000*id+i), 1000))
	}
	return out
}

func TestHelperPutBlobs(t *testing.T) {
	root := os.Getenv("FLOWC_HELPER_ROOT")
	if root == "" {
		t.Skip("helper for TestBlobTwoProcesses")
	}
	id, _ := strconv.Atoi(os.Getenv("FLOWC_HELPER_ID"))
	s, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		for _, b := range helperBlobs(id + 1) {
			if _, err := s.PutBlob(context.Background(), b); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestArtifacts(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	type model struct {
		Name    string
		Weights []float64
		Vocab   map[string]int
	}
	values := []any{
		randomBytes(7, 2<<20),
		[]float64{1.5, 2, 3},
		model{"m", []float64{1}, map[string]int{"a": 1}},
		"hello",
		map[string]any{"k": []any{int64(1), "v"}},
	}
	for _, v := range values {
		a, err := s.PutArtifact(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		if a.Encoding != codec.Name || a.GoType != reflect.TypeOf(v).String() {
			t.Errorf("artifact entry %+v", a)
		}
		enc, _ := codec.Encode(v)
		if a.SHA != shaHex(enc) || a.Size != int64(len(enc)) {
			t.Errorf("%T: artifact %+v is not the blob of its encoding", v, a)
		}
		got := reflect.New(reflect.TypeOf(v))
		if err := s.GetArtifact(ctx, a, got.Interface()); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Elem().Interface(), v) {
			t.Errorf("%T: artifact round trip changed the value", v)
		}
		untyped, err := s.GetArtifactAny(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if codec.Preview(untyped, 20) == "" {
			t.Error("empty preview")
		}
	}
	a, _ := s.PutArtifact(ctx, 1)
	a.Encoding = "pickle-v4"
	var x int
	if err := s.GetArtifact(ctx, a, &x); err == nil || !bytes.Contains([]byte(err.Error()), []byte("pickle-v4")) {
		t.Errorf("foreign encoding: %v", err)
	}
	if _, err := s.PutArtifact(ctx, make(chan int)); err == nil {
		t.Error("PutArtifact(chan) succeeded")
	}
}

func TestBlobFilesLayout(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	ref, _ := s.PutBlob(ctx, []byte("layout"))
	p := filepath.Join(l.Root(), "data", ref.SHA[:2], ref.SHA)
	raw, err := os.ReadFile(p)
	if err != nil || string(raw) != "\x00layout" {
		t.Errorf("blob file %s: %q, %v", p, raw, err)
	}
}

// TestPutArtifactOver: an artifact saved unchanged over the one it was read
// from keeps its entry and leaves the store alone (not even a look at the
// blob: the caller verified it when it read it); a changed one is stored.
func TestPutArtifactOver(t *testing.T) {
	ctx := context.Background()
	s, l := newStore(t)
	prev, err := s.PutArtifact(ctx, []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	// Remove the blob: PutArtifact would store it again, PutArtifactOver
	// of the same value does not look.
	if err := l.Delete(ctx, datastore.BlobKey(prev.SHA)); err != nil {
		t.Fatal(err)
	}
	got, err := s.PutArtifactOver(ctx, []int{1, 2, 3}, prev)
	if err != nil || got != prev {
		t.Errorf("unchanged: %+v, %v; want %+v", got, err, prev)
	}
	if ok, _ := s.HasBlob(ctx, prev.SHA); ok {
		t.Error("an unchanged artifact was stored again")
	}
	changed, err := s.PutArtifactOver(ctx, []int{1, 2, 3, 4}, prev)
	if err != nil || changed.SHA == prev.SHA {
		t.Fatalf("changed: %+v, %v", changed, err)
	}
	var v []int
	if err := s.GetArtifact(ctx, changed, &v); err != nil || len(v) != 4 {
		t.Errorf("changed artifact reads back %v, %v", v, err)
	}
}
