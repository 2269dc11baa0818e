package codec_test

import (
	"math"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/runtime/codec"
)

// FuzzDecode feeds arbitrary bytes (a damaged or foreign blob) to the
// decoders and Preview: they may fail, never panic.
func FuzzDecode(f *testing.F) {
	for _, v := range []any{
		nil, 1, -1, math.NaN(), "s", []byte("b"), []float64{1, 2}, []int16{3}, []string{"a"},
		map[string]any{"k": []any{int64(1), 2.5}}, map[int]bool{1: true}, Model{Name: "m"},
		time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC),
	} {
		data, err := codec.Encode(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte{0xd8, 86, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) { decodeEverything(data) })
}

func decodeEverything(data []byte) {
	if v, err := codec.DecodeAny(data); err == nil {
		codec.Preview(v, 100)
	}
	var m Model
	codec.Decode(data, &m)
	var fs []float64
	codec.DecodeNoCopy(data, &fs)
	var a any
	codec.Decode(data, &a)
}
