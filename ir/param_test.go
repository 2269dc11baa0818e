package ir_test

import (
	"encoding/json"
	"testing"

	"github.com/flowc-dev/flowc/ir"
)

func TestDefaultText(t *testing.T) {
	for _, tc := range []struct {
		p    ir.Param
		want string
	}{
		{ir.Param{Type: ir.String}, ""},
		{ir.Param{Type: ir.String, Default: json.RawMessage(`"eu-west-1"`)}, "eu-west-1"},
		{ir.Param{Type: ir.Strings, Default: json.RawMessage(`["a","b"]`)}, "a,b"},
		{ir.Param{Type: ir.Int64, Default: json.RawMessage(`10000000000`)}, "10000000000"},
		{ir.Param{Type: ir.Float64, Default: json.RawMessage(`1e-12`)}, "1e-12"},
		{ir.Param{Type: ir.Bool, Default: json.RawMessage(`true`)}, "true"},
		{ir.Param{Type: ir.Duration, Default: json.RawMessage(`"24h0m0s"`)}, "24h0m0s"},
		{ir.Param{Type: ir.Strings, Separator: ";", Default: json.RawMessage(`["NL","BE"]`)}, "NL;BE"},
		{ir.Param{Type: ir.JSON, Default: json.RawMessage(`{"a": 1,  "b": [2]}`)}, `{"a":1,"b":[2]}`},
	} {
		if got := tc.p.DefaultText(); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.p.Type, tc.p.Default, got, tc.want)
		}
	}
}

func TestParseValue(t *testing.T) {
	for _, tc := range []struct {
		typ     ir.Type
		sep, in string
		want    string // canonical JSON, or "" for an error
	}{
		{ir.String, "", "a && b", `"a && b"`},
		{ir.String, "", "", `""`},
		{ir.Int, "", " 42 ", `42`},
		{ir.Int64, "", "10000000000", `10000000000`},
		{ir.Int, "", "many", ""},
		{ir.Float64, "", "1e-12", `1e-12`},
		{ir.Float64, "", "NaN", ""},
		{ir.Float64, "", "Inf", ""},
		{ir.Bool, "", "true", `true`},
		{ir.Bool, "", "yes", ""},
		{ir.Duration, "", "90s", `"1m30s"`},
		{ir.Duration, "", "soon", ""},
		{ir.Strings, ",", "a,b", `["a","b"]`},
		{ir.Strings, ";", "NL;BE", `["NL","BE"]`},
		{ir.Strings, ",", "", `[]`},
		{ir.JSON, "", `{"b": [2], "a": 1}`, `{"a":1,"b":[2]}`},
		{ir.JSON, "", `{`, ""},
		{ir.Type("complex"), "", "1", ""},
	} {
		got, err := ir.ParseValue(tc.typ, tc.sep, tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("%s %q: %s, want an error", tc.typ, tc.in, got)
		case tc.want != "" && err != nil:
			t.Errorf("%s %q: %v", tc.typ, tc.in, err)
		case tc.want != "" && string(got) != tc.want:
			t.Errorf("%s %q: %s, want %s", tc.typ, tc.in, got, tc.want)
		}
	}
}

// TestParseValueDefaultText checks that a default read back from its flag
// text gives the same value: the runner parses what DefaultText writes.
func TestParseValueDefaultText(t *testing.T) {
	for _, p := range []ir.Param{
		{Type: ir.String, Default: json.RawMessage(`"a,b"`)},
		{Type: ir.Strings, Separator: ";", Default: json.RawMessage(`["x","y z"]`)},
		{Type: ir.Duration, Default: json.RawMessage(`"1h30m0s"`)},
		{Type: ir.Float64, Default: json.RawMessage(`0.25`)},
		{Type: ir.JSON, Default: json.RawMessage(`{"a":[1,2]}`)},
	} {
		got, err := ir.ParseValue(p.Type, p.Separator, p.DefaultText())
		if err != nil || string(got) != string(p.Default) {
			t.Errorf("%s %s: read back as %s (%v)", p.Type, p.Default, got, err)
		}
	}
}
