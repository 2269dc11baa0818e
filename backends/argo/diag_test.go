package argo_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/flowc-dev/flowc/backends/argo"
	"github.com/flowc-dev/flowc/diag"
)

// flowSrc is a small flow with directives on its type (flowDirs), a
// parameter field line (param) and directives on Work (workDirs). Line
// numbers: the flow's directives start on line 4, so tests compute lines.
func flowSrc(flowDirs, param, workDirs string) string {
	return "package p\n\nimport \"github.com/flowc-dev/flowc/flow\"\n" +
		flowDirs + "\ntype Flow_Name struct {\n" + param + "\n}\n\n" +
		"func (f *Flow_Name) Start(c *flow.Context) flow.Next { return flow.Goto(f.Work) }\n\n" +
		workDirs + "\nfunc (f *Flow_Name) Work(c *flow.Context) flow.Next { return flow.Goto(f.End) }\n\n" +
		"func (f *Flow_Name) End(c *flow.Context) {}\n"
}

// TestDiagnostics checks each target diagnostic's code and line on a
// flow that the front end accepts.
func TestDiagnostics(t *testing.T) {
	req := "\tWho string `flow:\"param,required\"`"
	// Line of the first directive above Work in flowSrc, by flowDirs lines.
	work := func(flowDirs string) int { return 11 + strings.Count(flowDirs, "\n") }
	for _, c := range []struct {
		name                      string
		flowDirs, param, workDirs string
		want                      []string // "line CODE"
	}{
		{"batch", "//", "", "//flow:batch cpu=2", []string{fmt.Sprint(work("//"), " FLOW080")}},
		{"namespace", "//", "", "//flow:kubernetes namespace=other", []string{fmt.Sprint(work("//"), " FLOW080")}},
		{"compute pool", "//", "", "//flow:kubernetes compute_pool=big", []string{fmt.Sprint(work("//"), " FLOW080")}},
		{"secrets role", "//", "", "//flow:secrets sources=[a] role=arn", []string{fmt.Sprint(work("//"), " FLOW080")}},
		{"secrets override", "//", "", "//flow:secrets sources=[a] allow_override=true", []string{fmt.Sprint(work("//"), " FLOW080")}},
		{"secret name", "//", "", `//flow:secrets sources=["api token"]`, []string{fmt.Sprint(work("//"), " FLOW083")}},
		{"label value", "//", "", `//flow:kubernetes labels={team="a b"}`, []string{fmt.Sprint(work("//"), " FLOW083")}},
		{"long label", "//", "", `//flow:kubernetes labels={team=` + strings.Repeat("x", 64) + `}`, []string{fmt.Sprint(work("//"), " FLOW083")}},
		{"annotation key", "//", "", `//flow:kubernetes annotations={"a b"=x}`, []string{fmt.Sprint(work("//"), " FLOW083")}},
		{"toleration", "//", "", `//flow:kubernetes tolerations=[{key=k, operator=Maybe}]`, []string{fmt.Sprint(work("//"), " FLOW083")}},
		{"scheduled required", "//flow:schedule hourly=true", req, "//", []string{"4 FLOW080"}},
		{"triggered required", "//flow:trigger event=go", req, "//", []string{"4 FLOW080"}},
		{"trigger maps required", "//flow:trigger event={name=go, parameters={who=user}}", req, "//", nil},
		{"trigger unknown param", "//flow:trigger event={name=go, parameters={whom=user}}", "", "//", []string{"4 FLOW083"}},
		{"trigger option", "//flow:trigger event=go options={reset_at=x}", "", "//", []string{"4 FLOW080"}},
		{"project name", "//flow:project name=_fraud", "", "//", []string{"4 FLOW082"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := loadSource(t, flowSrc(c.flowDirs, c.param, c.workDirs))
			_, diags := argo.Build(f, opts)
			if diff := cmp.Diff(c.want, codesAt(diags)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\n%v", diff, diags)
			}
		})
	}
}

// TestFlowName: a flow name that cannot be a Kubernetes name is reported
// at the flow.
func TestFlowName(t *testing.T) {
	src := strings.ReplaceAll(flowSrc("//", "", "//"), "Flow_Name", "Flüsse")
	_, diags := argo.Build(loadSource(t, src), opts)
	if diff := cmp.Diff([]string{"5 FLOW082"}, codesAt(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s\n%v", diff, diags)
	}
}

// TestConditionalMerge: a step chosen by a conditional that another step
// also leads to cannot be expressed with Argo's per-task when.
func TestConditionalMerge(t *testing.T) {
	f := loadSource(t, `package p

import "github.com/flowc-dev/flowc/flow"

type F struct{ N int }

func (f *F) Start(c *flow.Context) flow.Next {
	if f.N > 0 {
		return flow.Goto(f.A)
	}
	return flow.Goto(f.B)
}

func (f *F) A(c *flow.Context) flow.Next { return flow.Goto(f.B) }

func (f *F) B(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *F) End(c *flow.Context) {}
`)
	_, diags := argo.Build(f, opts)
	if diff := cmp.Diff([]string{"11 FLOW080"}, codesAt(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s\n%v", diff, diags)
	}
}

// codesAt formats diagnostics as "line CODE".
func codesAt(l diag.List) []string {
	var out []string
	for _, d := range l {
		out = append(out, fmt.Sprint(d.Pos.Line, " ", d.Code))
	}
	return out
}
