package datastore_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestPutBlobRepairs: writing a blob that exists but is damaged (what a
// machine crash leaves: an empty or short file; or a flipped byte in a
// small blob) writes it again, so every later run that makes the same
// value works, instead of failing on "corrupt blob" forever.
func TestPutBlobRepairs(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name    string
		content []byte
		damage  func(path string) error
	}{
		{"empty small", []byte("a small value"), func(p string) error { return os.WriteFile(p, nil, 0o644) }},
		{"empty large", randomBytes(1, 3<<20), func(p string) error { return os.WriteFile(p, nil, 0o644) }},
		{"short large raw", randomBytes(2, 3<<20), func(p string) error { return os.Truncate(p, 1<<20+17) }},
		{"short large compressed", letters(8 << 20), func(p string) error {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if data[0] != 1 || len(data) < 1<<20 {
				t.Fatalf("the blob is stored with format %d in %d bytes, want compressed (1) in 1 MiB or more", data[0], len(data))
			}
			return os.Truncate(p, int64(len(data)/2))
		}},
		{"flipped byte small", []byte("another small value"), func(p string) error {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			data[len(data)-1] ^= 0xff
			return os.WriteFile(p, data, 0o644)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, l := newStore(t)
			ref, err := s.PutBlob(ctx, c.content)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(l.Root(), filepath.FromSlash(datastore.BlobKey(ref.SHA)))
			if err := c.damage(path); err != nil {
				t.Fatal(err)
			}
			if _, err := s.GetBlob(ctx, ref.SHA); err == nil {
				t.Fatal("the damaged blob reads without error")
			}
			if _, err := s.PutBlob(ctx, c.content); err != nil {
				t.Fatal(err)
			}
			got, err := s.GetBlob(ctx, ref.SHA)
			if err != nil || !bytes.Equal(got, c.content) {
				t.Fatalf("after a second PutBlob: %v (content equal: %v)", err, bytes.Equal(got, c.content))
			}
		})
	}
}

// letters returns n bytes that zstd packs to about a third: random
// letters of a 4-letter alphabet.
func letters(n int) []byte {
	b := randomBytes(3, n)
	for i := range b {
		b[i] = 'a' + b[i]&3
	}
	return b
}
