package datastore_test

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/flowc-dev/flowc/runtime/codec"
)

// BenchmarkCompress is the measurement behind the choice of compressor for
// blobs: zstd at its fastest level against stdlib flate at BestSpeed, on
// compressible artifacts (encoded as flowc encodes them). It reports the
// compressed/original ratio; MB/s are of original bytes.
//
//	go test ./runtime/datastore -run '^$' -bench Compress -benchtime 5x
func BenchmarkCompress(b *testing.B) {
	enc, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	dec, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	for _, p := range compressPayloads() {
		b.Run(p.name+"/zstd/compress", func(b *testing.B) {
			b.SetBytes(int64(len(p.data)))
			var c []byte
			for b.Loop() {
				c = enc.EncodeAll(p.data, c[:0])
			}
			b.ReportMetric(float64(len(c))/float64(len(p.data)), "ratio")
		})
		b.Run(p.name+"/zstd/decompress", func(b *testing.B) {
			c := enc.EncodeAll(p.data, nil)
			out := make([]byte, 0, len(p.data))
			b.SetBytes(int64(len(p.data)))
			for b.Loop() {
				out, _ = dec.DecodeAll(c, out[:0])
			}
		})
		b.Run(p.name+"/flate/compress", func(b *testing.B) {
			var buf bytes.Buffer
			w, _ := flate.NewWriter(&buf, flate.BestSpeed)
			b.SetBytes(int64(len(p.data)))
			for b.Loop() {
				buf.Reset()
				w.Reset(&buf)
				w.Write(p.data)
				w.Close()
			}
			b.ReportMetric(float64(buf.Len())/float64(len(p.data)), "ratio")
		})
		b.Run(p.name+"/flate/decompress", func(b *testing.B) {
			var buf bytes.Buffer
			w, _ := flate.NewWriter(&buf, flate.BestSpeed)
			w.Write(p.data)
			w.Close()
			out := bytes.NewBuffer(make([]byte, 0, len(p.data)))
			b.SetBytes(int64(len(p.data)))
			for b.Loop() {
				out.Reset()
				io.Copy(out, flate.NewReader(bytes.NewReader(buf.Bytes())))
			}
		})
	}
}

type payload struct {
	name string
	data []byte
}

var compressPayloads = sync.OnceValue(func() []payload {
	r := rand.New(rand.NewChaCha8([32]byte{2}))
	ints := make([]int64, 4<<20)
	for i := range ints {
		ints[i] = int64(r.IntN(1000))
	}
	quarters := make([]float64, 4<<20)
	for i := range quarters {
		quarters[i] = float64(r.IntN(100)) / 4
	}
	var logs strings.Builder
	for i := 0; logs.Len() < 32<<20; i++ {
		fmt.Fprintf(&logs, "2025-01-02T03:04:05.%06dZ INFO step=train shard=%d loss=%.4f msg=\"epoch done\"\n", i%1000000, i%17, r.Float64())
	}
	users := map[string]any{}
	for i := range 200_000 {
		users[fmt.Sprintf("user-%07d", i)] = map[string]any{"age": r.IntN(90), "country": []string{"nl", "de", "us"}[r.IntN(3)], "score": r.Float64()}
	}
	enc := func(v any) []byte {
		b, err := codec.Encode(v)
		if err != nil {
			panic(err)
		}
		return b
	}
	return []payload{
		{"Int64sSmall32MB", enc(ints)},
		{"Float64sQuarters32MB", enc(quarters)},
		{"Logs32MB", []byte(logs.String())},
		{"MapOfRecords", enc(users)},
	}
})
