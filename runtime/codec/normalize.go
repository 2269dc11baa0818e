package codec

import (
	"math"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// normalize rewrites what looseMode decodes into any so that it has the
// shapes DecodeAny documents: string-keyed maps as map[string]any, typed
// arrays (nested in a tag the library does not know) as Go slices. It reuses
// slices and builds new maps.
func normalize(v any) any {
	switch x := v.(type) {
	case uint64:
		if x <= math.MaxInt64 {
			return int64(x)
		}
	case []any:
		for i, e := range x {
			x[i] = normalize(e)
		}
	case map[any]any:
		return normalizeMap(x)
	case cbor.Tag:
		if c, ok := x.Content.([]byte); ok && x.Number <= 0xff {
			if t, ok := byTag[byte(x.Number)]; ok {
				var out any
				if err := decodeTyped(c, t.k, t.be, reflect.ValueOf(&out).Elem(), false); err == nil {
					return out
				}
			}
		}
		x.Content = normalize(x.Content)
		return x
	}
	return v
}

func normalizeMap(m map[any]any) any {
	allStrings := true
	for k := range m {
		if _, ok := k.(string); !ok {
			allStrings = false
			break
		}
	}
	if allStrings {
		out := make(map[string]any, len(m))
		for k, e := range m {
			out[k.(string)] = normalize(e)
		}
		return out
	}
	out := make(map[any]any, len(m))
	for k, e := range m {
		out[normalize(k)] = normalize(e)
	}
	return out
}
