package sched_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flowc-dev/flowc/check"
	"github.com/flowc-dev/flowc/ir"
	"github.com/flowc-dev/flowc/parser"
	"github.com/flowc-dev/flowc/runtime/sched"
)

func plan(t *testing.T, dir string) *ir.Flow {
	t.Helper()
	pkg, diags := check.Load(dir, parser.Options{})
	if len(diags) > 0 {
		t.Fatal(diags)
	}
	f, err := check.Select(pkg, "")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// simulate runs a plan to the end: foreach width 3, a self-loop takes
// itself twice, a conditional otherwise takes its last target. It returns
// every task run, as "Step/ID<-inputs".
func simulate(t *testing.T, f *ir.Flow) []string {
	t.Helper()
	s := sched.New(f)
	queue := []*sched.Task{s.Start()}
	var ran []string
	seen := map[sched.Ref]bool{}
	for len(queue) > 0 {
		task := queue[0]
		queue = queue[1:]
		if seen[task.Ref()] {
			t.Fatalf("task %s scheduled twice", task.Ref())
		}
		seen[task.Ref()] = true
		var in []string
		for _, r := range task.Inputs {
			in = append(in, r.String())
		}
		ran = append(ran, task.Ref().String()+"<-"+strings.Join(in, ","))
		st := f.Step(task.Step)
		var r sched.Result
		switch st.Kind {
		case ir.KindEnd:
		case ir.KindForeach:
			r = sched.Result{Next: st.Next, Splits: 3}
		case ir.KindConditional:
			r.Next = st.Next[len(st.Next)-1:]
			if st.SelfLoop {
				r.Next = []string{st.Name}
				if task.Iter == 2 {
					r.Next = []string{st.Next[slices.IndexFunc(st.Next, func(n string) bool { return n != st.Name })]}
				}
			}
		default:
			r.Next = st.Next
		}
		next, err := s.Done(task, r)
		if err != nil {
			t.Fatal(err)
		}
		queue = append(queue, next...)
	}
	if s.Pending() != 0 {
		t.Errorf("%d joins still waiting", s.Pending())
	}
	if !seen[sched.Ref{Step: "End", ID: "0"}] {
		t.Errorf("End/0 never ran: %v", ran)
	}
	return ran
}

func TestExamplesReachEnd(t *testing.T) {
	ents, _ := os.ReadDir("../../examples")
	for _, e := range ents {
		t.Run(e.Name(), func(t *testing.T) { simulate(t, plan(t, filepath.Join("../../examples", e.Name()))) })
	}
}

func TestNestedForeachIDs(t *testing.T) {
	ran := simulate(t, plan(t, "../../examples/nestedforeach"))
	for _, want := range []string{
		"Start/0<-",
		"Region/2<-Start/0",
		"Train/2-1<-Region/2",
		"JoinModels/1<-Train/1-0,Train/1-1,Train/1-2",
		"JoinRegions/0<-JoinModels/0,JoinModels/1,JoinModels/2",
		"End/0<-JoinRegions/0",
	} {
		if !slices.Contains(ran, want) {
			t.Errorf("missing %s in %v", want, ran)
		}
	}
}

func TestLoopIDs(t *testing.T) {
	ran := simulate(t, plan(t, "../../examples/loop"))
	for _, want := range []string{"Refine/0.0<-", "Refine/0.1<-Refine/0.0", "Refine/0.2<-Refine/0.1"} {
		if !slices.ContainsFunc(ran, func(s string) bool { return strings.HasPrefix(s, want) }) {
			t.Errorf("missing %s in %v", want, ran)
		}
	}
}

func TestTransitionChecked(t *testing.T) {
	f := plan(t, "../../examples/branch")
	s := sched.New(f)
	start := s.Start()
	if _, err := s.Done(start, sched.Result{Next: []string{"End"}}); err == nil {
		t.Error("a transition the plan does not allow was accepted")
	}
}
