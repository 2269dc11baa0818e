package stepfunctions

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/ir"
)

func TestEventBridgeCron(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"0 2 * * *", "cron(0 2 * * ? *)", ""},
		{"*/15 * * * *", "cron(*/15 * * * ? *)", ""},
		{"30 6 * * 1-5", "cron(30 6 ? * 2-6 *)", ""},
		{"0 0 * * 0", "cron(0 0 ? * 1 *)", ""},
		{"0 0 * * 7", "cron(0 0 ? * 1 *)", ""},
		{"0 0 * * 1,3,6", "cron(0 0 ? * 2,4,7 *)", ""},
		{"0 0 * * 1-6/2", "cron(0 0 ? * 2-7/2 *)", ""},
		{"0 0 * * MON-FRI", "cron(0 0 ? * MON-FRI *)", ""},
		{"0 12 1 * *", "cron(0 12 1 * ? *)", ""},
		{"0 2 1 * 1", "", "both the day of the month and the day of the week"},
		{"0 0 * * 5-7", "", "wraps past Sunday"},
		{"0 0 * * 9", "", "out of range"},
		{"0 0 * *", "", "five fields"},
	} {
		got, err := eventBridgeCron(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want one saying %q", tc.in, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%q: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestMachineName(t *testing.T) {
	if got := machineName("Training", "", ""); got != "Training" {
		t.Errorf("got %q", got)
	}
	if got := machineName("Training", "fraud.ml", "main"); got != "fraud-ml-main-Training" {
		t.Errorf("got %q", got)
	}
	long := strings.Repeat("A", 100)
	a, b := machineName(long, "", ""), machineName(long+"B", "", "")
	if len(a) != maxMachineName || len(b) != maxMachineName || a == b {
		t.Errorf("long names %q and %q: want %d characters each, different", a, b, maxMachineName)
	}
}

func TestDefaultText(t *testing.T) {
	for _, tc := range []struct {
		p    ir.Param
		want string
	}{
		{ir.Param{Type: ir.String, Default: json.RawMessage(`"eu-west-1"`)}, "eu-west-1"},
		{ir.Param{Type: ir.Int64, Default: json.RawMessage(`10000000000`)}, "10000000000"},
		{ir.Param{Type: ir.Float64, Default: json.RawMessage(`1e-12`)}, "1e-12"},
		{ir.Param{Type: ir.Bool, Default: json.RawMessage(`true`)}, "true"},
		{ir.Param{Type: ir.Duration, Default: json.RawMessage(`"24h0m0s"`)}, "24h0m0s"},
		{ir.Param{Type: ir.Strings, Separator: ";", Default: json.RawMessage(`["NL","BE"]`)}, "NL;BE"},
		{ir.Param{Type: ir.JSON, Default: json.RawMessage(`{"a": 1,  "b": [2]}`)}, `{"a":1,"b":[2]}`},
	} {
		if got := defaultText(tc.p); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.p.Type, tc.p.Default, got, tc.want)
		}
	}
}

func TestFormatEscapes(t *testing.T) {
	if got := format("it's {x}\\", "/"); got != `'it\'s \{x\}\\{}/'` {
		t.Errorf("got %s", got)
	}
}

func TestSecretEnv(t *testing.T) {
	for in, want := range map[string]string{
		"db-credentials": "DB_CREDENTIALS",
		"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf": "PROD_DB",
	} {
		if got := secretEnv(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
