package codec

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/fxamacker/cbor/v2"
)

// Name is the encoding tag stored with every artifact written by [Encode]. A
// reader that finds another tag must not decode the bytes with this package.
const Name = "cbor"

// MaxDepth is how deeply values may nest (arrays, maps, structs and tags
// inside one another) to be encoded. A deeper value, or a cyclic one, is
// refused by [Encode] with an error rather than overflowing the stack.
const MaxDepth = 1000

// decMaxDepth is the decoders' nesting limit. It is above MaxDepth because the
// decoder also counts levels the encoder's check does not (a tag around a
// time.Time, a typed array), so every value Encode accepts decodes.
const decMaxDepth = 2 * MaxDepth

var (
	// encMode is RFC 8949 Core Deterministic encoding (shortest integers and
	// floats, definite lengths, map keys sorted bytewise) plus a time format
	// that keeps nanoseconds and the zone offset.
	encMode cbor.EncMode
	// decMode decodes into the caller's Go types, and into any (a DecodeAny,
	// or an interface inside a typed value) with maps as map[string]any and
	// integers as int64 (big.Int beyond). It fails on a map with other keys
	// in an interface, which looseMode then decodes as map[any]any.
	decMode   cbor.DecMode
	looseMode cbor.DecMode
)

func init() {
	eo := cbor.CoreDetEncOptions()
	eo.Time = cbor.TimeRFC3339Nano
	eo.TimeTag = cbor.EncTagRequired
	// MethodPairs: MarshalBinary (the library's default) and MarshalText.
	eo.TextMarshaler = cbor.TextMarshalerTextString
	var err error
	if encMode, err = eo.EncMode(); err != nil {
		panic(err)
	}
	do := cbor.DecOptions{
		MaxNestedLevels:  decMaxDepth,
		MaxArrayElements: 1<<31 - 1,
		MaxMapPairs:      1<<31 - 1,
		// Go strings may hold any bytes; they are stored as they are and
		// must come back the same.
		UTF8:           cbor.UTF8DecodeInvalid,
		IntDec:         cbor.IntDecConvertSignedOrBigInt,
		DefaultMapType: reflect.TypeFor[map[string]any](),
		// The decoding side of MethodPairs' MarshalText.
		TextUnmarshaler: cbor.TextUnmarshalerTextString,
	}
	if decMode, err = do.DecMode(); err != nil {
		panic(err)
	}
	do.DefaultMapType = nil
	if looseMode, err = do.DecMode(); err != nil {
		panic(err)
	}
}

// Encode returns the deterministic encoding of v: equal values give equal
// bytes. A pointer encodes as the value it points to, so Encode(&x) and
// Encode(x) are the same bytes. Values that cannot be encoded (channels,
// functions, complex numbers, values nested deeper than MaxDepth or cyclic)
// give an error naming the Go type.
func Encode(v any) ([]byte, error) {
	if head, body, ok := encodeFast(v); ok {
		return append(append(make([]byte, 0, len(head)+len(body)), head...), body...), nil
	}
	return encodeGeneric(v)
}

// EncodeParts is Encode for writers that take the encoding in pieces (a
// hash, a file, package datastore's PutBlob): the concatenation of the parts
// is exactly Encode(v). For a []byte or a numeric slice the last part is v's
// own memory, not a copy, so a 100 MB artifact is never duplicated; the
// caller must finish with the parts before v is modified.
func EncodeParts(v any) ([][]byte, error) {
	if head, body, ok := encodeFast(v); ok {
		if len(body) == 0 {
			return [][]byte{head}, nil
		}
		return [][]byte{head, body}, nil
	}
	b, err := encodeGeneric(v)
	if err != nil {
		return nil, err
	}
	return [][]byte{b}, nil
}

func encodeGeneric(v any) ([]byte, error) {
	if err := checkDepth(v); err != nil {
		return nil, err
	}
	b, err := encMode.Marshal(v)
	if err != nil {
		return nil, encodeError(v, err)
	}
	return b, nil
}

// Decode decodes data, written by Encode, into v, which must be a non-nil
// pointer. An integer decodes into any integer or float type that holds
// it, a float into float32 or float64; a top-level numeric slice (a typed
// array) decodes only into a slice of the same element kind, or an any.
// Anything else that does not match v's type is an error. Decode does not
// keep data: v owns everything it receives (see DecodeNoCopy).
func Decode(data []byte, v any) error {
	return decode(data, v, false)
}

