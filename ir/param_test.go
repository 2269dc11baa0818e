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
