package codec_test

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/flowc-dev/flowc/runtime/codec"
)

type Celsius float64

type Vec []float64

type Blob []byte

type Inner struct {
	A int
	B []string
}

type Embedded struct{ E string }

type Model struct {
	Embedded
	Name     string
	Score    float64
	Weights  []float64
	Tags     map[string]int
	Inner    Inner
	Ptr      *Inner
	Nil      *Inner
	Any      any
	Created  time.Time
	Timeout  time.Duration
	Renamed  string `json:"renamed_field"`
	Skipped  string `json:"-"`
	Optional string `json:",omitempty"`
	private  int
}

var bigIntEqual = cmp.Comparer(func(a, b big.Int) bool { return a.Cmp(&b) == 0 })

type Node struct {
	V    int
	Next *Node
}

// roundTrip encodes v, decodes it into a new value of v's type and compares.
func roundTrip(t *testing.T, name string, v any) {
	t.Helper()
	data, err := codec.Encode(v)
	if err != nil {
		t.Fatalf("%s: Encode(%T): %v", name, v, err)
	}
	got := reflect.New(reflect.TypeOf(v))
	if err := codec.Decode(data, got.Interface()); err != nil {
		t.Fatalf("%s: Decode into %T: %v (data %x)", name, v, err, data)
	}
	opts := cmp.Options{cmpopts.EquateNaNs(), bigIntEqual, cmp.AllowUnexported(Model{}), cmpopts.IgnoreFields(Model{}, "private", "Skipped")}
	if diff := cmp.Diff(v, got.Elem().Interface(), opts); diff != "" {
		t.Errorf("%s: round trip of %T changed it (-want +got):\n%s", name, v, diff)
	}
	// Nil and empty must survive exactly, which cmp does not check for
	// top-level slices and maps unless asked.
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice || rv.Kind() == reflect.Map {
		if rv.IsNil() != got.Elem().IsNil() {
			t.Errorf("%s: nil-ness changed: encoded nil=%v, decoded nil=%v", name, rv.IsNil(), got.Elem().IsNil())
		}
	}
}

