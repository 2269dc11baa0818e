package stepfunctions_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends/stepfunctions"
	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/parser"
)

// TestSupport: what the support table refuses is a FLOW080 at the
// directive, whatever the value, and what it takes or ignores compiles.
// Before the table, resources shared_memory and secrets allow_override
// were dropped without a word.
func TestSupport(t *testing.T) {
	const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db"
	cases := []struct {
		flowDir, stepDir string
		want             string // a part of the one diagnostic's message, or "" for none
	}{
		{"", "//flow:resources shared_memory=64", "resources shared_memory= is not supported"},
		{"", "//flow:secrets sources=[" + arn + "] allow_override=true", ""},
		{"", "//flow:secrets sources=[" + arn + "] role=arn:aws:iam::1:role/r", "secrets role= is not supported"},
		{"", "//flow:batch queue=q", ""},
		{"", "//flow:batch use_tmpfs=false", ""},
		{"", "//flow:batch efa=1", "batch efa= is not supported"},
		{"//flow:trigger event=go options={}", "", "trigger options= is not supported"},
		{"//flow:trigger_on_finish flow=Other options={a=b}", "", "trigger_on_finish options= is not supported"},
		{"", "//flow:batch cpu=2 memory=8192 shared_memory=64 iam_role=arn:aws:iam::1:role/r", ""},
		{"", "//flow:kubernetes cpu=2 service_account=trainer node_selector={a=b}", ""},
		{"", "//flow:resources cpu=2 disk=100", ""},
		{"//flow:trigger event=go", "//flow:secrets sources=[" + arn + "]", ""},
	}
	// One package holds a flow per case, Fn for cases[n] (loading a
	// package type-checks it, which takes a while).
	src := "package p\n\nimport \"github.com/flowc-dev/flowc/flow\"\n"
	for n, c := range cases {
		src += fmt.Sprintf("\n%s\ntype F%d struct{}\n\n%s\nfunc (f *F%[2]d) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }\n\nfunc (f *F%[2]d) End(c *flow.Context) {}\n", c.flowDir, n, c.stepDir)
	}
	pkg, diags := parser.LoadFiles(t.TempDir(), map[string][]byte{"flow.go": []byte(src)}, parser.Options{})
	for _, f := range pkg.Flows {
		diags = append(diags, check.Flow(f)...)
	}
	if len(diags) > 0 || len(pkg.Flows) != len(cases) {
		t.Fatalf("the cases do not check clean: %v", diags)
	}
	for _, f := range pkg.Flows {
		n, _ := strconv.Atoi(strings.TrimPrefix(f.Name, "F"))
		c := cases[n]
		_, got, err := stepfunctions.Target{}.Compile(f, &e2eOptions)
		if err != nil {
			t.Fatal(err)
		}
		line := f.Pos.Line - 1 // the flow's directive
		if c.stepDir != "" {
			line = f.Pos.Line + 2
		}
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%s%s: diagnostics %v, want none", c.flowDir, c.stepDir, got)
		case c.want != "" && (len(got) != 1 || got[0].Code != diag.TargetUnsupported || got[0].Pos.Line != line || !strings.Contains(got[0].Message, c.want)):
			t.Errorf("%s%s: diagnostics %v, want one FLOW080 on line %d with %q", c.flowDir, c.stepDir, got, line, c.want)
		}
	}
}
