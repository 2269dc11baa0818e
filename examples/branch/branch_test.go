package branch

import (
	"errors"
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// runBranches runs Start and its three branches as the runtime would: each
// branch on its own copy of Start's artifacts.
func runBranches(t *testing.T) (steps []string, outs []*Stats) {
	t.Helper()
	ctx := flow.NewContext(t.Context(), flow.TaskInfo{Step: "Start"})
	start := &Stats{}
	tr := flow.Inspect(start.Start(ctx))
	if tr.Kind != flow.KindBranch {
		t.Fatalf("Start returned a %v, want a branch", tr.Kind)
	}
	for _, name := range tr.Steps {
		f := *start
		step := map[string]func(*flow.Context) flow.Next{
			"ComputeMean": f.ComputeMean, "ComputeMedian": f.ComputeMedian, "ComputeSpread": f.ComputeSpread,
		}[name]
		if next := flow.Inspect(step(ctx)); !slices.Equal(next.Steps, []string{"Join"}) {
			t.Fatalf("%s goes to %v, want [Join]", name, next.Steps)
		}
		f.Elapsed += 1 // make sure every branch's Elapsed is set, and differs
		steps, outs = append(steps, name), append(outs, &f)
	}
	return steps, outs
}

func TestJoinMerges(t *testing.T) {
	steps, outs := runBranches(t)
	f := &Stats{}
	_, err := f.Join(flow.NewContext(t.Context(), flow.TaskInfo{Step: "Join"}), flow.InputsFrom(steps, outs...))
	if err != nil {
		t.Fatal(err)
	}
	if f.Median != 12.5 || f.Mean < 24 || f.Mean > 25 || f.Spread == 0 || len(f.Prices) != 7 {
		t.Errorf("merged %+v", f)
	}
	if len(f.Timings) != 3 || f.Timings["ComputeMedian"] != outs[1].Elapsed {
		t.Errorf("Timings = %v", f.Timings)
	}
}

// TestElapsedConflicts shows why Join excludes Elapsed.
func TestElapsedConflicts(t *testing.T) {
	_, outs := runBranches(t)
	var merr *flow.MergeError
	err := flow.InputsOf(outs...).MergeArtifacts(&Stats{})
	if !errors.As(err, &merr) || !slices.Equal(merr.Conflicts, []string{"Elapsed"}) {
		t.Errorf("merging everything: %v, want a conflict on Elapsed", err)
	}
}