func TestRoundTripEveryKind(t *testing.T) {
	x := 7
	cases := map[string]any{
		"bool":        true,
		"int":         -42,
		"int8":        int8(math.MinInt8),
		"int16":       int16(math.MinInt16),
		"int32":       int32(math.MaxInt32),
		"int64min":    int64(math.MinInt64),
		"int64max":    int64(math.MaxInt64),
		"uint":        uint(math.MaxUint),
		"uint8":       uint8(255),
		"uint16":      uint16(math.MaxUint16),
		"uint32":      uint32(math.MaxUint32),
		"uint64":      uint64(math.MaxUint64),
		"float32":     float32(1.5),
		"float64":     math.Pi,
		"negzero":     math.Copysign(0, -1),
		"nan":         math.NaN(),
		"inf":         math.Inf(1),
		"neginf":      math.Inf(-1),
		"float32nan":  float32(math.NaN()),
		"string":      "hello, 世界",
		"emptystring": "",
		"invalidutf8": "\xff\xfe not utf-8",
		"bytes":       []byte("raw bytes"),
		"bytesempty":  []byte{},
		"bytesnil":    []byte(nil),
		"namedbytes":  Blob("blob"),
		"bytearray":   [4]byte{1, 2, 3, 4},
		"float64s":    []float64{1, -2.5, math.NaN(), math.Inf(1), math.Inf(-1), math.SmallestNonzeroFloat64, math.MaxFloat64},
		"float64snil": []float64(nil),
		"float64s0":   []float64{},
		"float32s":    []float32{1, 2.25, float32(math.Inf(-1))},
		"int64s":      []int64{math.MinInt64, 0, math.MaxInt64},
		"int32s":      []int32{math.MinInt32, 1, math.MaxInt32},
		"int16s":      []int16{math.MinInt16, math.MaxInt16},
		"int8s":       []int8{-128, 127},
		"uint64s":     []uint64{0, math.MaxUint64},
		"uint32s":     []uint32{0, math.MaxUint32},
		"uint16s":     []uint16{0, math.MaxUint16},
		"ints":        []int{-1, 0, 1 << 40},
		"uints":       []uint{0, 1 << 63},
		"vec":         Vec{1, 2, 3},
		"celsius":     []Celsius{-40, 100},
		"bools":       []bool{true, false},
		"strings":     []string{"a", "", "c"},
		"stringsnil":  []string(nil),
		"stringsnone": []string{},
		"nested":      [][]float64{{1, 2}, nil, {}},
		"array":       [3]int{1, 2, 3},
		"map":         map[string]int{"b": 2, "a": 1},
		"mapnil":      map[string]int(nil),
		"mapempty":    map[string]int{},
		"intkeys":     map[int]string{3: "c", -1: "a"},
		"arraykeys":   map[[2]int]bool{{1, 2}: true},
		"anymap":      map[string]any{"s": "x", "n": int64(1), "f": 1.5, "l": []any{"a", int64(2)}, "m": map[string]any{"k": true}},
		"struct":      Inner{A: 1, B: []string{"x"}},
		"pointer":     &Inner{A: 2},
		"pointer2":    &x,
		"time":        time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC),
		"timezone":    time.Date(2024, 2, 29, 23, 59, 58, 1, time.FixedZone("", -7*3600)),
		"timezero":    time.Time{},
		"duration":    90*time.Minute + time.Nanosecond,
		"durations":   []time.Duration{time.Second, -time.Hour},
		"bigint":      *new(big.Int).Lsh(big.NewInt(1), 100),
		"model": Model{
			Embedded: Embedded{"e"}, Name: "m", Score: 0.9, Weights: []float64{0.5, math.NaN()},
			Tags: map[string]int{"x": 1}, Inner: Inner{1, []string{"b"}}, Ptr: &Inner{A: 3},
			Any: map[string]any{"nested": []any{int64(1), "two"}}, Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			Timeout: time.Minute, Renamed: "r",
		},
	}
	for name, v := range cases {
		roundTrip(t, name, v)
	}
}

func TestRoundTripPointerTargets(t *testing.T) {
	// Decoding into **T and into a pointer field allocates as needed.
	data, err := codec.Encode([]float64{1, 2})
	if err != nil {
		t.Fatal(err)
	}
	var p *[]float64
	if err := codec.Decode(data, &p); err != nil {
		t.Fatal(err)
	}
	if p == nil || !reflect.DeepEqual(*p, []float64{1, 2}) {
		t.Errorf("decode into **[]float64: got %v", p)
	}
	var v Vec
	if err := codec.Decode(data, &v); err != nil || !reflect.DeepEqual(v, Vec{1, 2}) {
		t.Errorf("decode []float64 into Vec: %v, %v", v, err)
	}
	var a any
	if err := codec.Decode(data, &a); err != nil || !reflect.DeepEqual(a, []float64{1, 2}) {
		t.Errorf("decode []float64 into any: %#v, %v", a, err)
	}
}

