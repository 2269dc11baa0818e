package codec

import (
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"
)

// DefaultPreview is the length Preview uses when asked for max <= 0.
const DefaultPreview = 80

// previewDepth bounds how deeply Preview descends, whatever max allows.
const previewDepth = 64

// Preview renders v on one line for a listing or a UI: at most max runes
// (DefaultPreview when max <= 0), cut with "…" when longer. It is meant for
// what DecodeAny returns but takes any Go value. It is deterministic: map
// keys are sorted, struct fields keep their order. Rendering stops as soon
// as max is reached, so previewing a 10M-element slice is cheap.
//
//	nil, true, 42, 0.5, NaN, +Inf, "quoted string"
//	[1, 2, 3]                      slices, arrays
//	{"a": 1, "b": [true]}          maps, keys sorted
//	Model{Name: "x", Score: 0.9}   structs
//	[]float64(1000)[0.5, 1, …]     top-level numeric slices, with their length
//	[]byte(5) 68656c6c6f           byte strings as hex, with their length
//	2024-01-02T03:04:05Z, 1.5s     times and durations
func Preview(v any, max int) string { return PreviewAs(v, "", max) }

// PreviewAs is Preview for a value decoded without its Go type (the
// client's ArtifactAny: an []int comes back []int64), whose type as
// written was goType: a slice at the top is labelled goType, not the
// decoded type. An empty goType is Preview's label.
func PreviewAs(v any, goType string, max int) string {
	if max <= 0 {
		max = DefaultPreview
	}
	p := &previewer{max: max, topType: goType}
	p.value(reflect.ValueOf(v), 0)
	if p.cut {
		return p.b.String() + "…"
	}
	return p.b.String()
}

// previewer writes into b until it holds max-1 runes and more is offered,
// then sets cut; every loop checks cut to stop early.
type previewer struct {
	topType string // the label of a slice at depth 0, when not ""
	b       strings.Builder
	runes   int
	max     int
	cut     bool
}

func (p *previewer) write(s string) {
	if p.cut {
		return
	}
	n := utf8.RuneCountInString(s)
	if p.runes+n <= p.max {
		p.b.WriteString(s)
		p.runes += n
		return
	}
	// Keep max-1 runes so that the "…" fits in max.
	room := p.max - 1 - p.runes
	for _, r := range s {
		if room <= 0 {
			break
		}
		p.b.WriteRune(r)
		room--
	}
	p.runes = p.max
	p.cut = true
}

var (
	typeTime     = reflect.TypeFor[time.Time]()
	typeDuration = reflect.TypeFor[time.Duration]()
	typeBigInt   = reflect.TypeFor[big.Int]()
	typeTag      = reflect.TypeFor[cbor.Tag]()
)

func (p *previewer) value(v reflect.Value, depth int) {
	if p.cut {
		return
	}
	if depth > previewDepth {
		p.write("…")
		return
	}
	if !v.IsValid() {
		p.write("null")
		return
	}
	switch v.Type() {
	case typeTime:
		p.write(v.Interface().(time.Time).Format(time.RFC3339Nano))
		return
	case typeDuration:
		p.write(time.Duration(v.Int()).String())
		return
	case typeBigInt:
		if !v.CanAddr() {
			c := reflect.New(typeBigInt).Elem()
			c.Set(v)
			v = c
		}
		p.write(v.Addr().Interface().(*big.Int).String())
		return
	case typeTag:
		t := v.Interface().(cbor.Tag)
		p.write("tag(" + strconv.FormatUint(t.Number, 10) + ")")
		p.value(reflect.ValueOf(t.Content), depth+1)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			p.write("null")
			return
		}
		p.value(v.Elem(), depth)
	case reflect.Bool:
		p.write(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		p.write(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		p.write(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		p.write(formatFloat(v.Float(), v.Type().Bits()))
	case reflect.Complex64, reflect.Complex128:
		p.write(strconv.FormatComplex(v.Complex(), 'g', -1, v.Type().Bits()))
	case reflect.String:
		p.quote(v.String())
	case reflect.Slice, reflect.Array:
		p.list(v, depth)
	case reflect.Map:
		p.mapping(v, depth)
	case reflect.Struct:
		p.structure(v, depth)
	default:
		p.write("<" + v.Type().String() + ">")
	}
}

// quote writes s quoted as Go would, without first quoting all of a huge
// string.
func (p *previewer) quote(s string) {
	if len(s) > 4*p.max {
		s = s[:4*p.max]
		p.write(strings.TrimSuffix(strconv.Quote(s), `"`))
		p.write("\"…")
		return
	}
	p.write(strconv.Quote(s))
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

func (p *previewer) list(v reflect.Value, depth int) {
	et := v.Type().Elem()
	if v.Kind() == reflect.Slice && v.IsNil() {
		p.write("null")
		return
	}
	if et.Kind() == reflect.Uint8 {
		p.write(fmt.Sprintf("[]byte(%d) ", v.Len()))
		b := make([]byte, min(v.Len(), p.max/2+1))
		reflect.Copy(reflect.ValueOf(b), v)
		p.write(hex.EncodeToString(b))
		return
	}
	if v.Kind() == reflect.Slice && byElemKind[et.Kind()] != nil {
		label := v.Type().String()
		if depth == 0 && p.topType != "" {
			label = p.topType
		}
		p.write(fmt.Sprintf("%s(%d)", label, v.Len()))
	}
	p.write("[")
	for i := range v.Len() {
		if p.cut {
			return
		}
		if i > 0 {
			p.write(", ")
		}
		p.value(v.Index(i), depth+1)
	}
	p.write("]")
}

func (p *previewer) mapping(v reflect.Value, depth int) {
	if v.IsNil() {
		p.write("null")
		return
	}
	// Keys are sorted by their own rendering, which is deterministic and
	// orders string keys as strings.
	type entry struct {
		key string
		str bool // key is a string, quoted when written
		val reflect.Value
	}
	entries := make([]entry, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := it.Key()
		if k.Kind() == reflect.Interface && !k.IsNil() {
			k = k.Elem()
		}
		e := entry{val: it.Value()}
		if k.Kind() == reflect.String {
			e.key, e.str = k.String(), true // quoted when written: cheap for big maps
		} else {
			e.key = Preview(k.Interface(), p.max)
		}
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.key, b.key) })
	p.write("{")
	for i, e := range entries {
		if p.cut {
			return
		}
		if i > 0 {
			p.write(", ")
		}
		if e.str {
			p.quote(e.key)
		} else {
			p.write(e.key)
		}
		p.write(": ")
		p.value(e.val, depth+1)
	}
	p.write("}")
}

func (p *previewer) structure(v reflect.Value, depth int) {
	t := v.Type()
	p.write(t.Name())
	p.write("{")
	first := true
	for i := range t.NumField() {
		if p.cut {
			return
		}
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if !first {
			p.write(", ")
		}
		first = false
		p.write(f.Name)
		p.write(": ")
		p.value(v.Field(i), depth+1)
	}
	p.write("}")
}
