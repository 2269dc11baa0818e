package task

import (
	"context"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
)

// TestFindFailure: for an engine's failed run, the error hooks learn the
// task whose latest attempt failed, in step order, and its error; a task
// that failed and then succeeded on a retry is not it.
func TestFindFailure(t *testing.T) {
	ctx := context.Background()
	s, err := datastore.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st := &store{s: s, flow: "F", run: "r1"}
	plan := &ir.Flow{Name: "F", Graph: ir.Graph{Order: []string{"Start", "Fit", "End"}}}
	write := func(step, task string, n int, status datastore.AttemptStatus, msg string) {
		a := datastore.Attempt{Attempt: n, Start: time.Now(), Status: status, Error: msg,
			ForeachStack: []datastore.ForeachFrame{}, InputPaths: []string{}}
		if err := s.WriteAttempt(ctx, st.path(step, task), a); err != nil {
			t.Fatal(err)
		}
	}
	if task, msg := findFailure(ctx, plan, st); task != "" || msg != "" {
		t.Errorf("no tasks: %q %q, want nothing", task, msg)
	}
	write("Start", "0", 0, datastore.AttemptOK, "")
	write("Fit", "0", 0, datastore.AttemptFailed, "flaky")
	write("Fit", "0", 1, datastore.AttemptOK, "")
	write("Fit", "1", 0, datastore.AttemptFailed, "out of memory")
	task, msg := findFailure(ctx, plan, st)
	if task != "F/r1/Fit/1" || msg != "out of memory" {
		t.Errorf("findFailure = %q, %q; want F/r1/Fit/1, out of memory", task, msg)
	}
}
