package datastore_test

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"unsafe"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// canMap reports whether this system maps large blobs (Local.Map).
func canMap() bool {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return true
	}
	return false
}

// blobFile returns the bytes of a blob's file, read directly.
func blobFile(t *testing.T, l *datastore.Local, sha string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(l.Root(), filepath.FromSlash(datastore.BlobKey(sha))))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// pageOffset is where p lies within its memory page: a large blob's
// mapping starts a page, so a value that aliases it starts at the offset of
// its bytes in the blob file, while a copy on the Go heap starts a page.
func pageOffset(p unsafe.Pointer) uintptr {
	return uintptr(p) % uintptr(os.Getpagesize())
}

// A []byte read from a large blob is the blob's mapping: writing to it
// changes neither the file nor later reads, and the file still verifies.
func TestMappedArtifactMutation(t *testing.T) {
	if !canMap() {
		t.Skip("no mmap on " + runtime.GOOS)
	}
	ctx := context.Background()
	s, l := newStore(t)
	maps := datastore.HookMap(t, false)
	orig := randomBytes(11, 3<<20+123)
	a, err := s.PutArtifact(ctx, orig)
	if err != nil {
		t.Fatal(err)
	}
	file := blobFile(t, l, a.SHA)
	var got []byte
	if err := s.GetArtifact(ctx, a, &got); err != nil {
		t.Fatal(err)
	}
	if maps.Load() != 1 || !bytes.Equal(got, orig) {
		t.Fatalf("GetArtifact: %d mappings, equal %v", maps.Load(), bytes.Equal(got, orig))
	}
	// 1 format byte and a 5-byte byte-string head precede the bytes.
	if off := pageOffset(unsafe.Pointer(unsafe.SliceData(got))); off != 6 {
		t.Errorf("the []byte starts %d bytes into a page, want 6: not the mapping", off)
	}
	for i := range got {
		got[i] ^= 0xa5
	}
	got = append(got[:len(got):len(got)], 1, 2, 3) // grows into a copy
	if !bytes.Equal(blobFile(t, l, a.SHA), file) {
		t.Fatal("writing to the mapped []byte changed the blob file")
	}
	if _, err := s.GetBlob(ctx, a.SHA); err != nil {
		t.Fatalf("blob after the write: %v", err)
	}
	var again []byte
	if err := s.GetArtifact(ctx, a, &again); err != nil || !bytes.Equal(again, orig) {
		t.Fatalf("second read: %v, equal %v", err, bytes.Equal(again, orig))
	}
	// The written value is a new artifact; it is stored and reads back.
	b, err := s.PutArtifact(ctx, got)
	if err != nil || b.SHA == a.SHA {
		t.Fatalf("PutArtifact of the changed value: %+v, %v", b, err)
	}
	var back []byte
	if err := s.GetArtifact(ctx, b, &back); err != nil || !bytes.Equal(back, got) {
		t.Fatalf("changed value read back: %v", err)
	}
}

// A large []float64 artifact aliases its mapping too: the typed array's
// elements are 8 bytes into the file, so aligned.
func TestMappedFloat64s(t *testing.T) {
	if !canMap() {
		t.Skip("no mmap on " + runtime.GOOS)
	}
	ctx := context.Background()
	s, l := newStore(t)
	maps := datastore.HookMap(t, false)
	r := rand.New(rand.NewPCG(5, 5))
	vals := make([]float64, 1<<18) // 2 MiB
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	a, err := s.PutArtifact(ctx, vals)
	if err != nil {
		t.Fatal(err)
	}
	file := blobFile(t, l, a.SHA)
	var got []float64
	if err := s.GetArtifact(ctx, a, &got); err != nil || maps.Load() != 1 {
		t.Fatalf("GetArtifact: %v, %d mappings", err, maps.Load())
	}
	if off := pageOffset(unsafe.Pointer(unsafe.SliceData(got))); off != 8 {
		t.Errorf("the []float64 starts %d bytes into a page, want 8: not the mapping", off)
	}
	for i := range got {
		if got[i] != vals[i] {
			t.Fatalf("element %d: %v, want %v", i, got[i], vals[i])
		}
		got[i] = -1
	}
	if !bytes.Equal(blobFile(t, l, a.SHA), file) {
		t.Fatal("writing to the mapped []float64 changed the blob file")
	}
	if _, err := s.GetBlob(ctx, a.SHA); err != nil {
		t.Fatalf("blob after the write: %v", err)
	}
}

