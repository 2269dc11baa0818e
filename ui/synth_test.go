package ui_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/runtime/datastore"
	"github.com/flowc-dev/flowc/runtime/task"
)

// synthRun writes a finished run of flow Wide straight into the datastore
// at root: Start, a foreach of width tasks over Work, Join, End, with one
// attempt document and done marker per task (what a run page reads), and
// returns its id. It stands for a real run of that size, which would take
// minutes to make.
func synthRun(tb testing.TB, root string, width int) string {
	tb.Helper()
	ctx := context.Background()
	st, err := datastore.OpenLocal(root)
	if err != nil {
		tb.Fatal(err)
	}
	plan := &ir.Flow{Name: "Wide", Graph: ir.Graph{Start: "Start", End: "End", Order: []string{"Start", "Work", "Join", "End"}}, Steps: []*ir.Step{
		{Name: "Start", Kind: ir.KindForeach, Next: []string{"Work"}, ForeachVar: "Items", MatchingJoin: "Join"},
		{Name: "Work", Kind: ir.KindLinear, Next: []string{"Join"}, Prev: []string{"Start"}},
		{Name: "Join", Kind: ir.KindJoin, Next: []string{"End"}, Prev: []string{"Work"}, Inputs: true},
		{Name: "End", Kind: ir.KindEnd, Prev: []string{"Join"}},
	}}
	id := fmt.Sprint(1700000000000000 + width)
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	if err := st.WriteRun(ctx, datastore.Run{Flow: "Wide", RunID: id, User: "bench", SystemTags: []string{"user:bench"}, Start: t0, End: t0.Add(time.Hour), Status: datastore.RunSucceeded}); err != nil {
		tb.Fatal(err)
	}
	if err := task.WritePlan(ctx, st, id, plan); err != nil {
		tb.Fatal(err)
	}
	write := func(step, tid string, start time.Time, d time.Duration) {
		p := datastore.TaskPath{Flow: "Wide", Run: id, Step: step, Task: tid}
		a := datastore.Attempt{Attempt: 0, Start: start, End: start.Add(d), Status: datastore.AttemptOK, Transition: &datastore.Transition{Next: []string{"x"}}}
		if err := st.WriteAttempt(ctx, p, a); err != nil {
			tb.Fatal(err)
		}
		if err := st.MarkDone(ctx, p, datastore.Done{Attempt: 0, Status: datastore.AttemptOK, Time: a.End}); err != nil {
			tb.Fatal(err)
		}
	}
	write("Start", "0", t0, time.Second)
	for i := range width {
		write("Work", fmt.Sprint(i), t0.Add(time.Second+time.Duration(i%16)*time.Minute/16+time.Duration(i/16)*time.Millisecond), 3*time.Second)
	}
	write("Join", "0", t0.Add(50*time.Minute), time.Second)
	write("End", "0", t0.Add(51*time.Minute), time.Second)
	return id
}