func TestDecodeAny(t *testing.T) {
	when := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
	cases := []struct {
		name string
		in   any
		want any
	}{
		{"nil", nil, nil},
		{"bool", true, true},
		{"int", 42, int64(42)},
		{"negint", -42, int64(-42)},
		{"uint8", uint8(7), int64(7)},
		{"bigint", uint64(math.MaxUint64), *new(big.Int).SetUint64(math.MaxUint64)},
		{"float", 0.5, 0.5},
		{"float32", float32(0.25), 0.25},
		{"string", "s", "s"},
		{"bytes", []byte{1, 2}, []byte{1, 2}},
		{"float64s", []float64{1, 2}, []float64{1, 2}},
		{"float32s", []float32{1, 2}, []float32{1, 2}},
		{"int64s", []int64{-1}, []int64{-1}},
		{"ints", []int{-1, 2}, []int64{-1, 2}},
		{"uint16s", []uint16{9}, []uint16{9}},
		{"int8s", []int8{-9}, []int8{-9}},
		{"strings", []string{"a", "b"}, []any{"a", "b"}},
		{"nested float64s", [][]float64{{1}}, []any{[]any{1.0}}},
		{"struct", Inner{A: 1, B: []string{"x"}}, map[string]any{"A": int64(1), "B": []any{"x"}}},
		{"renamed", Model{Renamed: "r"}, nil}, // checked below
		{"intkeys", map[int]string{1: "a"}, map[any]any{int64(1): "a"}},
		{"nested intkeys", map[string]any{"m": map[int]bool{2: true}}, map[string]any{"m": map[any]any{int64(2): true}}},
		{"time", when, when},
		{"duration", time.Second, int64(time.Second)},
		{"nilslice", []int(nil), nil},
		{"emptyslice", []string{}, []any{}},
		{"emptyfloat64s", []float64{}, []float64{}},
	}
	for _, c := range cases {
		data, err := codec.Encode(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := codec.DecodeAny(data)
		if err != nil {
			t.Fatalf("%s: DecodeAny: %v", c.name, err)
		}
		if c.name == "renamed" {
			m := got.(map[string]any)
			if m["renamed_field"] != "r" || m["Skipped"] != nil || m["private"] != nil {
				t.Errorf("struct tags not honoured: %v", m)
			}
			if _, ok := m["Optional"]; ok {
				t.Errorf("omitempty field present: %v", m)
			}
			continue
		}
		if diff := cmp.Diff(c.want, got, bigIntEqual); diff != "" {
			t.Errorf("%s: DecodeAny (-want +got):\n%s", c.name, diff)
		}
		if c.want != nil && reflect.TypeOf(got) != reflect.TypeOf(c.want) {
			t.Errorf("%s: DecodeAny type %T, want %T", c.name, got, c.want)
		}
	}
}

func TestDecodeAnyMatchesInterfaceFields(t *testing.T) {
	// A field of type any decodes to the same shapes as DecodeAny.
	type holder struct{ V any }
	in := holder{V: map[string]any{"a": map[string]any{"b": []any{int64(1)}}}}
	data, err := codec.Encode(in)
	if err != nil {
		t.Fatal(err)
	}
	var out holder
	if err := codec.Decode(data, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("any field (-want +got):\n%s", diff)
	}
	in = holder{V: map[int]string{1: "x"}}
	data, _ = codec.Encode(in)
	if err := codec.Decode(data, &out); err != nil {
		t.Fatalf("non-string keys in an any field: %v", err)
	}
	if diff := cmp.Diff(map[any]any{uint64(1): "x"}, out.V); diff != "" && !reflect.DeepEqual(out.V, map[any]any{int64(1): "x"}) {
		t.Errorf("non-string keys: %#v", out.V)
	}
}

func TestDeterministic(t *testing.T) {
	build := func(order []int) map[string]any {
		m := map[string]any{}
		for _, i := range order {
			m[fmt.Sprintf("key%03d", i)] = map[int]float64{i: float64(i), -i: 0.5}
		}
		return m
	}
	var forward, backward []int
	for i := range 200 {
		forward = append(forward, i)
		backward = append(backward, 199-i)
	}
	a, err := codec.Encode(build(forward))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		b, err := codec.Encode(build(backward))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("equal maps built in different orders encode differently")
		}
	}
	m := Model{Name: "x", Tags: map[string]int{"z": 1, "a": 2, "m": 3}}
	v1, _ := codec.Encode(m)
	v2, _ := codec.Encode(&m)
	if !bytes.Equal(v1, v2) {
		t.Error("Encode(&v) differs from Encode(v)")
	}
	// Keys are sorted bytewise: the shorter "a" map key comes first.
	small, _ := codec.Encode(map[string]int{"b": 2, "a": 1})
	if got, want := hex.EncodeToString(small), "a2616101616202"; got != want {
		t.Errorf("map encoding %s, want %s", got, want)
	}
}