// Re-saving a mapped value unchanged hashes it and writes nothing: no copy
// of its memory is made on the way.
func TestMappedPutUnchanged(t *testing.T) {
	if !canMap() {
		t.Skip("no mmap on " + runtime.GOOS)
	}
	ctx := context.Background()
	s, l := newStore(t)
	a, err := s.PutArtifact(ctx, randomBytes(12, 8<<20))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(l.Root(), filepath.FromSlash(datastore.BlobKey(a.SHA)))
	before, _ := os.Stat(p)
	var got []byte
	if err := s.GetArtifact(ctx, a, &got); err != nil {
		t.Fatal(err)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b, err := s.PutArtifact(ctx, got)
	runtime.ReadMemStats(&ms1)
	if err != nil || b != a {
		t.Fatalf("re-saved: %+v, %v; want %+v", b, err, a)
	}
	if alloc := ms1.TotalAlloc - ms0.TotalAlloc; alloc > 64<<10 {
		t.Errorf("re-saving an unchanged 8 MiB value allocated %d bytes", alloc)
	}
	if after, _ := os.Stat(p); !after.ModTime().Equal(before.ModTime()) || !os.SameFile(before, after) {
		t.Error("re-saving an unchanged value rewrote its blob")
	}
}

// Damaged large blobs are reported as corrupt whether they are mapped,
// read where mmap is unavailable, or read because mapping is turned off.
func TestLargeBlobCorruption(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"mapped", "no mmap", "SetMapping(false)"} {
		t.Run(mode, func(t *testing.T) {
			s, l := newStore(t)
			maps := datastore.HookMap(t, mode == "no mmap")
			if mode == "SetMapping(false)" {
				s.SetMapping(false)
			}
			raw := randomBytes(13, 3<<20)
			zeros := append(randomBytes(14, 1<<20+1<<18), make([]byte, 2<<20)...) // stored compressed, still over MapAbove
			for _, data := range [][]byte{raw, zeros} {
				ref, err := s.PutBlob(ctx, data)
				if err != nil {
					t.Fatal(err)
				}
				key := datastore.BlobKey(ref.SHA)
				stored, _ := l.Get(ctx, key)
				if len(stored) < datastore.MapAbove {
					t.Fatalf("test blob stored in %d bytes, under MapAbove", len(stored))
				}
				if got, err := s.GetBlob(ctx, ref.SHA); err != nil || !bytes.Equal(got, data) {
					t.Fatalf("format %d, intact: %v", stored[0], err)
				}
				damaged := bytes.Clone(stored)
				damaged[len(damaged)/2] ^= 0x40
				for name, obj := range map[string][]byte{
					"flipped bit":    damaged,
					"truncated":      stored[:len(stored)-1],
					"unknown format": append([]byte{9}, stored[1:]...),
				} {
					l.Put(ctx, key, obj)
					_, err := s.GetBlob(ctx, ref.SHA)
					if !errors.Is(err, datastore.ErrCorrupt) {
						t.Errorf("format %d, %s: GetBlob error %v, want ErrCorrupt", stored[0], name, err)
					}
					var v []byte
					if err := s.GetArtifact(ctx, datastore.Artifact{SHA: ref.SHA, Encoding: "cbor"}, &v); !errors.Is(err, datastore.ErrCorrupt) {
						t.Errorf("format %d, %s: GetArtifact error %v, want ErrCorrupt", stored[0], name, err)
					}
				}
			}
			want := int64(0)
			if mode == "mapped" && canMap() {
				want = 2 * (1 + 2*3) // per blob: the intact read, then two reads of each damage
			}
			if maps.Load() != want {
				t.Errorf("%d files mapped, want %d", maps.Load(), want)
			}
		})
	}
}

