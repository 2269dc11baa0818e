package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"unsafe"
)

// The fast paths write and read a top-level []byte as a bare CBOR byte
// string, and a top-level slice of fixed-size numbers as an RFC 8746 typed
// array: tag (one of 64..87) + byte string of the elements, little-endian.
// The generic encoder spends 10-60 ns per element on such slices (reflection
// plus the shortest-float search); here the elements are copied as one block
// of memory, so a 10M-element []float64 moves at memory speed.

// numKind describes one element type of a typed array.
type numKind struct {
	le, be byte         // RFC 8746 tags for the little- and big-endian forms
	size   int          // bytes per element
	slice  reflect.Type // the natural Go slice type, what DecodeAny returns
}

var (
	kindFloat64 = &numKind{86, 82, 8, reflect.TypeFor[[]float64]()}
	kindFloat32 = &numKind{85, 81, 4, reflect.TypeFor[[]float32]()}
	kindInt64   = &numKind{79, 75, 8, reflect.TypeFor[[]int64]()}
	kindInt32   = &numKind{78, 74, 4, reflect.TypeFor[[]int32]()}
	kindInt16   = &numKind{77, 73, 2, reflect.TypeFor[[]int16]()}
	kindInt8    = &numKind{72, 72, 1, reflect.TypeFor[[]int8]()}
	kindUint64  = &numKind{71, 67, 8, reflect.TypeFor[[]uint64]()}
	kindUint32  = &numKind{70, 66, 4, reflect.TypeFor[[]uint32]()}
	kindUint16  = &numKind{69, 65, 2, reflect.TypeFor[[]uint16]()}
	kindUint8   = &numKind{64, 64, 1, reflect.TypeFor[[]byte]()}
)

// byElemKind maps a Go element kind to its typed array. Uint8 is absent: a
// []byte is a plain byte string. int and uint are 64-bit elements where they
// are 64 bits wide (and take the generic path elsewhere).
var byElemKind = map[reflect.Kind]*numKind{
	reflect.Float64: kindFloat64, reflect.Float32: kindFloat32,
	reflect.Int64: kindInt64, reflect.Int32: kindInt32, reflect.Int16: kindInt16, reflect.Int8: kindInt8,
	reflect.Uint64: kindUint64, reflect.Uint32: kindUint32, reflect.Uint16: kindUint16,
}

// byTag maps every typed-array tag this package reads to its element kind
// and byte order (true: big-endian). Uint8 clamped (68) reads as uint8.
var byTag = map[byte]struct {
	k  *numKind
	be bool
}{}

func init() {
	if strconv.IntSize == 64 {
		byElemKind[reflect.Int] = kindInt64
		byElemKind[reflect.Uint] = kindUint64
	}
	for _, k := range []*numKind{kindFloat64, kindFloat32, kindInt64, kindInt32, kindInt16, kindInt8,
		kindUint64, kindUint32, kindUint16, kindUint8} {
		byTag[k.be] = struct {
			k  *numKind
			be bool
		}{k, k.size > 1}
		byTag[k.le] = struct {
			k  *numKind
			be bool
		}{k, false}
	}
	byTag[68] = byTag[64]
}

// bigEndianHost is true on the rare big-endian platforms, where elements
// are byte-swapped on the way in and out.
var bigEndianHost = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 0
}()

