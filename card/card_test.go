package card_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/card"
	"github.com/flowc-dev/flowc/flow"
	"github.com/flowc-dev/flowc/ir"
)

func testFlow() *ir.Flow {
	return &ir.Flow{Name: "F", Graph: ir.Graph{Start: "Start"}, Steps: []*ir.Step{
		{Name: "Start", Kind: ir.KindForeach, Next: []string{"Work"}},
		{Name: "Work", Kind: ir.KindConditional, Next: []string{"Work", "Join"}},
		{Name: "Join", Kind: ir.KindJoin, Next: []string{"End"}},
		{Name: "End", Kind: ir.KindEnd},
	}}
}

func components() []flow.CardComponent {
	set := flow.NewCardSet()
	c := flow.NewContext(nil, flow.TaskInfo{Cards: set})
	c.Card().Markdown("# Title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>alert(1)</script>").
		Table([][]any{{"x", 1}}, "name", "n").
		Image([]byte("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'></svg>"), "tiny").
		LineChart("loss", flow.Series{Name: "train", X: []float64{0, 1, 2}, Y: []float64{3, 2, 1}}).
		BarChart("counts", []string{"a", "b"}, []float64{1, -2}).
		Table(7)
	c.Card().Progress("rows", 8).Update(2)
	return set.Components("")
}

func TestRender(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	d := card.Data{
		Type: "default", Task: card.Task{Pathspec: "F/1/Work/0", Step: "Work", Attempt: 1, Start: start, End: start.Add(1500 * time.Millisecond), Status: "ok"},
		Params:     []card.Value{{Name: "Alpha", Type: "float64", Preview: "0.5"}},
		Artifacts:  []card.Value{{Name: "Scores", Type: "[]float64", Size: 2048, Preview: "[1, 2]"}},
		Plan:       testFlow(),
		Components: components(),
	}
	out, err := card.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	for _, want := range []string{
		"<title>F/1/Work/0</title>",
		"<h1>Title</h1>", "<td>1</td>", // markdown with a table
		"<th>name</th>", "<td>x</td>", // table
		`src="data:image/svg+xml;base64,`,                                             // image, inline
		`<svg class="chart"`, `aria-label="loss"`, "<polyline", `aria-label="counts"`, // charts
		"Table: data is a int",                   // an error component
		`aria-valuenow="2"`, "rows: 2 / 8 (25%)", // progress
		"2026-01-02 03:04:05.000 UTC", "1.5s", // metadata
		"<td>Alpha</td>", "<td>Scores</td>", "2.0 KiB",
		`<svg class="dag"`, `class="node here" data-step="Work"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	selfContained(t, page)
	if strings.Contains(page, "alert(1)") {
		t.Error("raw HTML in Markdown reached the card")
	}
	if strings.Contains(page, "http-equiv=\"refresh\"") {
		t.Error("a final card reloads itself")
	}
	d.Refresh = 5
	if out, _ := card.Render(d); !strings.Contains(string(out), `http-equiv="refresh" content="5"`) {
		t.Error("a live card does not reload itself")
	}
}

// selfContained fails when a page would fetch or run anything.
func selfContained(t *testing.T, page string) {
	t.Helper()
	if m := regexp.MustCompile(`(?i)(src|href)="(https?:)?//`).FindString(page); m != "" {
		t.Errorf("card loads %s", m)
	}
	if strings.Contains(strings.ToLower(page), "<script") {
		t.Error("card has a script")
	}
}

func TestRenderBlank(t *testing.T) {
	out, err := card.Render(card.Data{Type: "blank", Task: card.Task{Pathspec: "F/1/Work/0"}, Plan: testFlow(),
		Params: []card.Value{{Name: "Alpha"}}, Components: components()[:1]})
	if err != nil {
		t.Fatal(err)
	}
	page := string(out)
	if !strings.Contains(page, "Title") || strings.Contains(page, "Alpha") || strings.Contains(page, `class="dag"`) {
		t.Errorf("a blank card shows only its components:\n%s", page)
	}
}

func TestRenderError(t *testing.T) {
	page := string(card.RenderError(card.Task{Pathspec: "F/1/Work/0", Status: "ok"}, "summary", errors.New("boom <b>")))
	for _, want := range []string{"F/1/Work/0", "the card could not be rendered: boom &lt;b&gt;", `content="error-summary"`} {
		if !strings.Contains(page, want) {
			t.Errorf("error card lacks %q:\n%s", want, page)
		}
	}
}

func TestDAGLayout(t *testing.T) {
	svg := string(card.DAG(testFlow(), map[string]string{"Start": card.StateDone, "Work": card.StateRunning}, "", func(s string) string { return "/s/" + s }))
	for _, want := range []string{`class="node done" data-step="Start"`, `class="node running" data-step="Work"`, `class="node" data-step="End"`, `<a href="/s/Join">`} {
		if !strings.Contains(svg, want) {
			t.Errorf("DAG lacks %q", want)
		}
	}
	// Layers go down: Start above Work above Join above End.
	ys := map[string]int{}
	for _, m := range regexp.MustCompile(`data-step="(\w+)"><title>[^<]*</title><rect x="\d+" y="(\d+)"`).FindAllStringSubmatch(svg, -1) {
		var y int
		for _, c := range m[2] {
			y = y*10 + int(c-'0')
		}
		ys[m[1]] = y
	}
	if !(ys["Start"] < ys["Work"] && ys["Work"] < ys["Join"] && ys["Join"] < ys["End"]) {
		t.Errorf("layers: %v", ys)
	}
}

func TestChartsDegenerate(t *testing.T) {
	for _, svg := range []string{
		string(card.LineChart("empty", nil)),
		string(card.LineChart("nan", []flow.Series{{X: []float64{0, 1}, Y: []float64{nan(), nan()}}})),
		string(card.BarChart("none", nil, nil)),
		string(card.BarChart("flat", []string{"a"}, []float64{0})),
	} {
		if !strings.HasPrefix(svg, "<svg") || !strings.HasSuffix(svg, "</svg>") || strings.Contains(svg, "NaN") {
			t.Errorf("degenerate chart: %s", svg)
		}
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestDAGForeach: a foreach's edge is drawn distinctly, labelled with the
// slice it splits over, and the steps inside it as a stack of boxes.
func TestDAGForeach(t *testing.T) {
	f := testFlow()
	f.Steps[0].ForeachVar = "Items"
	f.Steps[1].Foreach = []string{"Start"}
	svg := string(card.DAG(f, nil, "", nil))
	for _, want := range []string{`<path class="foreach"`, `>foreach Items</text>`, `<rect class="stack"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("DAG lacks %q:\n%s", want, svg)
		}
	}
	if n := strings.Count(svg, `<rect class="stack"`); n != 2 {
		t.Errorf("%d stack boxes, want 2 (behind Work only)", n)
	}
}