func TestEncodePartsConcatenateToEncode(t *testing.T) {
	for _, v := range []any{[]byte("abc"), []byte{}, []byte(nil), []float64{1, 2}, []float64{}, []int16{1}, "s", map[string]int{"a": 1}, Vec{3}} {
		whole, err := codec.Encode(v)
		if err != nil {
			t.Fatal(err)
		}
		parts, err := codec.EncodeParts(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := bytes.Join(parts, nil); !bytes.Equal(got, whole) {
			t.Errorf("%T %v: parts %x, Encode %x", v, v, got, whole)
		}
	}
	// The payload of a []byte is v's own memory.
	b := []byte("shared")
	parts, _ := codec.EncodeParts(b)
	if &parts[len(parts)-1][0] != &b[0] {
		t.Error("EncodeParts copied a []byte")
	}
}

func TestFixedEncodings(t *testing.T) {
	// The fast paths write standard CBOR: a byte string, and RFC 8746 typed
	// arrays (tag 86: float64 little-endian, 79: int64 little-endian).
	cases := []struct {
		v    any
		want string
	}{
		{[]byte("ab"), "426162"},
		{[]byte{}, "40"},
		{[]byte(nil), "f6"},
		{[]float64{1}, "d856" + "48" + "000000000000f03f"},
		{[]float64{}, "d85640"},
		{[]int{1}, "d84f" + "48" + "0100000000000000"},
		{[]int16{-2}, "d84d" + "42" + "feff"},
		{[]float64(nil), "f6"},
		{"a", "6161"},
		{math.NaN(), "f97e00"},
	}
	for _, c := range cases {
		got, err := codec.Encode(c.v)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(got) != c.want {
			t.Errorf("Encode(%#v) = %x, want %s", c.v, got, c.want)
		}
	}
	// A 300-byte string takes a two-byte length (shortest form).
	long, _ := codec.Encode(bytes.Repeat([]byte{1}, 300))
	if hex.EncodeToString(long[:3]) != "59012c" {
		t.Errorf("300-byte string head %x", long[:3])
	}
}

func TestDecodeBigEndianTypedArray(t *testing.T) {
	// Tag 82: float64 big-endian; tag 73: int16 big-endian.
	data, _ := hex.DecodeString("d852" + "48" + "3ff0000000000000")
	var f []float64
	if err := codec.Decode(data, &f); err != nil || !reflect.DeepEqual(f, []float64{1}) {
		t.Errorf("big-endian float64 array: %v, %v", f, err)
	}
	data, _ = hex.DecodeString("d849" + "44" + "fffe0001")
	got, err := codec.DecodeAny(data)
	if err != nil || !reflect.DeepEqual(got, []int16{-2, 1}) {
		t.Errorf("big-endian int16 array: %#v, %v", got, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	f64, _ := codec.Encode([]float64{1, 2})
	bs, _ := codec.Encode([]byte("abc"))
	s, _ := codec.Encode("s")
	cases := []struct {
		name string
		data []byte
		into any
		want string
	}{
		{"typed array into wrong slice", f64, new([]int32), "typed array of float64 into []int32"},
		{"typed array into string", f64, new(string), "into string"},
		{"truncated bytes", bs[:len(bs)-1], new([]byte), "truncated"},
		{"extra bytes", append(bytes.Clone(bs), 0), new([]byte), "extraneous"},
		{"truncated typed array", f64[:len(f64)-3], new([]float64), "truncated"},
		{"string into int", s, new(int), "decode into int"},
		{"empty", nil, new(int), "EOF"},
		{"ragged typed array", []byte{0xd8, 86, 0x43, 1, 2, 3}, new([]float64), "whole number"},
	}
	for _, c := range cases {
		err := codec.Decode(c.data, c.into)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.name, err, c.want)
		}
	}
	if err := codec.Decode(s, nil); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Errorf("decode into nil: %v", err)
	}
	var x int
	if err := codec.Decode(s, x); err == nil || !strings.Contains(err.Error(), "non-nil pointer") {
		t.Errorf("decode into non-pointer: %v", err)
	}
	if _, err := codec.DecodeAny([]byte{0xff}); err == nil {
		t.Error("DecodeAny of garbage succeeded")
	}
}

