package backends_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/backends"
	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// table is a column of a made-up target.
var table = backends.Support{
	"retry":                         backends.Yes,
	"retry times":                   backends.Yes,
	"retry minutes_between_retries": backends.No("no clock"),
	"batch":                         backends.No("no Batch here"),
	"kubernetes":                    backends.Ignored("no pods"),
	"schedule":                      backends.Yes,
	"schedule cron timezone":        backends.Yes,
	// "schedule daily" and "project" are left out.
}

// TestSupportDiagnose: a refused directive or attribute, and one the
// column lacks, is a FLOW080 at the directive naming it; what the column
// takes or ignores is not.
func TestSupportDiagnose(t *testing.T) {
	at := func(line int) ir.Pos { return ir.Pos{File: "flow.go", Line: line, Col: 1} }
	f := &ir.Flow{
		Name: "F",
		Decorators: ir.FlowDecorators{Directives: []ir.Directive{
			{Name: "schedule", Attrs: []string{"cron", "timezone"}, Pos: at(1)},
			{Name: "schedule", Attrs: []string{"daily"}, Pos: at(2)},
			{Name: "project", Attrs: []string{"name"}, Pos: at(3)},
		}},
		Steps: []*ir.Step{{Name: "Start", Decorators: ir.StepDecorators{Directives: []ir.Directive{
			{Name: "retry", Attrs: []string{"times"}, Pos: at(10)},
			{Name: "retry", Attrs: []string{"times", "minutes_between_retries"}, Pos: at(11)},
			{Name: "batch", Attrs: []string{"cpu", "queue"}, Pos: at(12)},
			{Name: "kubernetes", Attrs: []string{"cpu", "compute_pool"}, Pos: at(13)},
		}}}},
	}
	got := table.Diagnose("made-up", "/pkg", f)
	want := []string{
		"/pkg/flow.go:2:1: FLOW080 made-up: schedule daily= is not supported: flowc's made-up target does not express it",
		"/pkg/flow.go:3:1: FLOW080 made-up: //flow:project is not supported: flowc's made-up target does not express it",
		"/pkg/flow.go:11:1: FLOW080 made-up: step Start: retry minutes_between_retries= is not supported: no clock",
		"/pkg/flow.go:12:1: FLOW080 made-up: step Start: //flow:batch is not supported: no Batch here",
	}
	var lines []string
	for _, d := range got.Sorted() {
		lines = append(lines, d.Error())
		if d.Code != diag.TargetUnsupported {
			t.Errorf("%v: code %s, want FLOW080", d, d.Code)
		}
	}
	if !slices.Equal(lines, want) {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
}

// TestSupportMissing: Missing names the undecided directives and
// attributes, and the rules that name what the front end does not know.
func TestSupportMissing(t *testing.T) {
	schema := map[string][]string{
		"retry":      {"times", "minutes_between_retries"},
		"batch":      {"cpu", "queue"},
		"kubernetes": {"cpu"},
		"schedule":   {"cron", "daily", "timezone"},
		"project":    {"name"},
	}
	missing, unknown := table.Missing(schema)
	if want := []string{"project", "schedule daily"}; !slices.Equal(missing, want) {
		t.Errorf("missing %q, want %q", missing, want)
	}
	if len(unknown) > 0 {
		t.Errorf("unknown %q, want none", unknown)
	}
	delete(schema, "kubernetes")
	schema["schedule"] = []string{"cron", "daily"}
	if _, unknown := table.Missing(schema); !slices.Equal(unknown, []string{"kubernetes", "schedule timezone"}) {
		t.Errorf("unknown %q, want kubernetes and schedule timezone", unknown)
	}
}

// TestSupportMarkdown: the docs' list groups a directive's refused or
// ignored attributes by reason.
func TestSupportMarkdown(t *testing.T) {
	want := "Refused, each a `FLOW080` at the directive (whatever the value):\n\n" +
		"- `//flow:batch`: no Batch here\n" +
		"- `//flow:retry` `minutes_between_retries=`: no clock\n" +
		"\nTaken, with no effect on this target:\n\n" +
		"- `//flow:kubernetes`: no pods\n"
	if got := table.Markdown(); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}
