package codec

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// The benchmarks compare the chosen codec (Encode/Decode/DecodeAny, "flowc")
// with the candidates it was chosen over: the CBOR library alone with the
// same options and no fast paths ("cbor"), encoding/gob and encoding/json,
// on four artifacts. MB/s are relative to the size of flowc's encoding of
// each artifact, so the columns compare. docs/PERFORMANCE.md has figures.
//
//	go test ./runtime/codec -run '^$' -bench BenchmarkCodec -benchtime 5x

type benchModel struct {
	Name     string
	Version  int
	Created  time.Time
	Params   map[string]float64
	Vocab    map[string]int
	Labels   []string
	Layers   [][]float64
	Metrics  map[string][]float64
	Features []benchFeature
}

type benchFeature struct {
	Name       string
	Importance float64
	Buckets    []int64
}

// benchCases builds the artifacts once; the big ones take a second.
var benchCases = sync.OnceValue(func() []benchCase {
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	raw := make([]byte, 100<<20)
	for i := 0; i+8 <= len(raw); i += 8 {
		v := r.Uint64()
		for j := range 8 {
			raw[i+j] = byte(v >> (8 * j))
		}
	}
	floats := make([]float64, 10_000_000)
	for i := range floats {
		floats[i] = r.NormFloat64()
	}
	return []benchCase{
		{"Bytes100MB", raw, func() any { return new([]byte) }},
		{"Float64s10M", floats, func() any { return new([]float64) }},
		{"Model", newBenchModel(r), func() any { return new(benchModel) }},
		{"SmallString", "hello, flowc", func() any { return new(string) }},
	}
})

type benchCase struct {
	name  string
	value any
	zero  func() any // a pointer to decode into
}

func newBenchModel(r *rand.Rand) benchModel {
	m := benchModel{
		Name: "forest-v3", Version: 3, Created: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		Params: map[string]float64{}, Vocab: map[string]int{}, Metrics: map[string][]float64{},
	}
	for i := range 100 {
		m.Params[fmt.Sprintf("param_%03d", i)] = r.Float64()
	}
	for i := range 10_000 {
		m.Vocab[fmt.Sprintf("token%05d", i)] = i
		m.Labels = append(m.Labels, fmt.Sprintf("label-%d", i%37))
	}
	for range 16 {
		layer := make([]float64, 1000)
		for j := range layer {
			layer[j] = r.NormFloat64()
		}
		m.Layers = append(m.Layers, layer)
	}
	for _, k := range []string{"auc", "loss", "f1"} {
		for range 200 {
			m.Metrics[k] = append(m.Metrics[k], r.Float64())
		}
	}
	for i := range 200 {
		m.Features = append(m.Features, benchFeature{fmt.Sprintf("f%d", i), r.Float64(), []int64{1, 2, 3, int64(i)}})
	}
	return m
}

type benchCodec struct {
	name string
	enc  func(any) ([]byte, error)
	dec  func([]byte, any) error
	any  func([]byte) (any, error) // nil: no untyped decode
}

var benchCodecs = []benchCodec{
	{"flowc", Encode, Decode, DecodeAny},
	{"cbor", func(v any) ([]byte, error) { return encMode.Marshal(v) }, func(b []byte, v any) error { return decMode.Unmarshal(b, v) }, func(b []byte) (any, error) {
		var v any
		err := decMode.Unmarshal(b, &v)
		return v, err
	}},
	{"gob", func(v any) ([]byte, error) {
		var buf bytes.Buffer
		err := gob.NewEncoder(&buf).Encode(v)
		return buf.Bytes(), err
	}, func(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }, nil},
	{"json", json.Marshal, json.Unmarshal, func(b []byte) (any, error) {
		var v any
		err := json.Unmarshal(b, &v)
		return v, err
	}},
}

func BenchmarkCodec(b *testing.B) {
	for _, c := range benchCases() {
		ref := sync.OnceValue(func() []byte {
			data, err := Encode(c.value)
			if err != nil {
				panic(err)
			}
			return data
		})
		for _, cd := range benchCodecs {
			// Encoded once, when a sub-benchmark that decodes runs.
			data := sync.OnceValues(func() ([]byte, error) { return cd.enc(c.value) })
			b.Run(c.name+"/"+cd.name+"/encode", func(b *testing.B) {
				b.SetBytes(int64(len(ref())))
				var out []byte
				for b.Loop() {
					var err error
					if out, err = cd.enc(c.value); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(len(out)), "encoded-bytes")
			})
			b.Run(c.name+"/"+cd.name+"/decode", func(b *testing.B) {
				in, err := data()
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(ref())))
				for b.Loop() {
					if err := cd.dec(in, c.zero()); err != nil {
						b.Fatal(err)
					}
				}
			})
			if cd.name == "flowc" {
				// What package datastore uses: no copy of a large slice.
				b.Run(c.name+"/flowc/encodeParts", func(b *testing.B) {
					b.SetBytes(int64(len(ref())))
					for b.Loop() {
						if _, err := EncodeParts(c.value); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.Run(c.name+"/flowc/decodeNoCopy", func(b *testing.B) {
					b.SetBytes(int64(len(ref())))
					for b.Loop() {
						if err := DecodeNoCopy(ref(), c.zero()); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
			if cd.any == nil {
				continue
			}
			b.Run(c.name+"/"+cd.name+"/decodeAny", func(b *testing.B) {
				in, err := data()
				if err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(ref())))
				for b.Loop() {
					if _, err := cd.any(in); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
