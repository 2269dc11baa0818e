package sched_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/internal/flowgen"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/sched"
)

// runAll runs a plan to the end with the scheduler, a conditional taking
// target pick(visit) of its targets, a foreach width 3, and returns every
// task with the result it finished with.
func runAll(t *testing.T, f *ir.Flow, pick func(st *ir.Step, task *sched.Task) string) ([]*sched.Task, map[sched.Ref]sched.Result) {
	t.Helper()
	s := sched.New(f)
	queue := []*sched.Task{s.Start()}
	var tasks []*sched.Task
	results := map[sched.Ref]sched.Result{}
	for len(queue) > 0 {
		task := queue[0]
		queue = queue[1:]
		tasks = append(tasks, task)
		st := f.Step(task.Step)
		var r sched.Result
		switch st.Kind {
		case ir.KindEnd:
		case ir.KindForeach:
			r = sched.Result{Next: st.Next, Splits: 3}
		case ir.KindConditional:
			r.Next = []string{pick(st, task)}
		default:
			r.Next = st.Next
		}
		results[task.Ref()] = r
		next, err := s.Done(task, r)
		if err != nil {
			t.Fatal(err)
		}
		queue = append(queue, next...)
	}
	return tasks, results
}

// checkResolve checks that every task of a simulated run finds, from its
// id and the finished tasks alone, the inputs the scheduler gave it.
func checkResolve(t *testing.T, f *ir.Flow, pick func(st *ir.Step, task *sched.Task) string) int {
	t.Helper()
	tasks, results := runAll(t, f, pick)
	done := func(r sched.Ref) (sched.Result, bool, error) {
		res, ok := results[r]
		return res, ok, nil
	}
	for _, task := range tasks {
		got, err := sched.Resolve(f, task.Step, task.ID, done)
		if err != nil {
			t.Fatalf("%s: %v", task.Ref(), err)
		}
		if !slices.Equal(got.Inputs, task.Inputs) {
			t.Fatalf("%s: resolved inputs %v, scheduler gave %v", task.Ref(), got.Inputs, task.Inputs)
		}
		want := -1
		if len(task.Inputs) == 1 && !f.Step(task.Step).Inputs {
			if p := f.Step(task.Inputs[0].Step); p.Kind == ir.KindForeach {
				want = task.Stack[len(task.Stack)-1].Index
			}
		}
		if got.SplitIndex != want {
			t.Fatalf("%s: split index %d, want %d", task.Ref(), got.SplitIndex, want)
		}
	}
	return len(tasks)
}

// picks: the first target, the last, and a self-loop that loops twice.
var picks = map[string]func(st *ir.Step, task *sched.Task) string{
	"first": func(st *ir.Step, task *sched.Task) string {
		for _, n := range st.Next {
			if n != st.Name || task.Iter < 2 {
				return n
			}
		}
		return st.Next[0]
	},
	"last": func(st *ir.Step, task *sched.Task) string {
		n := st.Next[len(st.Next)-1]
		if n == st.Name && task.Iter >= 2 {
			return st.Next[0]
		}
		return n
	},
	"loop": func(st *ir.Step, task *sched.Task) string {
		if st.SelfLoop && task.Iter < 2 {
			return st.Name
		}
		for _, n := range st.Next {
			if n != st.Name {
				return n
			}
		}
		return st.Next[0]
	},
}

func TestResolveExamples(t *testing.T) {
	ents, _ := os.ReadDir("../../examples")
	for _, e := range ents {
		f := plan(t, filepath.Join("../../examples", e.Name()))
		for name, pick := range picks {
			t.Run(e.Name()+"/"+name, func(t *testing.T) { checkResolve(t, f, pick) })
		}
	}
}

// TestResolveGenerated checks generated flows: branches, foreach and
// conditionals nested in one another, self-loops inside them.
func TestResolveGenerated(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		src := flowgen.Generate("Gen", 120, seed)
		dir := t.TempDir()
		pkg, diags := parser.LoadFiles(dir, map[string][]byte{"flow.go": src}, parser.Options{})
		if len(diags) > 0 {
			t.Fatal(diags)
		}
		f := pkg.Flows[0]
		if d := check.Flow(f); d.Err() != nil {
			t.Fatal(d)
		}
		for name, pick := range picks {
			t.Run(fmt.Sprintf("seed%d/%s", seed, name), func(t *testing.T) { checkResolve(t, f, pick) })
		}
	}
}

func TestResolveErrors(t *testing.T) {
	f := plan(t, "../../examples/foreach")
	none := func(sched.Ref) (sched.Result, bool, error) { return sched.Result{}, false, nil }
	for _, c := range []struct{ step, id string }{
		{"End", "0"},    // nothing finished
		{"End", "1"},    // not a valid id outside foreach
		{"NoSuch", "0"}, // no step
	} {
		if _, err := sched.Resolve(f, c.step, c.id, none); err == nil {
			t.Errorf("Resolve(%s, %s) did not fail", c.step, c.id)
		}
	}
}
