package parser

import (
	"fmt"
	"go/ast"
	"go/types"
	"reflect"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/runtime/codec"
)

// What can be an artifact is decided from the field's Go type, by the rules
// package codec states for itself (codec.MethodPairs, codec.SpecialTypes,
// codec.RefusedKind), applied here to go/types types: a value the codec
// would refuse, or would save without its state, or could not read back,
// is reported at the field before anything runs.

// verdict is why a type cannot be an artifact: what the value holds
// (why) and the innermost defined type it is in (typ, "" for none).
type verdict struct {
	code diag.Code
	why  string
	typ  string
}

// String phrases the verdict for a message.
func (v *verdict) String() string {
	subject := "it"
	if v.typ != "" {
		subject = v.typ
	}
	switch v.code {
	case diag.ArtifactState, diag.ArtifactInterface:
		return subject + " " + v.why
	case diag.ArtifactType:
		if v.typ != "" {
			return fmt.Sprintf("%s (type %s)", v.why, v.typ)
		}
	}
	return v.why
}

// storeRules applies the codec's rules to the types of one package.
type storeRules struct {
	pkg  *types.Package
	memo map[types.Type]*verdict
}

var (
	// encodeSig and decodeSig are the shapes of a method pair's methods.
	encodeSig = types.NewSignatureType(nil, nil, nil, nil,
		types.NewTuple(types.NewParam(0, nil, "", types.NewSlice(types.Typ[types.Byte])),
			types.NewParam(0, nil, "", types.Universe.Lookup("error").Type())), false)
	decodeSig = types.NewSignatureType(nil, nil, nil,
		types.NewTuple(types.NewParam(0, nil, "", types.NewSlice(types.Typ[types.Byte]))),
		types.NewTuple(types.NewParam(0, nil, "", types.Universe.Lookup("error").Type())), false)
)

// checkStorable reports a field whose type cannot be saved as an artifact
// (or, for a parameter, as the parameter's value).
func (l *loader) checkStorable(t ast.Expr, name string, param bool) {
	tt := l.typeOf(t)
	if tt == nil {
		return // go/types could not tell; the compiler will
	}
	if l.rules == nil {
		l.rules = &storeRules{pkg: l.pkg, memo: map[types.Type]*verdict{}}
	}
	v := l.rules.check(tt, map[types.Type]bool{})
	switch {
	case v == nil:
	case param:
		l.diags.Add(l.pos(t.Pos()), v.code,
			"parameter %s cannot be saved: %s; a parameter holds data given on the command line", name, v)
	default:
		l.diags.Add(l.pos(t.Pos()), v.code,
			"field %s cannot be saved as an artifact: %s; make it unexported to keep it out of the datastore", name, v)
	}
}

// check returns why t cannot be saved, or nil. seen holds the named types
// on the way to t, so a recursive type ends.
func (r *storeRules) check(t types.Type, seen map[types.Type]bool) *verdict {
	t = types.Unalias(t)
	if n, ok := t.(*types.Named); ok {
		if seen[n] {
			return nil
		}
		if v, ok := r.memo[n]; ok {
			return v
		}
		// A verdict reached while other types were being checked may
		// have skipped one of them (a cycle back to it): only a verdict
		// reached from n alone is kept.
		top := len(seen) == 0
		seen[n] = true
		v := r.named(n, seen)
		if top {
			r.memo[n] = v
		}
		return v
	}
	if v := r.methods(t); v != nil || r.hasPair(t) {
		return v
	}
	return r.byKind(t, seen)
}

// named checks a defined type: the codec's own types, then a method pair,
// then its underlying type, naming the type in the reason.
func (r *storeRules) named(n *types.Named, seen map[types.Type]bool) *verdict {
	if obj := n.Obj(); obj.Pkg() != nil {
		for _, s := range codec.SpecialTypes {
			if obj.Pkg().Path() == s.Path && obj.Name() == s.Name {
				return nil
			}
		}
	}
	if _, isIface := n.Underlying().(*types.Interface); !isIface {
		if v := r.methods(n); v != nil || r.hasPair(n) {
			return v
		}
	}
	v := r.byKind(n.Underlying(), seen)
	switch {
	case v == nil || v.typ != "":
		return v
	case n == types.Universe.Lookup("error").Type():
		return &verdict{code: v.code, typ: "an error",
			why: "cannot be read back (an error is an interface, and the datastore saves data): store err.Error() in a string field"}
	}
	why := v.why
	if v.code == diag.ArtifactState {
		why += r.jsonHint(n)
	}
	return &verdict{v.code, why, types.TypeString(n, types.RelativeTo(r.pkg))}
}

// hasPair reports whether the codec writes t with a method pair.
func (r *storeRules) hasPair(t types.Type) bool {
	ms := types.NewMethodSet(types.NewPointer(t))
	for _, p := range codec.MethodPairs {
		if hasMethod(ms, p.Encode, encodeSig) {
			return true
		}
	}
	return false
}

// methods returns a verdict when the codec would write t with a method
// pair's encoding method (the first t has, in codec.MethodPairs' order) but
// *t lacks the decoding method: the value could not be read back.
func (r *storeRules) methods(t types.Type) *verdict {
	ms := types.NewMethodSet(types.NewPointer(t))
	for _, p := range codec.MethodPairs {
		if !hasMethod(ms, p.Encode, encodeSig) {
			continue
		}
		if hasMethod(ms, p.Decode, decodeSig) {
			return nil
		}
		return &verdict{code: diag.ArtifactOneWay, why: fmt.Sprintf("%s has %s but no %s: the datastore would write it with %s and could not read it back",
			types.TypeString(t, types.RelativeTo(r.pkg)), p.Encode, p.Decode, p.Encode)}
	}
	return nil
}

