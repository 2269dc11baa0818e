package sched

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Frame is one level of foreach around a task: the foreach step, the slice
// it split, and which of its Splits tasks this is.
type Frame struct {
	Step   string `json:"step"`
	Var    string `json:"var"`
	Index  int    `json:"index"`
	Splits int    `json:"splits"`
}

// Task is one task of a run: a step and the place in the foreach nesting
// (and loop iterations) it runs at.
type Task struct {
	Step string
	ID   string
	// Stack holds the foreach frames around the task, outermost first.
	Stack []Frame
	// Iter counts the visits of a conditional self-loop step, from 0.
	Iter int
	// Inputs are the tasks whose artifacts this task starts from: one for
	// an ordinary step, one per branch or foreach task for a join, none for
	// Start (which reads the run's parameters).
	Inputs []Ref
}

// Ref names a task of the run.
type Ref struct {
	Step string `json:"step"`
	ID   string `json:"id"`
}

// String returns "Step/ID".
func (r Ref) String() string { return r.Step + "/" + r.ID }

// Ref returns the task's reference.
func (t *Task) Ref() Ref { return Ref{t.Step, t.ID} }

// Result is what a finished task chose: the steps it goes to (all of a
// branch, one of a conditional) and, for a foreach, how many tasks.
type Result struct {
	Next   []string
	Splits int
}

// Scheduler tracks a run's tasks. It is not safe for concurrent use.
type Scheduler struct {
	plan    *ir.Flow
	splitOf map[string]*ir.Step       // join name to the split it closes
	rootOf  map[string]map[string]int // join name to: step to branch position
	waiting map[string]*join          // open joins by join task ref
}

// join is a join task waiting for its inputs.
type join struct {
	task   *Task
	inputs []Ref
	got    int
}

// New returns a scheduler for an analysed flow.
func New(plan *ir.Flow) *Scheduler {
	s := &Scheduler{plan: plan, splitOf: map[string]*ir.Step{}, rootOf: map[string]map[string]int{}, waiting: map[string]*join{}}
	for _, st := range plan.Steps {
		if st.MatchingJoin != "" {
			s.splitOf[st.MatchingJoin] = st
			if st.Kind == ir.KindBranch {
				s.rootOf[st.MatchingJoin] = s.branchRoots(st)
			}
		}
	}
	return s
}

// branchRoots maps every step inside a branch to the position of the branch
// it is on, walking from each branch root to the join.
func (s *Scheduler) branchRoots(split *ir.Step) map[string]int {
	out := map[string]int{}
	for i, root := range split.Next {
		queue := []string{root}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			if n == split.MatchingJoin {
				continue
			}
			if _, seen := out[n]; seen {
				continue
			}
			out[n] = i
			if st := s.plan.Step(n); st != nil {
				queue = append(queue, st.Next...)
			}
		}
	}
	return out
}

// Start returns the run's first task.
func (s *Scheduler) Start() *Task {
	return &Task{Step: s.plan.Graph.Start, ID: TaskID(nil, 0, false)}
}

// Done records that t finished with r and returns the tasks that became
// ready, in a stable order. It checks r against the plan, as Metaflow's
// runtime checks a task's transition against the static graph.
func (s *Scheduler) Done(t *Task, r Result) ([]*Task, error) {
	st := s.plan.Step(t.Step)
	if st == nil {
		return nil, fmt.Errorf("task %s: step %s is not in the plan", t.Ref(), t.Step)
	}
	if err := Allowed(st, r); err != nil {
		return nil, fmt.Errorf("task %s: %w", t.Ref(), err)
	}
	var out []*Task
	switch st.Kind {
	case ir.KindEnd:
		return nil, nil
	case ir.KindForeach:
		for i := 0; i < r.Splits; i++ {
			stack := append(slices.Clone(t.Stack), Frame{Step: st.Name, Var: st.ForeachVar, Index: i, Splits: r.Splits})
			nt, err := s.next(t, st.Next[0], stack, 0)
			if err != nil {
				return nil, err
			}
			out = append(out, nt...)
		}
		return out, nil
	}
	for _, n := range r.Next {
		iter := 0
		if n == st.Name {
			iter = t.Iter + 1
		}
		nt, err := s.next(t, n, t.Stack, iter)
		if err != nil {
			return nil, err
		}
		out = append(out, nt...)
	}
	return out, nil
}