// DecodeNoCopy is Decode for a caller that hands data over: v may share
// memory with data instead of copying it (a []byte artifact becomes a
// subslice of data, a []float64 one too when data is suitably aligned), so
// data must not be modified afterwards. Package datastore uses it on the
// memory it has just read or mapped a blob into (a large blob is a private
// mapping of its file: the decoded slice then is that mapping).
//
// The payload of a typed array of 64 KiB up to 4 GiB starts 7 bytes into
// the encoding (tag, then a 5-byte byte-string head), so 8 bytes into a
// stored blob after its format byte: a page-aligned mapping, or a heap
// buffer, then holds it aligned for any element type, and it is aliased.
func DecodeNoCopy(data []byte, v any) error {
	return decode(data, v, true)
}

func decode(data []byte, v any, noCopy bool) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("codec: decode: need a non-nil pointer, got %s", typeName(v))
	}
	if ok, err := decodeFast(data, rv.Elem(), noCopy); ok {
		if err != nil {
			return fmt.Errorf("codec: decode into %s: %w", rv.Type().Elem(), err)
		}
		return nil
	}
	if err := unmarshal(data, v); err != nil {
		return fmt.Errorf("codec: decode into %s: %w", rv.Type().Elem(), err)
	}
	return nil
}

// unmarshal decodes with decMode and, when that fails, with looseMode: the
// data may hold a map with non-string keys where the type says any.
func unmarshal(data []byte, v any) error {
	err := decMode.Unmarshal(data, v)
	if err == nil {
		return nil
	}
	if looseMode.Unmarshal(data, v) == nil {
		return nil
	}
	return err
}

// DecodeAny decodes data, written by Encode, without knowing the Go type it
// was encoded from. The result is built from:
//
//   - nil, bool, string, int64, float64;
//   - []byte for byte strings, time.Time for times;
//   - []float64, []float32, []int64, []int32, []int16, []int8, []uint64,
//     []uint32, []uint16 for typed arrays (top-level numeric slices);
//   - []any for other arrays, structs' fields as map[string]any, other maps
//     as map[string]any when every key is a string and map[any]any
//     otherwise;
//   - *big.Int for integers beyond 64 bits, [cbor.Tag] for tags this
//     package does not know.
func DecodeAny(data []byte) (any, error) {
	var v any
	if ok, err := decodeFast(data, reflect.ValueOf(&v).Elem(), false); ok {
		if err != nil {
			return nil, fmt.Errorf("codec: decode: %w", err)
		}
		return v, nil
	}
	if err := decMode.Unmarshal(data, &v); err == nil {
		return v, nil
	}
	if err := looseMode.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("codec: decode: %w", err)
	}
	return normalize(v), nil
}

// encodeError turns the CBOR library's error into one that names the type
// the caller passed and, when different, the part that cannot be encoded.
func encodeError(v any, err error) error {
	var ute *cbor.UnsupportedTypeError
	if !errors.As(err, &ute) {
		return fmt.Errorf("codec: cannot encode %s: %w", typeName(v), err)
	}
	// The library names the outermost struct it gave up on; find the field.
	bad, where := ute.Type, ""
	if t, path := unsupportedIn(ute.Type, map[reflect.Type]bool{}); t != nil {
		bad, where = t, path
	}
	top := typeName(v)
	if bad.String() == top {
		return fmt.Errorf("codec: cannot encode %s: %s", top, unsupportedWhy(bad))
	}
	if where != "" {
		where = " in " + where
	}
	return fmt.Errorf("codec: cannot encode %s: it holds a %s%s, and %s", top, bad, where, unsupportedWhy(bad))
}

// unsupportedIn finds a type the encoder refuses inside t, and where: a
// path like "Model.Cache" or "[]chan int". It returns nil if there is none.
// Interfaces are no obstacle to encoding: Encode writes any dynamic value
// (CheckType is stricter).
func unsupportedIn(t reflect.Type, seen map[reflect.Type]bool) (reflect.Type, string) {
	return refusedIn(t, seen, false)
}

func unsupportedWhy(t reflect.Type) string {
	return RefusedKind(t.Kind(), t.Kind() == reflect.Interface && t.NumMethod() == 0)
}

// typeName is the Go type of v as %T prints it, "nil" for a nil interface.
func typeName(v any) string {
	if v == nil {
		return "nil"
	}
	return reflect.TypeOf(v).String()
}
