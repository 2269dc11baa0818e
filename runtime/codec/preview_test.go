package codec_test

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/flowc-dev/flowc/runtime/codec"
)

func TestPreview(t *testing.T) {
	cases := []struct {
		v    any
		max  int
		want string
	}{
		{nil, 0, "null"},
		{true, 0, "true"},
		{int64(-3), 0, "-3"},
		{0.5, 0, "0.5"},
		{math.NaN(), 0, "NaN"},
		{math.Inf(-1), 0, "-Inf"},
		{"a\nb", 0, `"a\nb"`},
		{[]any{int64(1), "x", nil}, 0, `[1, "x", null]`},
		{map[string]any{"b": int64(2), "a": []any{true}}, 0, `{"a": [true], "b": 2}`},
		{map[any]any{int64(2): "b", int64(1): "a"}, 0, `{1: "a", 2: "b"}`},
		{[]float64{0.5, 1, 2}, 0, "[]float64(3)[0.5, 1, 2]"},
		{[]byte("hello"), 0, "[]byte(5) 68656c6c6f"},
		{[]byte(nil), 0, "null"},
		{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), 0, "2024-01-02T03:04:05Z"},
		{1500 * time.Millisecond, 0, "1.5s"},
		{Inner{A: 1, B: []string{"x"}}, 0, `Inner{A: 1, B: ["x"]}`},
		{&Inner{A: 1}, 0, `Inner{A: 1, B: null}`},
		{"abcdefghij", 5, `"abc…`},
		{[]any{"abc", "def"}, 8, `["abc", …`},
	}
	for _, c := range cases {
		if got := codec.Preview(c.v, c.max); got != c.want {
			t.Errorf("Preview(%#v, %d) = %q, want %q", c.v, c.max, got, c.want)
		}
	}
}

func TestPreviewTruncatesLargeValuesCheaply(t *testing.T) {
	big := make([]float64, 10_000_000)
	start := time.Now()
	got := codec.Preview(big, 40)
	if n := utf8.RuneCountInString(got); n != 40 || !strings.HasSuffix(got, "…") {
		t.Errorf("Preview of 10M floats: %q (%d runes)", got, n)
	}
	if !strings.HasPrefix(got, "[]float64(10000000)[0, 0") {
		t.Errorf("Preview of 10M floats: %q", got)
	}
	if d := time.Since(start); d > 50*time.Millisecond {
		t.Errorf("Preview of 10M floats took %v: it should stop at max", d)
	}
	long := strings.Repeat("é", 1<<20)
	if got := codec.Preview(long, 10); utf8.RuneCountInString(got) != 10 {
		t.Errorf("Preview of a long string: %q", got)
	}
}

func TestPreviewDeterministic(t *testing.T) {
	m := map[string]any{}
	for _, k := range []string{"q", "w", "e", "r", "t", "y", "u", "i", "o", "p"} {
		m[k] = map[string]any{k + "1": int64(1), k + "2": []any{k}}
	}
	first := codec.Preview(m, 1000)
	for range 20 {
		if got := codec.Preview(m, 1000); got != first {
			t.Fatalf("Preview changed between calls:\n%s\n%s", first, got)
		}
	}
}

func TestPreviewOfDecodedArtifact(t *testing.T) {
	data, err := codec.Encode(Model{Name: "m", Score: 0.25, Tags: map[string]int{"b": 2, "a": 1}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := codec.DecodeAny(data)
	if err != nil {
		t.Fatal(err)
	}
	got := codec.Preview(v, 200)
	for _, want := range []string{`"Name": "m"`, `"Score": 0.25`, `"Tags": {"a": 1, "b": 2}`} {
		if !strings.Contains(got, want) {
			t.Errorf("Preview %q lacks %q", got, want)
		}
	}
}

// TestPreviewAs: an []int decoded without its type is an []int64; its
// preview is labelled with the type the flow declared.
func TestPreviewAs(t *testing.T) {
	if got, want := codec.PreviewAs([]int64{1, 2}, "[]int", 0), "[]int(2)[1, 2]"; got != want {
		t.Errorf("PreviewAs = %q, want %q", got, want)
	}
	if got, want := codec.PreviewAs([]int64{1, 2}, "", 0), "[]int64(2)[1, 2]"; got != want {
		t.Errorf("PreviewAs without a type = %q, want %q", got, want)
	}
}
