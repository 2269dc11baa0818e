package codec

import (
	"fmt"
	"reflect"
	"sync"
)

// The CBOR library follows pointers without remembering where it has been,
// so a cyclic value would overflow the stack and kill the task process. A
// walk before encoding bounds the nesting depth instead. Only types that can
// nest without bound need it: those holding an interface or a recursive
// type. Everything else ([]float64, a struct of strings and maps of
// numbers...) has a depth fixed by its type and is encoded straight away.

// mayNestCache maps reflect.Type to bool: whether values of that type need
// the depth walk.
var mayNestCache sync.Map

func mayNest(t reflect.Type) bool {
	if v, ok := mayNestCache.Load(t); ok {
		return v.(bool)
	}
	r := typeMayNest(t, map[reflect.Type]bool{})
	mayNestCache.Store(t, r)
	return r
}

// typeMayNest reports whether t reaches an interface, or itself, through
// the parts of t the encoder visits.
func typeMayNest(t reflect.Type, onPath map[reflect.Type]bool) bool {
	if customEncoding(t) {
		return false
	}
	if onPath[t] {
		return true
	}
	onPath[t] = true
	defer delete(onPath, t)
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return typeMayNest(t.Elem(), onPath)
	case reflect.Map:
		return typeMayNest(t.Key(), onPath) || typeMayNest(t.Elem(), onPath)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); encodedField(f) && typeMayNest(f.Type, onPath) {
				return true
			}
		}
	}
	return false
}

// encodedField reports whether the CBOR library encodes struct field f:
// exported fields and embedded structs, unless tagged "-".
func encodedField(f reflect.StructField) bool {
	ft := f.Type
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if !f.IsExported() && !(f.Anonymous && ft.Kind() == reflect.Struct) {
		return false
	}
	tag := f.Tag.Get("cbor")
	if tag == "" {
		tag = f.Tag.Get("json")
	}
	return tag != "-"
}

// checkDepth returns an error when v nests deeper than MaxDepth.
func checkDepth(v any) error {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
	default:
		return nil // a scalar, or nil
	}
	if !mayNest(rv.Type()) {
		return nil
	}
	if tooDeep(rv, 0) {
		return fmt.Errorf("codec: cannot encode %s: it nests more than %d levels deep; is it cyclic (a pointer, map or slice that leads back to itself)?", typeName(v), MaxDepth)
	}
	return nil
}

// tooDeep walks v as the encoder will, counting arrays, maps and structs,
// and stops as soon as the count passes MaxDepth.
func tooDeep(v reflect.Value, depth int) bool {
	if depth > MaxDepth {
		return true
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() || customEncoding(v.Type()) {
			return false
		}
		return tooDeep(v.Elem(), depth)
	}
	if !mayNest(v.Type()) {
		return false
	}
	switch v.Kind() {
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if tooDeep(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if tooDeep(it.Key(), depth+1) || tooDeep(it.Value(), depth+1) {
				return true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if encodedField(t.Field(i)) && tooDeep(v.Field(i), depth+1) {
				return true
			}
		}
	}
	return false
}
