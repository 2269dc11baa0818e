package codec

import (
	"encoding"
	"fmt"
	"reflect"
	"sync"

	"github.com/fxamacker/cbor/v2"
)

// This file is the one statement of what the codec can save, read by the
// codec itself (its fast paths, its error messages) and by flowc's front end
// (package parser), which applies the same rules to go/types types so that
// a flow whose artifact would be refused, or silently saved empty, is
// reported before anything runs. The round-trip test walks these tables.

// MethodPair is a pair of methods the codec calls to save and restore a type
// in place of its fields: a type that has the encoding method (on the value
// or on its pointer) is written by it, and decoded by the decoding method,
// which its pointer must have. Both methods have the shapes
// Encode() ([]byte, error) and Decode([]byte) error.
type MethodPair struct {
	Encode, Decode string
	// Interface is the interface named by Encode's method, as written in
	// Go, for messages: "encoding.BinaryMarshaler".
	Interface string
	// Form is what the encoding method's bytes become in the CBOR data.
	Form string

	encoder, decoder reflect.Type
}

// MethodPairs lists the methods the codec honours, in the order the CBOR
// library prefers them when a type has more than one. json.Marshaler is not
// among them: the CBOR library calls MarshalJSON only with a JSON
// transcoder, which the codec does not set, so a type whose state is only
// reachable through MarshalJSON is not saved by it (see IgnoredMethods).
var MethodPairs = []MethodPair{
	{"MarshalCBOR", "UnmarshalCBOR", "cbor.Marshaler", "the CBOR item it writes",
		reflect.TypeFor[cbor.Marshaler](), reflect.TypeFor[cbor.Unmarshaler]()},
	{"MarshalBinary", "UnmarshalBinary", "encoding.BinaryMarshaler", "a byte string",
		reflect.TypeFor[encoding.BinaryMarshaler](), reflect.TypeFor[encoding.BinaryUnmarshaler]()},
	{"MarshalText", "UnmarshalText", "encoding.TextMarshaler", "a text string",
		reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler]()},
}

// IgnoredMethods are encoding methods the codec does not call; a type
// that has one is saved by its kind and fields, as if it had none.
var IgnoredMethods = []string{"MarshalJSON"}

// SpecialType is a type from another package the codec encodes itself
// (not by its fields, which are unexported).
type SpecialType struct{ Path, Name string }

// SpecialTypes lists them: time.Time is an RFC 3339 string under tag 0,
// big.Int a CBOR integer or bignum, and the CBOR library's own types are
// what they say.
var SpecialTypes = []SpecialType{
	{"time", "Time"},
	{"math/big", "Int"},
	{"github.com/fxamacker/cbor/v2", "Tag"},
	{"github.com/fxamacker/cbor/v2", "RawTag"},
	{"github.com/fxamacker/cbor/v2", "RawMessage"},
	{"github.com/fxamacker/cbor/v2", "ByteString"},
	{"github.com/fxamacker/cbor/v2", "SimpleValue"},
}

// RefusedKind returns why values of kind k cannot be saved, or "" when the
// kind itself is no obstacle (the parts of a composite kind still may be).
// An interface is refused unless it is the empty interface: decoding needs
// a concrete type for a non-empty one (error, io.Reader, context.Context).
func RefusedKind(k reflect.Kind, emptyInterface bool) string {
	switch k {
	case reflect.Chan:
		return "channels cannot be saved as artifacts"
	case reflect.Func:
		return "functions cannot be saved as artifacts"
	case reflect.Complex64, reflect.Complex128:
		return "complex numbers cannot be saved as artifacts (store the real and imaginary parts)"
	case reflect.UnsafePointer, reflect.Uintptr:
		return "pointers held as numbers cannot be saved as artifacts"
	case reflect.Interface:
		if !emptyInterface {
			return "an interface with methods cannot be read back: the next step would need a concrete type to decode into"
		}
	case reflect.Invalid:
		return "values of this type cannot be saved as artifacts"
	}
	return ""
}

// customEncoding reports whether the CBOR library would encode t through a
// method of t (or *t) rather than by its kind; the fast paths leave such
// types alone so that the two paths never disagree.
func customEncoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	for _, m := range MethodPairs {
		if t.Implements(m.encoder) || pt.Implements(m.encoder) {
			return true
		}
	}
	return false
}

// customDecoding is customEncoding's counterpart for decoding into t.
func customDecoding(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	for _, m := range MethodPairs {
		if pt.Implements(m.decoder) {
			return true
		}
	}
	return false
}

// CheckType returns an error when a value stored from a variable of type t
// could not be read back into one: t holds, where the encoder looks, a
// kind RefusedKind refuses, an interface with methods among them (an error
// field holding errors.New("x") would encode as an empty map, and decoding
// it into an error fails). Encode, which sees only the dynamic value,
// cannot tell; the task runner asks before saving a field, so that the
// failure is the saving step's, with this reason, not the next step's.
func CheckType(t reflect.Type) error {
	if v, ok := checkTypeCache.Load(t); ok {
		err, _ := v.(error)
		return err
	}
	var err error
	if bad, where := refusedIn(t, map[reflect.Type]bool{}, true); bad != nil {
		if where != "" {
			where = " in " + where
		}
		err = fmt.Errorf("codec: cannot save a value of type %s: it holds a %s%s, and %s", t, bad, where, unsupportedWhy(bad))
		if bad == t {
			err = fmt.Errorf("codec: cannot save a value of type %s: %s", t, unsupportedWhy(bad))
		}
	}
	checkTypeCache.Store(t, err)
	return err
}

var checkTypeCache sync.Map

// refusedIn finds a type inside t whose kind RefusedKind refuses, and
// where: a path like "Model.Cache" or "[]chan int"; nil if there is none.
// Interfaces with methods count only when ifaces is set.
func refusedIn(t reflect.Type, seen map[reflect.Type]bool, ifaces bool) (reflect.Type, string) {
	if t.Kind() == reflect.Interface {
		if ifaces && t.NumMethod() > 0 {
			return t, ""
		}
		return nil, ""
	}
	if seen[t] || customEncoding(t) {
		return nil, ""
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return refusedIn(t.Elem(), seen, ifaces)
	case reflect.Map:
		if bad, p := refusedIn(t.Key(), seen, ifaces); bad != nil {
			return bad, p
		}
		return refusedIn(t.Elem(), seen, ifaces)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !encodedField(f) {
				continue
			}
			if bad, p := refusedIn(f.Type, seen, ifaces); bad != nil {
				path := t.Name() + "." + f.Name
				if p != "" {
					path = p + " (" + path + ")"
				}
				return bad, path
			}
		}
	}
	if RefusedKind(t.Kind(), true) != "" {
		return t, ""
	}
	return nil, ""
}