// next makes the task of step n that follows t, or records t as an input
// of the join n and returns the join once all its inputs are in.
func (s *Scheduler) next(t *Task, n string, stack []Frame, iter int) ([]*Task, error) {
	ns := s.plan.Step(n)
	if ns == nil {
		return nil, fmt.Errorf("task %s goes to unknown step %s", t.Ref(), n)
	}
	if !ns.Inputs {
		return []*Task{{Step: n, ID: TaskID(stack, iter, ns.SelfLoop), Stack: stack, Iter: iter, Inputs: []Ref{t.Ref()}}}, nil
	}
	split := s.splitOf[n]
	if split == nil {
		return nil, fmt.Errorf("join %s closes no split in the plan", n)
	}
	var outer []Frame
	var pos, want int
	if split.Kind == ir.KindForeach {
		if len(stack) == 0 || stack[len(stack)-1].Step != split.Name {
			return nil, fmt.Errorf("task %s reaches join %s outside the foreach of %s", t.Ref(), n, split.Name)
		}
		top := stack[len(stack)-1]
		outer, pos, want = stack[:len(stack)-1], top.Index, top.Splits
	} else {
		i, ok := s.rootOf[n][t.Step]
		if !ok {
			return nil, fmt.Errorf("task %s is on no branch of %s", t.Ref(), split.Name)
		}
		outer, pos, want = stack, i, len(split.Next)
	}
	id := TaskID(outer, 0, false)
	key := n + "/" + id
	j := s.waiting[key]
	if j == nil {
		j = &join{task: &Task{Step: n, ID: id, Stack: slices.Clone(outer)}, inputs: make([]Ref, want)}
		s.waiting[key] = j
	}
	if pos >= len(j.inputs) || j.inputs[pos] != (Ref{}) {
		return nil, fmt.Errorf("join %s got input %d twice or out of range (from %s)", key, pos, t.Ref())
	}
	j.inputs[pos] = t.Ref()
	j.got++
	if j.got < want {
		return nil, nil
	}
	delete(s.waiting, key)
	j.task.Inputs = j.inputs
	return []*Task{j.task}, nil
}

// Pending reports how many joins are waiting for inputs: a run that ends
// with pending joins lost tasks.
func (s *Scheduler) Pending() int { return len(s.waiting) }

// Allowed checks a transition against the static graph.
func Allowed(st *ir.Step, r Result) error {
	switch st.Kind {
	case ir.KindEnd:
		if len(r.Next) > 0 {
			return fmt.Errorf("End returned a transition to %s", strings.Join(r.Next, ", "))
		}
		return nil
	case ir.KindForeach:
		if len(r.Next) != 1 || r.Next[0] != st.Next[0] {
			return fmt.Errorf("step %s returned %v, but its plan is a foreach to %s", st.Name, r.Next, st.Next[0])
		}
		if r.Splits < 0 {
			return fmt.Errorf("step %s: negative foreach width", st.Name)
		}
		return nil
	case ir.KindBranch:
		if !slices.Equal(r.Next, st.Next) {
			return fmt.Errorf("step %s returned %v, but its plan branches to %v", st.Name, r.Next, st.Next)
		}
		return nil
	}
	if len(r.Next) != 1 || !slices.Contains(st.Next, r.Next[0]) {
		return fmt.Errorf("step %s returned %v, but its plan goes to one of %v", st.Name, r.Next, st.Next)
	}
	return nil
}

// TaskID is a task's id: deterministic from where it runs, so any engine
// (this executor, Argo, Step Functions) names the same task the same way
// and a join can find its inputs. It is "0" outside any foreach, the
// foreach indices joined by "-" inside ("3", "3-1"), and for a conditional
// self-loop step the visit number after a ".": "0.2".
func TaskID(stack []Frame, iter int, loop bool) string {
	var b strings.Builder
	if len(stack) == 0 {
		b.WriteByte('0')
	}
	for i, f := range stack {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(strconv.Itoa(f.Index))
	}
	if loop {
		b.WriteByte('.')
		b.WriteString(strconv.Itoa(iter))
	}
	return b.String()
}