func TestUnsupportedValues(t *testing.T) {
	type withChan struct {
		Name string
		C    chan int
	}
	type withHiddenChan struct {
		Name string
		c    chan int
	}
	cases := []struct {
		v    any
		want []string
	}{
		{make(chan int), []string{"chan int", "channels"}},
		{func() {}, []string{"func()", "functions"}},
		{complex(1, 2), []string{"complex128", "complex"}},
		{uintptr(1), []string{"uintptr"}},
		{withChan{}, []string{"codec_test.withChan", "chan int in withChan.C"}},
		{&[]withChan{{}}, []string{"*[]codec_test.withChan", "chan int in withChan.C"}},
		{map[string]any{"f": func(int) {}}, []string{"map[string]interface {}", "func(int)"}},
		{[]any{1, make(chan string)}, []string{"[]interface {}", "chan string"}},
	}
	for _, c := range cases {
		_, err := codec.Encode(c.v)
		if err == nil {
			t.Errorf("Encode(%T) succeeded", c.v)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Encode(%T): error %q does not mention %q", c.v, err, w)
			}
		}
	}
	if _, err := codec.Encode(withHiddenChan{Name: "ok"}); err != nil {
		t.Errorf("unexported chan field: %v", err)
	}
}

func TestCyclicValues(t *testing.T) {
	n := &Node{V: 1}
	n.Next = n
	m := map[string]any{}
	m["self"] = m
	s := []any{nil}
	s[0] = s
	for _, v := range []any{n, m, s} {
		_, err := codec.Encode(v)
		if err == nil || !strings.Contains(err.Error(), "cyclic") {
			t.Errorf("Encode(cyclic %T): %v", v, err)
		}
	}
	// A long but finite list is fine up to MaxDepth.
	var head *Node
	for i := range codec.MaxDepth - 1 {
		head = &Node{V: i, Next: head}
	}
	data, err := codec.Encode(head)
	if err != nil {
		t.Fatalf("list of %d nodes: %v", codec.MaxDepth-1, err)
	}
	var back *Node
	if err := codec.Decode(data, &back); err != nil {
		t.Fatalf("decode list of %d nodes: %v", codec.MaxDepth-1, err)
	}
	if _, err := codec.DecodeAny(data); err != nil {
		t.Fatalf("DecodeAny list of %d nodes: %v", codec.MaxDepth-1, err)
	}
}

func TestNilAndEmptyHashDifferently(t *testing.T) {
	pairs := [][2]any{
		{[]int(nil), []int{}},
		{[]byte(nil), []byte{}},
		{[]float64(nil), []float64{}},
		{map[string]int(nil), map[string]int{}},
	}
	for _, p := range pairs {
		a, _ := codec.Encode(p[0])
		b, _ := codec.Encode(p[1])
		if bytes.Equal(a, b) {
			t.Errorf("%T: nil and empty encode the same", p[0])
		}
	}
}

