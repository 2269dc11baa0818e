package nestedforeach

import (
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// TestFlow runs the whole flow in memory, one copy of the flow per task,
// with the foreach frames the runtime would give each task.
func TestFlow(t *testing.T) {
	start := &Forecast{}
	flow.Inspect(start.Start(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"})))

	var regions []*Forecast
	for i, region := range start.Regions {
		outer := flow.Frame{Step: "Start", Var: "Regions", Index: i, Splits: len(start.Regions)}
		r := *start
		tr := flow.Inspect(r.Region(flow.NewContext(t.Context(), flow.TaskInfo{
			Step: "Region", Foreach: []flow.Frame{outer}, Input: region,
		})))
		if tr.Kind != flow.KindForeach || tr.Splits != len(r.Models) {
			t.Fatalf("Region returned %+v", tr)
		}

		var trained []*Forecast
		for j, model := range r.Models {
			inner := flow.Frame{Step: "Region", Var: "Models", Index: j, Splits: len(r.Models)}
			task := r
			task.Train(flow.NewContext(t.Context(), flow.TaskInfo{
				Step: "Train", Foreach: []flow.Frame{outer, inner}, Input: model,
			}))
			trained = append(trained, &task)
		}

		join := &Forecast{}
		join.JoinModels(flow.NewContext(t.Context(), flow.TaskInfo{Step: "JoinModels", Foreach: []flow.Frame{outer}}),
			flow.InputsOf(trained...))
		for _, task := range trained {
			if task.Score.Value > join.Best.Value {
				t.Errorf("region %s: best %+v, but %+v scored higher", region, join.Best, task.Score)
			}
		}
		regions = append(regions, join)
	}

	end := &Forecast{}
	end.JoinRegions(flow.NewContext(t.Context(), flow.TaskInfo{Step: "JoinRegions"}), flow.InputsOf(regions...))
	var got []string
	for _, w := range end.Winners {
		got = append(got, w.Region)
	}
	if !slices.Equal(got, start.Regions) {
		t.Errorf("winners for regions %v, want %v", got, start.Regions)
	}
}
