package loop

import (
	"math"
	"testing"

	"github.com/flowc-dev/flowc/flow"
)

// run runs Start, then Refine for as long as it loops back to itself, and
// returns the step it finally goes to.
func run(t *testing.T, f *Sqrt) string {
	t.Helper()
	c := flow.NewContext(t.Context(), flow.TaskInfo{})
	start, err := f.Start(c)
	if err != nil {
		t.Fatal(err)
	}
	next := flow.Inspect(start).Steps[0]
	for next == "Refine" {
		next = flow.Inspect(f.Refine(c)).Steps[0]
	}
	return next
}

func TestConverges(t *testing.T) {
	f := &Sqrt{Number: 2, Tolerance: 1e-12, MaxIterations: 50}
	if next := run(t, f); next != "Report" {
		t.Fatalf("the loop left for %s, want Report", next)
	}
	if !f.Converged || math.Abs(f.Estimate-math.Sqrt2) > 1e-12 || len(f.History) != f.Iteration {
		t.Errorf("after %d iterations: estimate %v, converged %v", f.Iteration, f.Estimate, f.Converged)
	}
}

func TestStopsAtMaxIterations(t *testing.T) {
	f := &Sqrt{Number: 1e6, Tolerance: 0, MaxIterations: 3}
	run(t, f)
	if f.Iteration != 3 || f.Converged {
		t.Errorf("stopped after %d iterations, converged %v; want 3, false", f.Iteration, f.Converged)
	}
}

func TestRejectsNegativeNumber(t *testing.T) {
	f := &Sqrt{Number: -1}
	if _, err := f.Start(flow.NewContext(t.Context(), flow.TaskInfo{})); err == nil {
		t.Error("Start accepted a negative number")
	}
}