func TestTimeRoundTrip(t *testing.T) {
	now := time.Now() // has a monotonic reading and the Local zone
	data, err := codec.Encode(now)
	if err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := codec.Decode(data, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(now) {
		t.Errorf("time: got %v, want %v", got, now)
	}
	_, off1 := got.Zone()
	_, off2 := now.Zone()
	if off1 != off2 {
		t.Errorf("zone offset %d, want %d", off1, off2)
	}
	utc := time.Date(2020, 1, 1, 0, 0, 0, 1, time.UTC)
	data, _ = codec.Encode(utc)
	if err := codec.Decode(data, &got); err != nil || got.Location() != time.UTC || !got.Equal(utc) {
		t.Errorf("UTC time: %v (%v), %v", got, got.Location(), err)
	}
}

func TestDecodeNoCopy(t *testing.T) {
	data, _ := codec.Encode([]byte("hello"))
	var b []byte
	if err := codec.DecodeNoCopy(data, &b); err != nil {
		t.Fatal(err)
	}
	if &b[0] != &data[len(data)-5] {
		t.Error("DecodeNoCopy copied a []byte")
	}
	if cap(b) != len(b) {
		t.Error("aliased []byte can grow into the caller's buffer")
	}
	// A float64 array is aliased when its payload is 8-byte aligned, copied
	// otherwise; either way the values are right.
	for pad := range 8 {
		enc, _ := codec.Encode([]float64{1.5, -2})
		buf := make([]byte, pad+len(enc))
		copy(buf[pad:], enc)
		var f []float64
		if err := codec.DecodeNoCopy(buf[pad:], &f); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(f, []float64{1.5, -2}) {
			t.Errorf("pad %d: got %v", pad, f)
		}
		aliased := uintptr(unsafe.Pointer(&f[0])) == uintptr(unsafe.Pointer(&buf[pad+3]))
		aligned := uintptr(unsafe.Pointer(&buf[pad+3]))%8 == 0
		if aliased != aligned {
			t.Errorf("pad %d: aliased=%v, payload aligned=%v", pad, aliased, aligned)
		}
	}
	// Decode never aliases.
	var c []byte
	if err := codec.Decode(data, &c); err != nil || &c[0] == &data[len(data)-5] {
		t.Errorf("Decode aliased its input: %v", err)
	}
}

// Package datastore maps a large blob (one format byte, then the encoding)
// at a page boundary and counts on a typed array's payload being 8-byte
// aligned there, so that DecodeNoCopy aliases it: the payload starts 7 bytes
// into the encoding from 64 KiB to 4 GiB, and a []byte's 5 bytes in.
func TestLargePayloadOffset(t *testing.T) {
	for _, n := range []int{1 << 13, 1 << 17} { // 64 KiB, 1 MiB of float64
		parts, err := codec.EncodeParts(make([]float64, n))
		if err != nil || len(parts) != 2 || len(parts[0]) != 7 {
			t.Errorf("%d float64s: head of %d bytes, want 7 (%v)", n, len(parts[0]), err)
		}
	}
	parts, err := codec.EncodeParts(make([]byte, 1<<20))
	if err != nil || len(parts) != 2 || len(parts[0]) != 5 {
		t.Errorf("1 MiB []byte: head of %d bytes, want 5 (%v)", len(parts[0]), err)
	}
	// Aligned as in a mapping: the payload is aliased.
	enc, _ := codec.Encode(make([]float64, 1<<13))
	buf := make([]uint64, (1+len(enc))/8+1)
	blob := unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), len(buf)*8)[:1+len(enc)]
	copy(blob[1:], enc)
	var f []float64
	if err := codec.DecodeNoCopy(blob[1:], &f); err != nil {
		t.Fatal(err)
	}
	if unsafe.Pointer(&f[0]) != unsafe.Pointer(&blob[8]) {
		t.Error("DecodeNoCopy copied an aligned typed array")
	}
}

type custom struct{ X int }

func (c custom) MarshalBinary() ([]byte, error) { return []byte{byte(c.X)}, nil }
func (c *custom) UnmarshalBinary(b []byte) error {
	if len(b) != 1 {
		return fmt.Errorf("bad")
	}
	c.X = int(b[0]) + 1000
	return nil
}

type customBytes []byte

func (c *customBytes) UnmarshalBinary(b []byte) error {
	*c = append([]byte("custom:"), b...)
	return nil
}

func TestCustomMarshalersBypassFastPaths(t *testing.T) {
	data, err := codec.Encode(custom{X: 5})
	if err != nil {
		t.Fatal(err)
	}
	var c custom
	if err := codec.Decode(data, &c); err != nil || c.X != 1005 {
		t.Errorf("BinaryUnmarshaler not used: %v, %v", c, err)
	}
	data, _ = codec.Encode([]byte("x"))
	var cb customBytes
	if err := codec.Decode(data, &cb); err != nil || string(cb) != "custom:x" {
		t.Errorf("BinaryUnmarshaler on a byte slice type not used: %q, %v", cb, err)
	}
}
