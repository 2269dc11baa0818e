package codec_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/fxamacker/cbor/v2"

	"github.com/flowc-dev/flowc/runtime/codec"
)

// The tests in this file walk the rule tables of rules.go, which the front
// end (package parser) applies to a flow's field types: every kind, method
// pair and special type the rules accept must round-trip, and every kind
// they refuse must fail, so that the front end's verdict is the codec's.

// kindSamples holds a value of each kind. A kind the rules accept with no
// sample here fails the test.
var kindSamples = map[reflect.Kind]any{
	reflect.Bool: true, reflect.Int: -3, reflect.Int8: int8(-8), reflect.Int16: int16(-16),
	reflect.Int32: int32(-32), reflect.Int64: int64(-64), reflect.Uint: uint(3), reflect.Uint8: uint8(8),
	reflect.Uint16: uint16(16), reflect.Uint32: uint32(32), reflect.Uint64: uint64(64),
	reflect.Float32: float32(0.5), reflect.Float64: 0.25, reflect.String: "s",
	reflect.Array:     [2]string{"a", "b"},
	reflect.Slice:     []string{"x"},
	reflect.Map:       map[string]int{"a": 1},
	reflect.Pointer:   &Inner{A: 1},
	reflect.Struct:    Inner{A: 2, B: []string{"c"}},
	reflect.Interface: struct{ V any }{V: "dynamic"},
	// Refused kinds: Encode must fail.
	reflect.Complex64:     complex64(1i),
	reflect.Complex128:    2i,
	reflect.Chan:          make(chan int),
	reflect.Func:          func() {},
	reflect.UnsafePointer: unsafe.Pointer(nil),
	reflect.Uintptr:       uintptr(1),
}

func TestRulesEveryKind(t *testing.T) {
	for k := reflect.Bool; k <= reflect.UnsafePointer; k++ {
		v, ok := kindSamples[k]
		if !ok {
			t.Errorf("kind %s: no sample value; add one to kindSamples", k)
			continue
		}
		why := codec.RefusedKind(k, true)
		if why == "" {
			roundTrip(t, "kind "+k.String(), v)
			continue
		}
		if _, err := codec.Encode(v); err == nil {
			t.Errorf("kind %s: RefusedKind says %q, but Encode(%T) succeeded", k, why, v)
		}
	}
}

// withError is what a flow with an error field saves: Encode writes the
// error's fields (none), and decoding cannot make an error again. This is
// why RefusedKind refuses interfaces with methods.
type withError struct{ Err error }

func TestRulesRefuseInterfacesWithMethods(t *testing.T) {
	if codec.RefusedKind(reflect.Interface, false) == "" {
		t.Fatal("RefusedKind accepts an interface with methods")
	}
	data, err := codec.Encode(withError{Err: errors.New("boom")})
	if err != nil {
		t.Fatal(err)
	}
	var got withError
	if err := codec.Decode(data, &got); err == nil {
		t.Errorf("decoding an error field succeeded (%v): RefusedKind may be too strict", got.Err)
	}
}

// Types whose state is in unexported fields, saved through each method pair.
type binState struct{ n int }

func (b binState) MarshalBinary() ([]byte, error) { return []byte(strconv.Itoa(b.n)), nil }
func (b *binState) UnmarshalBinary(p []byte) (err error) {
	b.n, err = strconv.Atoi(string(p))
	return err
}

type textState struct{ n int }

func (s textState) MarshalText() ([]byte, error) { return []byte(strconv.Itoa(s.n)), nil }
func (s *textState) UnmarshalText(p []byte) (err error) {
	s.n, err = strconv.Atoi(string(p))
	return err
}

type cborState struct{ n int }

func (s cborState) MarshalCBOR() ([]byte, error)  { return cbor.Marshal(s.n) }
func (s *cborState) UnmarshalCBOR(p []byte) error { return cbor.Unmarshal(p, &s.n) }

// jsonState has only the JSON methods, which the codec ignores.
type jsonState struct{ n int }

func (s jsonState) MarshalJSON() ([]byte, error)  { return json.Marshal(s.n) }
func (s *jsonState) UnmarshalJSON(p []byte) error { return json.Unmarshal(p, &s.n) }

var pairSamples = map[string]any{
	"MarshalCBOR":   cborState{n: 7},
	"MarshalBinary": binState{n: 8},
	"MarshalText":   textState{n: 9},
}

func TestRulesEveryMethodPair(t *testing.T) {
	for _, m := range codec.MethodPairs {
		v, ok := pairSamples[m.Encode]
		if !ok {
			t.Errorf("method pair %s/%s: no sample type; add one to pairSamples", m.Encode, m.Decode)
			continue
		}
		// Alone, and as a field would hold it: in a slice, behind a pointer.
		p := reflect.New(reflect.TypeOf(v))
		p.Elem().Set(reflect.ValueOf(v))
		s := reflect.Append(reflect.MakeSlice(reflect.SliceOf(p.Type()), 0, 1), p)
		for _, x := range []any{v, s.Interface()} {
			data, err := codec.Encode(x)
			if err != nil {
				t.Fatalf("%s: encode %T: %v", m.Encode, x, err)
			}
			got := reflect.New(reflect.TypeOf(x))
			if err := codec.Decode(data, got.Interface()); err != nil {
				t.Fatalf("%s: decode %T: %v", m.Encode, x, err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), x) {
				t.Errorf("%s: round trip of %T gave %+v, want %+v", m.Encode, x, got.Elem().Interface(), x)
			}
		}
	}
}