// encodeFast encodes v when it is, after following pointers, a slice of
// bytes or of fixed-size numbers: head is the CBOR head (tag and byte string
// length, or null for a nil slice) and body the elements, which alias v's
// memory on little-endian hosts. ok is false for every other value.
func encodeFast(v any) (head, body []byte, ok bool) {
	switch x := v.(type) {
	case []byte:
		head, body = rawParts(x, x == nil, nil)
		return head, body, true
	case []float64:
		head, body = rawParts(rawBytes(x), x == nil, kindFloat64)
		return head, body, true
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && !customEncoding(rv.Type()) {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice || customEncoding(rv.Type()) || customEncoding(rv.Type().Elem()) {
		return nil, nil, false
	}
	ek := rv.Type().Elem().Kind()
	if ek == reflect.Uint8 {
		head, body = rawParts(rv.Bytes(), rv.IsNil(), nil)
		return head, body, true
	}
	k := byElemKind[ek]
	if k == nil {
		return nil, nil, false
	}
	raw := unsafe.Slice((*byte)(rv.UnsafePointer()), rv.Len()*k.size)
	head, body = rawParts(raw, rv.IsNil(), k)
	return head, body, true
}

// rawBytes views a numeric slice's elements as bytes, in host order.
func rawBytes[T any](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// rawParts returns null for a nil slice, else the head of a byte string
// holding raw, under k's typed-array tag when k is not nil, and the body.
func rawParts(raw []byte, isNil bool, k *numKind) (head, body []byte) {
	if isNil {
		return []byte{0xf6}, nil
	}
	head = make([]byte, 0, 11)
	if k != nil {
		head = append(head, 0xd8, k.le)
	}
	head = appendHead(head, 2, uint64(len(raw)))
	if k != nil && k.size > 1 && bigEndianHost {
		raw = append([]byte(nil), raw...)
		swap(raw, k.size)
	}
	return head, raw
}

// appendHead appends a CBOR head of the given major type in its shortest
// form, as Core Deterministic encoding requires.
func appendHead(b []byte, major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return append(b, m|byte(n))
	case n <= 0xff:
		return append(b, m|24, byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, m|25), uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32(append(b, m|26), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(b, m|27), n)
}

// readByteString parses a definite-length byte string that fills all of
// data and returns its content. ok is false when data does not start with
// one; an error means it does but is cut short or followed by more bytes.
func readByteString(data []byte) (content []byte, ok bool, err error) {
	if len(data) == 0 || data[0]>>5 != 2 {
		return nil, false, nil
	}
	ai := data[0] & 0x1f
	var n uint64
	head := 1
	switch {
	case ai < 24:
		n = uint64(ai)
	case ai <= 27:
		w := 1 << (ai - 24)
		if len(data) < 1+w {
			return nil, true, errors.New("truncated byte string")
		}
		for _, c := range data[1 : 1+w] {
			n = n<<8 | uint64(c)
		}
		head += w
	default:
		return nil, false, nil // indefinite length: leave it to the library
	}
	if n != uint64(len(data)-head) {
		if n > uint64(len(data)-head) {
			return nil, true, errors.New("truncated byte string")
		}
		return nil, true, fmt.Errorf("%d bytes of extraneous data after the value", uint64(len(data)-head)-n)
	}
	return data[head:], true, nil
}

// decodeFast decodes data into dst when data is a top-level byte string or
// typed array. handled is false when it is neither, or when dst's type has
// its own decoding method; the CBOR library then does the work.
func decodeFast(data []byte, dst reflect.Value, noCopy bool) (handled bool, err error) {
	var k *numKind
	var be bool
	body := data
	if len(data) >= 2 && data[0] == 0xd8 {
		t, ok := byTag[data[1]]
		if !ok {
			return false, nil
		}
		k, be, body = t.k, t.be, data[2:]
	}
	content, ok, err := readByteString(body)
	if !ok {
		if k != nil {
			return true, fmt.Errorf("typed array (tag %d) does not hold a byte string", data[1])
		}
		return false, nil
	}
	if err != nil {
		return true, err
	}
	// Follow pointers, allocating, unless a type on the way decodes itself.
	t := dst.Type()
	for t.Kind() == reflect.Pointer {
		if customDecoding(t) {
			return false, nil
		}
		t = t.Elem()
	}
	if customDecoding(t) {
		return false, nil
	}
	for dst.Kind() == reflect.Pointer {
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		dst = dst.Elem()
	}
	if k == nil {
		return decodeBytes(content, dst, noCopy)
	}
	return true, decodeTyped(content, k, be, dst, noCopy)
}

// decodeBytes stores a byte string into a byte slice or an empty interface:
// a copy, or content itself (capacity clipped) when noCopy is set.
func decodeBytes(content []byte, dst reflect.Value, noCopy bool) (bool, error) {
	var st reflect.Type
	switch {
	case dst.Kind() == reflect.Interface && dst.NumMethod() == 0:
		st = kindUint8.slice
	case dst.Kind() == reflect.Slice && dst.Type().Elem().Kind() == reflect.Uint8 && !customDecoding(dst.Type().Elem()):
		st = dst.Type()
	default:
		return false, nil
	}
	if !noCopy {
		content = append(make([]byte, 0, len(content)), content...)
	}
	dst.Set(reflect.ValueOf(content[:len(content):len(content)]).Convert(st))
	return true, nil
}

// decodeTyped fills dst, a slice with k's element kind or an empty
// interface, from a typed array's content. With noCopy the slice aliases
// content when the byte order is the host's and content is aligned for the
// element type; otherwise the elements are copied.
func decodeTyped(content []byte, k *numKind, be bool, dst reflect.Value, noCopy bool) error {
	if len(content)%k.size != 0 {
		return fmt.Errorf("typed array of %s: %d bytes is not a whole number of elements", k.slice.Elem(), len(content))
	}
	st := k.slice
	switch {
	case dst.Kind() == reflect.Interface && dst.NumMethod() == 0:
	case dst.Kind() == reflect.Slice && sameElemKind(dst.Type().Elem(), k) && !customDecoding(dst.Type().Elem()):
		st = dst.Type()
	default:
		return fmt.Errorf("cannot decode a typed array of %s into %s", k.slice.Elem(), dst.Type())
	}
	n := len(content) / k.size
	if noCopy && be == bigEndianHost && n > 0 && uintptr(unsafe.Pointer(&content[0]))%uintptr(k.size) == 0 {
		// A []T header over content's memory: content is pointer-free and
		// aligned for T, and the slice keeps its allocation alive.
		dst.Set(reflect.SliceAt(st.Elem(), unsafe.Pointer(&content[0]), n).Convert(st))
		return nil
	}
	s := reflect.MakeSlice(st, n, n)
	raw := unsafe.Slice((*byte)(s.UnsafePointer()), len(content))
	copy(raw, content)
	if be != bigEndianHost {
		swap(raw, k.size)
	}
	dst.Set(s)
	return nil
}

// sameElemKind reports whether elements of type t have k's memory layout.
func sameElemKind(t reflect.Type, k *numKind) bool {
	if k == kindUint8 {
		return t.Kind() == reflect.Uint8
	}
	return byElemKind[t.Kind()] == k
}

// swap reverses the byte order of each size-byte element of b in place.
func swap(b []byte, size int) {
	switch size {
	case 2:
		for i := 0; i+1 < len(b); i += 2 {
			binary.LittleEndian.PutUint16(b[i:], binary.BigEndian.Uint16(b[i:]))
		}
	case 4:
		for i := 0; i+3 < len(b); i += 4 {
			binary.LittleEndian.PutUint32(b[i:], binary.BigEndian.Uint32(b[i:]))
		}
	case 8:
		for i := 0; i+7 < len(b); i += 8 {
			binary.LittleEndian.PutUint64(b[i:], binary.BigEndian.Uint64(b[i:]))
		}
	}
}
