package datastore_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/codec"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// Blob and artifact throughput on a Local datastore in a temporary
// directory (so the page cache, not the disk, is what a read hits, as for a
// task reading what the previous task just wrote). docs/PERFORMANCE.md
// has the figures:
//
//	go test ./runtime/datastore -run '^$' -bench 'Blob|Artifact|Doc' -benchtime 10x
//	go test ./runtime/datastore -run '^$' -bench 'Artifact100MB' -benchtime 10x

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

// BenchmarkArtifact100MB: a 100 MB []byte artifact (random, so stored raw)
// through PutArtifact and GetArtifact, in one process:
//
//   - put: a new value stored (hash, write);
//   - get-mmap: read by mapping the blob (map, hash over the mapping);
//   - get-copy: read into a new buffer (Store.SetMapping(false): read and
//     hash at once, as before mapping);
//   - put-unchanged: a value read with get-mmap stored again unchanged
//     (hash only: the blob exists);
//   - inherit: get-mmap then put-unchanged, what a task pays for an
//     artifact it only passes on;
//   - put-get, put-get-copy: put of a new value, then, its references
//     dropped, get of it: one step handing an artifact to the next, minus
//     the process start (BenchmarkArtifact100MBSteps has that);
//   - put-get-warm: put-get, then the mapping released and the blob
//     deleted, so that the next put writes into memory the kernel has just
//     freed: on this VM the first write to memory not used recently costs
//     2.5-4 ms per MB, which is what a put of new data pays otherwise.
func BenchmarkArtifact100MB(b *testing.B) {
	ctx := context.Background()
	get := func(b *testing.B, s *datastore.Store, a datastore.Artifact) []byte {
		var v []byte
		if err := s.GetArtifact(ctx, a, &v); err != nil {
			b.Fatal(err)
		}
		return v
	}
	put := func(b *testing.B, s *datastore.Store, v []byte) datastore.Artifact {
		a, err := s.PutArtifact(ctx, v)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	b.Run("put", func(b *testing.B) {
		s, _ := newStore(b)
		data := incompressible()
		b.SetBytes(blobSize)
		i := 0
		for b.Loop() {
			put(b, s, fresh(data, i))
			i++
		}
	})
	for _, mapping := range []bool{true, false} {
		name := "get-mmap"
		if !mapping {
			name = "get-copy"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := newStore(b)
			s.SetMapping(mapping)
			a := put(b, s, incompressible())
			b.SetBytes(blobSize)
			for b.Loop() {
				get(b, s, a)
			}
		})
	}
	b.Run("put-unchanged", func(b *testing.B) {
		s, _ := newStore(b)
		v := get(b, s, put(b, s, incompressible()))
		b.SetBytes(blobSize)
		for b.Loop() {
			put(b, s, v)
		}
	})
	b.Run("inherit", func(b *testing.B) {
		s, _ := newStore(b)
		a := put(b, s, incompressible())
		b.SetBytes(blobSize)
		for b.Loop() {
			put(b, s, get(b, s, a))
		}
	})
	b.Run("put-get-warm", func(b *testing.B) {
		s, l := newStore(b)
		data := incompressible()
		b.SetBytes(blobSize)
		i := 0
		for b.Loop() {
			a := put(b, s, fresh(data, i))
			var v []byte
			release, err := s.GetArtifactRelease(ctx, a, &v)
			if err != nil {
				b.Fatal(err)
			}
			release()
			l.Delete(ctx, datastore.BlobKey(a.SHA))
			i++
		}
	})
	for _, mapping := range []bool{true, false} {
		name := "put-get"
		if !mapping {
			name = "put-get-copy"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := newStore(b)
			s.SetMapping(mapping)
			data := incompressible()
			b.SetBytes(blobSize)
			i := 0
			for b.Loop() {
				a := put(b, s, fresh(data, i))
				get(b, s, a)
				i++
			}
		})
	}
}

// BenchmarkArtifact100MBSteps is BenchmarkArtifact100MB/put-get across
// processes, as two steps run: a process stores a new 100 MB []byte, a
// second one reads it. Each runs this test binary as a helper
// (TestHelperArtifactStep) and times its own call; the metrics are those
// times (put-ms, get-ms) and the 100 MB over their sum (e2e-MB/s). The
// benchmark's own ns/op also counts the processes' start and the making
// of the value. copy is the same with Store.SetMapping(false).
func BenchmarkArtifact100MBSteps(b *testing.B) {
	for _, mode := range []string{"mmap", "copy"} {
		b.Run(mode, func(b *testing.B) {
			root := b.TempDir()
			var putT, getT time.Duration
			i := 0
			for b.Loop() {
				out := helperStep(b, root, "put", mode, strconv.Itoa(i))
				sha, d, _ := strings.Cut(out, " ")
				putT += parseDuration(b, d)
				getT += parseDuration(b, helperStep(b, root, "get", mode, sha))
				i++
			}
			n := float64(b.N)
			b.ReportMetric(float64(putT.Milliseconds())/n, "put-ms")
			b.ReportMetric(float64(getT.Milliseconds())/n, "get-ms")
			b.ReportMetric(blobSize/1e6/(putT+getT).Seconds()*n, "e2e-MB/s")
		})
	}
}

func parseDuration(b *testing.B, s string) time.Duration {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		b.Fatalf("helper output %q: %v", s, err)
	}
	return d
}

// helperStep runs TestHelperArtifactStep and returns what it printed.
func helperStep(b *testing.B, root, op, mode, arg string) string {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperArtifactStep$")
	cmd.Env = append(os.Environ(), "FLOWC_STEP_ROOT="+root, "FLOWC_STEP_OP="+op, "FLOWC_STEP_MODE="+mode, "FLOWC_STEP_ARG="+arg)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("helper %s: %v", op, err)
	}
	line, _, _ := strings.Cut(string(out), "\n") // "PASS" follows
	return line
}

// TestHelperArtifactStep is one step of BenchmarkArtifact100MBSteps: "put"
// makes a new 100 MB value, stores it and prints its SHA-256 and the time
// PutArtifact took; "get" reads the artifact named by its SHA-256, checks
// one byte, and prints the time GetArtifact took.
func TestHelperArtifactStep(t *testing.T) {
	root := os.Getenv("FLOWC_STEP_ROOT")
	if root == "" {
		t.Skip("helper for BenchmarkArtifact100MBSteps")
	}
	ctx := context.Background()
	s, err := datastore.OpenLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	s.SetMapping(os.Getenv("FLOWC_STEP_MODE") == "mmap")
	arg := os.Getenv("FLOWC_STEP_ARG")
	switch os.Getenv("FLOWC_STEP_OP") {
	case "put":
		i, _ := strconv.Atoi(arg)
		data := fresh(incompressible(), i)
		start := time.Now()
		a, err := s.PutArtifact(ctx, data)
		d := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%s %s\n", a.SHA, d)
	case "get":
		var v []byte
		start := time.Now()
		err := s.GetArtifact(ctx, datastore.Artifact{SHA: arg, Encoding: codec.Name}, &v)
		d := time.Since(start)
		if err != nil || len(v) != blobSize {
			t.Fatalf("get: %d bytes, %v", len(v), err)
		}
		fmt.Printf("%s\n", d)
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