func hasMethod(ms *types.MethodSet, name string, sig *types.Signature) bool {
	sel := ms.Lookup(nil, name)
	if sel == nil {
		return false
	}
	f, ok := sel.Obj().(*types.Func)
	return ok && types.Identical(f.Signature(), sig)
}

// jsonHint says what to do about a type whose state is lost although it
// has MarshalJSON, which the codec ignores.
func (r *storeRules) jsonHint(t types.Type) string {
	ms := types.NewMethodSet(types.NewPointer(t))
	for _, m := range codec.IgnoredMethods {
		if hasMethod(ms, m, encodeSig) {
			return fmt.Sprintf(" (its %s is not used: the datastore writes CBOR; give it MarshalBinary and UnmarshalBinary, or MarshalText and UnmarshalText)", m)
		}
	}
	return ""
}

// byKind checks a type by its structure.
func (r *storeRules) byKind(t types.Type, seen map[types.Type]bool) *verdict {
	switch u := types.Unalias(t).(type) {
	case *types.Named:
		return r.check(u, seen)
	case *types.Basic:
		if u.Kind() == types.UnsafePointer {
			return &verdict{code: diag.ArtifactType, why: "it holds an unsafe.Pointer"}
		}
		if why := codec.RefusedKind(basicKind(u), false); why != "" {
			return &verdict{code: diag.ArtifactType, why: "it holds a " + u.Name() + ": " + why}
		}
	case *types.Pointer:
		return r.check(u.Elem(), seen)
	case *types.Slice:
		return r.check(u.Elem(), seen)
	case *types.Array:
		return r.check(u.Elem(), seen)
	case *types.Map:
		if v := r.check(u.Key(), seen); v != nil {
			return v
		}
		return r.check(u.Elem(), seen)
	case *types.Chan:
		return &verdict{code: diag.ArtifactType, why: "it holds a channel"}
	case *types.Signature:
		return &verdict{code: diag.ArtifactType, why: "it holds a function"}
	case *types.Interface:
		if why := codec.RefusedKind(reflect.Interface, u.Empty()); why != "" {
			return &verdict{code: diag.ArtifactInterface, why: "is an interface with methods, which cannot be read back: the next step would need a concrete type to decode into"}
		}
	case *types.Struct:
		return r.structFields(u, seen)
	}
	return nil
}

// structFields checks the fields the codec writes (exported ones, and the
// fields of embedded structs) and reports the unexported ones, whose state
// the codec does not write.
func (r *storeRules) structFields(st *types.Struct, seen map[types.Type]bool) *verdict {
	var hidden []string
	for i := range st.NumFields() {
		f := st.Field(i)
		if f.Name() == "_" || skippedByTag(st.Tag(i)) {
			continue
		}
		if !f.Exported() {
			if f.Embedded() && isStruct(f.Type()) {
				// Its exported fields are promoted and saved; if its
				// state is hidden, this type's is.
				v := r.check(f.Type(), seen)
				if v != nil && v.code == diag.ArtifactState {
					hidden = append(hidden, f.Name())
				} else if v != nil {
					return v
				}
				continue
			}
			hidden = append(hidden, f.Name())
			continue
		}
		if v := r.check(f.Type(), seen); v != nil {
			return v
		}
	}
	if len(hidden) == 0 {
		return nil
	}
	if len(hidden) > 3 {
		hidden = append(hidden[:3], "...")
	}
	return &verdict{code: diag.ArtifactState, why: fmt.Sprintf(
		"keeps its state in unexported fields (%s), which the datastore does not save, and has no MarshalBinary/UnmarshalBinary or MarshalText/UnmarshalText methods: the next step would see it empty",
		strings.Join(hidden, ", "))}
}

// skippedByTag reports a field the codec leaves out on purpose: tagged
// cbor:"-", or json:"-" without a cbor tag.
func skippedByTag(tag string) bool {
	st := reflect.StructTag(tag)
	v, ok := st.Lookup("cbor")
	if !ok {
		v = st.Get("json")
	}
	return v == "-"
}

func isStruct(t types.Type) bool {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	_, ok := t.Underlying().(*types.Struct)
	return ok
}

// basicKinds maps go/types' basic kinds to the reflect kinds the codec's
// rules are stated in.
var basicKinds = map[types.BasicKind]reflect.Kind{
	types.Bool: reflect.Bool, types.String: reflect.String,
	types.Int: reflect.Int, types.Int8: reflect.Int8, types.Int16: reflect.Int16, types.Int32: reflect.Int32, types.Int64: reflect.Int64,
	types.Uint: reflect.Uint, types.Uint8: reflect.Uint8, types.Uint16: reflect.Uint16, types.Uint32: reflect.Uint32, types.Uint64: reflect.Uint64,
	types.Uintptr: reflect.Uintptr, types.Float32: reflect.Float32, types.Float64: reflect.Float64,
	types.Complex64: reflect.Complex64, types.Complex128: reflect.Complex128, types.UnsafePointer: reflect.UnsafePointer,
}

func basicKind(b *types.Basic) reflect.Kind { return basicKinds[b.Kind()] }
