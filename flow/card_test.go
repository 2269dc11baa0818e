package flow_test

import (
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

func TestCardComponents(t *testing.T) {
	set := flow.NewCardSet()
	c := flow.NewContext(nil, flow.TaskInfo{Step: "Report", Cards: set})
	type row struct {
		Name  string
		Score float64
		note  string
	}
	c.Card().Markdown("# Hi").
		Table([][]any{{"a", 1}, {"b", 2.5}}, "name", "n").
		Table([]*row{{Name: "x", Score: 0.5}, nil}).
		Table(42).
		Image([]byte("\x89PNG\r\n\x1a\nrest"), "png").
		Image([]byte("  <svg xmlns='http://www.w3.org/2000/svg'></svg>"), "svg").
		Image([]byte("plain text"), "bad").
		LineChart("loss", flow.Series{Name: "train", X: []float64{0, 1}, Y: []float64{1, 0.5}}).
		BarChart("counts", []string{"a"}, []float64{1, 2})
	p := c.Card().Progress("rows", 10)
	p.Update(42)
	c.CardID("other").Markdown("elsewhere")

	got := set.Components("")
	kinds := make([]string, len(got))
	for i, k := range got {
		kinds[i] = string(k.Kind)
	}
	want := "markdown table table error image image error line error progress"
	if strings.Join(kinds, " ") != want {
		t.Fatalf("kinds = %s, want %s", strings.Join(kinds, " "), want)
	}
	if h := strings.Join(got[1].Headers, ","); h != "name,n" || got[1].Rows[1][1] != "2.5" {
		t.Errorf("[][]any table: headers %s rows %v", h, got[1].Rows)
	}
	if h := strings.Join(got[2].Headers, ","); h != "Name,Score" || got[2].Rows[0][1] != "0.5" || len(got[2].Rows) != 2 {
		t.Errorf("struct table: headers %s rows %v", h, got[2].Rows)
	}
	if !strings.Contains(got[3].Text, "int") {
		t.Errorf("bad table error %q does not name the type", got[3].Text)
	}
	if got[4].MIME != "image/png" || got[5].MIME != "image/svg+xml" {
		t.Errorf("image types %s, %s", got[4].MIME, got[5].MIME)
	}
	if got[9].Value != 10 {
		t.Errorf("progress clamped to %v, want 10", got[9].Value)
	}
	if o := set.Components("other"); len(o) != 1 || o[0].Text != "elsewhere" {
		t.Errorf("card other: %+v", o)
	}
	v := set.Version()
	p.Update(3)
	if set.Version() == v {
		t.Error("Update did not change the version")
	}
	c.Card().Clear()
	if len(set.Components("")) != 0 {
		t.Error("Clear left components")
	}
}

func TestCardWithoutSet(t *testing.T) {
	c := flow.NewContext(nil, flow.TaskInfo{})
	c.Card().Markdown("kept nowhere").Progress("x", 1).Update(1)
}
