package datastore_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Blob and artifact throughput on a Local datastore in a temporary
// directory (so the page cache, not the disk, is what a read hits, as for a
// task reading what the previous task just wrote). docs/perf-datastore.md
// has the figures:
//
//	go test ./runtime/datastore -run '^$' -bench 'Blob|Artifact|Doc' -benchtime 10x

const blobSize = 100 << 20

// incompressible is 100 MB of random bytes, made once.
var incompressible = sync.OnceValue(func() []byte {
	r := rand.New(rand.NewChaCha8([32]byte{9}))
	b := make([]byte, blobSize)
	for i := 0; i < len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b
})

// fresh makes data new to the datastore by stamping a counter into its
// first bytes, so that every PutBlob writes.
func fresh(data []byte, i int) []byte {
	binary.LittleEndian.PutUint64(data, uint64(i)+uint64(time.Now().UnixNano()))
	return data
}

func benchWrite(b *testing.B, fsync bool) {
	ctx := context.Background()
	s, l := newStore(b)
	l.Sync = fsync
	data := incompressible()
	b.SetBytes(blobSize)
	i := 0
	for b.Loop() {
		if _, err := s.PutBlob(ctx, fresh(data, i)); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBlobWrite100MB: hash, existence check, compression sample, write
// to a temporary file and rename.
func BenchmarkBlobWrite100MB(b *testing.B) { benchWrite(b, false) }

// BenchmarkBlobWrite100MBSync is the same with Local.Sync (fsync).
func BenchmarkBlobWrite100MBSync(b *testing.B) { benchWrite(b, true) }

// BenchmarkBlobRead100MB: read the file and check its hash.
func BenchmarkBlobRead100MB(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	ref, err := s.PutBlob(ctx, incompressible())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(blobSize)
	for b.Loop() {
		if _, err := s.GetBlob(ctx, ref.SHA); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBlobWriteRead100MB: a new blob written then read back; MB/s are
// for the 100 MB moved once each way.
func BenchmarkBlobWriteRead100MB(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	data := incompressible()
	b.SetBytes(blobSize)
	i := 0
	for b.Loop() {
		ref, err := s.PutBlob(ctx, fresh(data, i))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.GetBlob(ctx, ref.SHA); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkBlobExisting100MB: PutBlob of a blob already stored (hash only).
func BenchmarkBlobExisting100MB(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	data := incompressible()
	s.PutBlob(ctx, data)
	b.SetBytes(blobSize)
	for b.Loop() {
		if _, err := s.PutBlob(ctx, data); err != nil {
			b.Fatal(err)
		}
	}
}

// compressible is 32 MB of float64 quarters (0, 0.25, ... 24.75): a typed
// array that zstd shrinks to about a fifth.
var compressible = sync.OnceValue(func() []float64 {
	r := rand.New(rand.NewChaCha8([32]byte{3}))
	f := make([]float64, 4<<20)
	for i := range f {
		f[i] = float64(r.IntN(100)) / 4
	}
	return f
})

// BenchmarkBlobCompressible32MB: write (with compression) and read back.
func BenchmarkBlobCompressible32MB(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	vals := compressible()
	b.SetBytes(int64(len(vals) * 8))
	i := 0
	for b.Loop() {
		vals[0] = float64(i)
		a, err := s.PutArtifact(ctx, vals)
		if err != nil {
			b.Fatal(err)
		}
		var back []float64
		if err := s.GetArtifact(ctx, a, &back); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkArtifactBytes100MB: a []byte artifact stored with PutArtifact
// and read back with GetArtifact: encoding, blob write, blob read, decoding.
func BenchmarkArtifactBytes100MB(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	data := incompressible()
	b.SetBytes(blobSize)
	i := 0
	for b.Loop() {
		a, err := s.PutArtifact(ctx, fresh(data, i))
		if err != nil {
			b.Fatal(err)
		}
		var back []byte
		if err := s.GetArtifact(ctx, a, &back); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkArtifactFloat64s10M: the same for 10M random float64s (80 MB).
func BenchmarkArtifactFloat64s10M(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	r := rand.New(rand.NewChaCha8([32]byte{4}))
	vals := make([]float64, 10_000_000)
	for i := range vals {
		vals[i] = r.NormFloat64()
	}
	b.SetBytes(int64(len(vals) * 8))
	i := 0
	for b.Loop() {
		vals[0] = float64(i)
		a, err := s.PutArtifact(ctx, vals)
		if err != nil {
			b.Fatal(err)
		}
		var back []float64
		if err := s.GetArtifact(ctx, a, &back); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

func benchDoc(b *testing.B, fsync bool) {
	ctx := context.Background()
	s, l := newStore(b)
	l.Sync = fsync
	code := 0
	a := datastore.Attempt{
		Start: time.Now(), End: time.Now(), Status: datastore.AttemptOK, ExitCode: &code,
		ForeachStack: []datastore.ForeachFrame{{Step: "Fit", Var: "Shards", Index: 1, Splits: 3}},
		Transition:   &datastore.Transition{Next: []string{"Join"}},
		InputPaths:   []string{"Training/1/Start/1"},
	}
	for b.Loop() {
		if err := s.WriteAttempt(ctx, task, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDocWrite: one attempt document (a few hundred bytes), as a task
// writes several of: the per-task overhead of metadata.
func BenchmarkDocWrite(b *testing.B) { benchDoc(b, false) }

// BenchmarkDocWriteSync is the same with Local.Sync (fsync of file and
// directory).
func BenchmarkDocWriteSync(b *testing.B) { benchDoc(b, true) }

// BenchmarkDocRead: one attempt document read and decoded.
func BenchmarkDocRead(b *testing.B) {
	ctx := context.Background()
	s, _ := newStore(b)
	s.WriteAttempt(ctx, task, datastore.Attempt{Start: time.Now(), InputPaths: []string{"a/b/c/d"}})
	for b.Loop() {
		if _, err := s.ReadAttempt(ctx, task, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// The floor: what this machine gives for the parts of a blob's path, in
// the same temporary directory.

// BenchmarkFloorSHA256100MB: hashing alone (SHA-NI where the CPU has it).
func BenchmarkFloorSHA256100MB(b *testing.B) {
	data := incompressible()
	b.SetBytes(blobSize)
	for b.Loop() {
		sha256.Sum256(data)
	}
}

// BenchmarkFloorWriteFile100MB: os.WriteFile of a new 100 MB file.
func BenchmarkFloorWriteFile100MB(b *testing.B) {
	dir := b.TempDir()
	data := incompressible()
	b.SetBytes(blobSize)
	i := 0
	for b.Loop() {
		if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(i)), data, 0o666); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkFloorReadFile100MB: os.ReadFile of a 100 MB file in the page
// cache, into a new buffer each time.
func BenchmarkFloorReadFile100MB(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	if err := os.WriteFile(p, incompressible(), 0o666); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(blobSize)
	for b.Loop() {
		if _, err := os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	}
}