// Without mmap (another OS, or mapping turned off) artifacts are read into
// the Go heap and still round-trip, and still are not copied once read.
func TestArtifactReadFallback(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"no mmap", "SetMapping(false)"} {
		t.Run(mode, func(t *testing.T) {
			s, l := newStore(t)
			maps := datastore.HookMap(t, mode == "no mmap")
			if mode == "SetMapping(false)" {
				s.SetMapping(false)
			}
			orig := randomBytes(15, 6<<20)
			a, err := s.PutArtifact(ctx, orig)
			if err != nil {
				t.Fatal(err)
			}
			file := blobFile(t, l, a.SHA)
			var got []byte
			if err := s.GetArtifact(ctx, a, &got); err != nil || !bytes.Equal(got, orig) {
				t.Fatalf("GetArtifact: %v", err)
			}
			for i := range got {
				got[i]++
			}
			if !bytes.Equal(blobFile(t, l, a.SHA), file) {
				t.Fatal("blob file changed")
			}
			v, err := s.GetArtifactAny(ctx, a)
			if err != nil || !bytes.Equal(v.([]byte), orig) {
				t.Fatalf("GetArtifactAny: %v", err)
			}
			if maps.Load() != 0 {
				t.Errorf("%d files mapped", maps.Load())
			}
		})
	}
}

// GetArtifactAny unmaps the blob once decoded: its value is a copy.
func TestMappedArtifactAny(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	maps := datastore.HookMap(t, false)
	orig := randomBytes(16, 2<<20)
	a, err := s.PutArtifact(ctx, orig)
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.GetArtifactAny(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	if !bytes.Equal(v.([]byte), orig) { // a fault here if v were the unmapped memory
		t.Error("GetArtifactAny changed the value")
	}
	if canMap() && maps.Load() != 1 {
		t.Errorf("%d files mapped, want 1", maps.Load())
	}
}

func TestLocalMap(t *testing.T) {
	ctx := context.Background()
	l := newLocal(t)
	maps := datastore.HookMap(t, false)
	small, large := []byte("small object"), randomBytes(17, 1<<20)
	l.Put(ctx, "a/small", small)
	l.Put(ctx, "a/large", large)

	data, release, err := l.Map(ctx, "a/small", 1<<20)
	if err != nil || !bytes.Equal(data, small) || maps.Load() != 0 {
		t.Fatalf("Map small: %q, %v, %d mappings", data, err, maps.Load())
	}
	if err := release(); err != nil {
		t.Error(err)
	}

	data, release, err = l.Map(ctx, "a/large", 1<<20)
	if !canMap() {
		if !errors.Is(err, errors.ErrUnsupported) {
			t.Fatalf("Map large without mmap: %v, want ErrUnsupported", err)
		}
	} else {
		if err != nil || !bytes.Equal(data, large) || maps.Load() != 1 {
			t.Fatalf("Map large: %v, %d mappings", err, maps.Load())
		}
		clear(data)
		if got, _ := l.Get(ctx, "a/large"); !bytes.Equal(got, large) {
			t.Error("writing to the mapping changed the object")
		}
		if err := release(); err != nil {
			t.Error(err)
		}
		if err := release(); err != nil {
			t.Errorf("second release: %v", err)
		}
	}

	for _, key := range []string{"a/missing", "a", "a/small/x"} {
		if _, _, err := l.Map(ctx, key, 0); !errors.Is(err, datastore.ErrNotFound) {
			t.Errorf("Map(%s): %v, want ErrNotFound", key, err)
		}
	}
	if _, _, err := l.Map(ctx, "../x", 0); err == nil {
		t.Error("Map of an invalid key succeeded")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := l.Map(cctx, "a/large", 0); !errors.Is(err, context.Canceled) {
		t.Errorf("Map with a cancelled context: %v", err)
	}
	datastore.HookMap(t, true)
	if _, _, err := l.Map(ctx, "a/large", 1<<20); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Map where mmap fails: %v, want ErrUnsupported", err)
	}
}

var _ datastore.Mapper = (*datastore.Local)(nil)