func TestRulesIgnoredMethodsLoseState(t *testing.T) {
	if len(codec.IgnoredMethods) != 1 || codec.IgnoredMethods[0] != "MarshalJSON" {
		t.Fatalf("IgnoredMethods = %v; update jsonState's test", codec.IgnoredMethods)
	}
	data, err := codec.Encode(jsonState{n: 5})
	if err != nil {
		t.Fatal(err)
	}
	var got jsonState
	if err := codec.Decode(data, &got); err != nil || got.n != 0 {
		t.Errorf("a type with only MarshalJSON came back as %+v (%v); the codec now honours it: update IgnoredMethods", got, err)
	}
}

var specialSamples = map[string]any{
	"time.Time":                                time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
	"math/big.Int":                             *big.NewInt(-1 << 40),
	"github.com/fxamacker/cbor/v2.Tag":         cbor.Tag{Number: 100, Content: "x"},
	"github.com/fxamacker/cbor/v2.RawTag":      cbor.RawTag{Number: 100, Content: cbor.RawMessage{0x61, 0x78}},
	"github.com/fxamacker/cbor/v2.RawMessage":  cbor.RawMessage{0x61, 0x78},
	"github.com/fxamacker/cbor/v2.ByteString":  cbor.ByteString("bytes"),
	"github.com/fxamacker/cbor/v2.SimpleValue": cbor.SimpleValue(16),
}

func TestRulesEverySpecialType(t *testing.T) {
	for _, s := range codec.SpecialTypes {
		name := s.Path + "." + s.Name
		v, ok := specialSamples[name]
		if !ok {
			t.Errorf("special type %s: no sample; add one to specialSamples", name)
			continue
		}
		if got := reflect.TypeOf(v); got.PkgPath() != s.Path || got.Name() != s.Name {
			t.Fatalf("sample of %s is a %s", name, got)
		}
		roundTrip(t, name, v)
	}
}

func ExampleRefusedKind() {
	fmt.Println(codec.RefusedKind(reflect.Complex128, false))
	// Output: complex numbers cannot be saved as artifacts (store the real and imaginary parts)
}

func TestCheckType(t *testing.T) {
	type deep struct{ Errs map[string][]error }
	type hidden struct{ err error }
	for _, c := range []struct {
		t    reflect.Type
		want string // "" for accepted
	}{
		{reflect.TypeFor[error](), "cannot save a value of type error: an interface with methods"},
		{reflect.TypeFor[withError](), "it holds a error in withError.Err"},
		{reflect.TypeFor[*deep](), "in deep.Errs"},
		{reflect.TypeFor[hidden](), ""},
		{reflect.TypeFor[any](), ""},
		{reflect.TypeFor[map[string]any](), ""},
		{reflect.TypeFor[[]complex64](), "complex numbers"},
		{reflect.TypeFor[textState](), ""},
		{reflect.TypeFor[Model](), ""},
	} {
		err := codec.CheckType(c.t)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("CheckType(%s) = %v, want nil", c.t, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("CheckType(%s) = %v, want an error containing %q", c.t, err, c.want)
		}
	}
}

// TestRulesLibraryTypes round-trips library types the front end accepts
// through a method pair (golden/testdata/bad/artifactstate holds them).
func TestRulesLibraryTypes(t *testing.T) {
	f, _ := new(big.Float).SetString("3.14159265358979323846264338327950288")
	cases := map[string]struct {
		v     any
		equal func(a, b any) bool
	}{
		"big.Float":  {f, func(a, b any) bool { return a.(*big.Float).Cmp(b.(*big.Float)) == 0 }},
		"big.Rat":    {big.NewRat(22, 7), func(a, b any) bool { return a.(*big.Rat).Cmp(b.(*big.Rat)) == 0 }},
		"netip.Addr": {netip.MustParseAddr("2001:db8::1"), func(a, b any) bool { return a == b }},
		"regexp":     {regexp.MustCompile(`^a+b$`), func(a, b any) bool { return a.(*regexp.Regexp).String() == b.(*regexp.Regexp).String() }},
	}
	for name, c := range cases {
		data, err := codec.Encode(c.v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := reflect.New(reflect.TypeOf(c.v))
		if err := codec.Decode(data, got.Interface()); err != nil {
			t.Fatalf("%s: decode: %v", name, err)
		}
		if !c.equal(got.Elem().Interface(), c.v) {
			t.Errorf("%s: round trip gave %v, want %v", name, got.Elem().Interface(), c.v)
		}
	}
}
