package s3test_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/flowc-dev/flowc/internal/s3test"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// BenchmarkArtifact writes and reads one large []byte artifact (1 GiB by
// default; FLOWC_BENCH_MB sets the size in MiB) through the datastore, on
// s3rver and on the local datastore, reporting MB/s. The bytes are random,
// so the blob is stored raw, as weights or media are. scripts/s3-bench.sh
// runs it; docs/PERFORMANCE.md has the figures.
func BenchmarkArtifact(b *testing.B) {
	mb := 1024
	if v := os.Getenv("FLOWC_BENCH_MB"); v != "" {
		mb, _ = strconv.Atoi(v)
	}
	val := make([]byte, mb<<20)
	var key [32]byte
	rand.NewChaCha8(key).Read(val)
	ctx := context.Background()

	srv := s3test.Start(b)
	srv.Setenv(b)
	s3st, err := datastore.Open(ctx, srv.Root("bench"))
	if err != nil {
		b.Fatal(err)
	}
	local, err := datastore.OpenLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	copied, err := datastore.OpenLocal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	copied.SetMapping(false)
	for _, c := range []struct {
		name string
		st   *datastore.Store
	}{{"s3rver", s3st}, {"local", local}, {"local-nomap", copied}} {
		var art datastore.Artifact
		b.Run(c.name+"/write", func(b *testing.B) {
			b.SetBytes(int64(len(val)))
			for b.Loop() {
				// A fresh blob each time: the last 8 bytes change.
				val[len(val)-1]++
				if art, err = c.st.PutArtifact(ctx, val); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/read", func(b *testing.B) {
			b.SetBytes(int64(len(val)))
			for b.Loop() {
				var back []byte
				if err := c.st.GetArtifact(ctx, art, &back); err != nil {
					b.Fatal(err)
				}
				if !bytes.Equal(back[:64], val[:64]) {
					b.Fatal("read back other bytes")
				}
			}
		})
	}
}
