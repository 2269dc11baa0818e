package foreach

import (
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// TestFlow runs the whole flow in memory: Start, one Process task per item
// on its own copy of Start's artifacts, then Join and End.
func TestFlow(t *testing.T) {
	start := &WordCount{}
	tr := flow.Inspect(start.Start(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"})))
	if tr.Kind != flow.KindForeach || tr.Splits != len(start.Items) || !slices.Equal(tr.Steps, []string{"Process"}) {
		t.Fatalf("Start returned %+v", tr)
	}

	var tasks []*WordCount
	for i, item := range start.Items {
		task := *start
		c := flow.NewContext(t.Context(), flow.TaskInfo{
			Step:    "Process",
			Foreach: []flow.Frame{{Step: "Start", Var: "Items", Index: i, Splits: tr.Splits}},
			Input:   item,
		})
		if next := flow.Inspect(task.Process(c)); !slices.Equal(next.Steps, []string{"Join"}) {
			t.Fatalf("Process goes to %v, want [Join]", next.Steps)
		}
		tasks = append(tasks, &task)
	}

	join := &WordCount{}
	join.Join(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Join"}), flow.InputsOf(tasks...))
	want := []Summary{{0, "Metaflow", 12}, {1, "a", 8}, {2, "each", 9}}
	if !slices.Equal(join.Summaries, want) || join.Total != 29 {
		t.Errorf("Join collected %v, total %d; want %v, total 29", join.Summaries, join.Total, want)
	}
	join.End(flow.NewContext(t.Context(), flow.TaskInfo{Step: "End"}))
}
