package sched

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/flowc-dev/flowc/ir"
)

// Finished reports how a finished task of the run ended: the transition it
// took (for a foreach, Splits too), and ok false when the task has not
// finished (or never ran).
type Finished func(r Ref) (res Result, ok bool, err error)

// Resolved is what a task run by an engine without a scheduler (Argo, Step
// Functions) works out about itself from its id and the finished tasks.
type Resolved struct {
	Inputs []Ref
	// SplitIndex is the task's index in the foreach it is the first step
	// of, -1 otherwise.
	SplitIndex int
}

// Resolve finds the inputs of task id of step from the tasks that finished,
// using only the plan and the deterministic task ids (TaskID): the engine
// passes a step and an id, never a list of inputs, so a join of 10,000
// foreach tasks costs the engine nothing. A candidate input counts when it
// finished and its transition went to step; exactly one must for an
// ordinary step and for each input slot of a join.
func Resolve(plan *ir.Flow, step, id string, done Finished) (Resolved, error) {
	out := Resolved{SplitIndex: -1}
	st := plan.Step(step)
	if st == nil {
		return out, fmt.Errorf("no step %s in flow %s", step, plan.Name)
	}
	if step == plan.Graph.Start {
		return out, nil
	}
	depths, err := Depths(plan)
	if err != nil {
		return out, err
	}
	idx, iter, err := ParseTaskID(id, depths[step], st.SelfLoop)
	if err != nil {
		return out, fmt.Errorf("task %s/%s: %w", step, id, err)
	}
	// went reports whether candidate c finished and went to step.
	went := func(c Ref) (Result, bool, error) {
		res, ok, err := done(c)
		if err != nil || !ok {
			return res, false, err
		}
		return res, slices.Contains(res.Next, step), nil
	}
	// last finds the visit of a self-loop step c at indices ix that left
	// the loop for step, or c's only task for any other step.
	last := func(c *ir.Step, ix []int) (Ref, bool, error) {
		if !c.SelfLoop {
			r := Ref{c.Name, TaskID(frames(ix), 0, false)}
			_, ok, err := went(r)
			return r, ok, err
		}
		for k := 0; ; k++ {
			r := Ref{c.Name, TaskID(frames(ix), k, true)}
			res, ok, err := done(r)
			if err != nil || !ok {
				return r, false, err
			}
			if slices.Contains(res.Next, step) {
				return r, true, nil
			}
			if !slices.Contains(res.Next, c.Name) {
				return r, false, nil
			}
		}
	}
	// one picks the single candidate among preds (at indices ix) that went
	// to step.
	one := func(preds []string, ix []int, what string) (Ref, error) {
		var found []Ref
		for _, p := range preds {
			ps := plan.Step(p)
			if ps == nil {
				return Ref{}, fmt.Errorf("step %s: unknown predecessor %s", step, p)
			}
			r, ok, err := last(ps, ix)
			if err != nil {
				return Ref{}, err
			}
			if ok {
				found = append(found, r)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
			return Ref{}, fmt.Errorf("task %s/%s: no finished task of %s went to %s", step, id, strings.Join(preds, " or "), what)
		}
		return Ref{}, fmt.Errorf("task %s/%s: several finished tasks went to %s: %v", step, id, what, found)
	}

	if st.SelfLoop && iter > 0 {
		prev := Ref{step, TaskID(frames(idx), iter-1, true)}
		if _, ok, err := went(prev); err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("task %s/%s: the previous visit %s did not finish or did not loop", step, id, prev)
			}
			return out, err
		}
		out.Inputs = []Ref{prev}
		return out, nil
	}
	var preds []string
	for _, p := range st.Prev {
		if p != step {
			preds = append(preds, p)
		}
	}
	if !st.Inputs {
		// An ordinary step: one predecessor at the same place, or the
		// foreach whose body it starts.
		var same []string
		for _, p := range preds {
			ps := plan.Step(p)
			if ps != nil && ps.Kind == ir.KindForeach && slices.Equal(ps.Next, []string{step}) {
				if len(idx) == 0 {
					return out, fmt.Errorf("task %s/%s: a foreach body task needs a foreach index in its id", step, id)
				}
				r := Ref{p, TaskID(frames(idx[:len(idx)-1]), 0, false)}
				res, ok, err := went(r)
				if err != nil {
					return out, err
				}
				if ok {
					i := idx[len(idx)-1]
					if i >= res.Splits {
						return out, fmt.Errorf("task %s/%s: index %d outside the %d tasks of foreach %s", step, id, i, res.Splits, r)
					}
					out.Inputs, out.SplitIndex = []Ref{r}, i
					return out, nil
				}
				continue
			}
			same = append(same, p)
		}
		r, err := one(same, idx, step)
		if err != nil {
			return out, err
		}
		out.Inputs = []Ref{r}
		return out, nil
	}
	var split *ir.Step
	for _, s := range plan.Steps {
		if s.MatchingJoin == step {
			split = s
		}
	}
	if split == nil {
		return out, fmt.Errorf("join %s closes no split in the plan", step)
	}
	if split.Kind == ir.KindForeach {
		sr := Ref{split.Name, TaskID(frames(idx), 0, false)}
		res, ok, err := done(sr)
		if err != nil {
			return out, err
		}
		if !ok {
			return out, fmt.Errorf("task %s/%s: foreach task %s has not finished", step, id, sr)
		}
		for i := 0; i < res.Splits; i++ {
			r, err := one(preds, append(slices.Clone(idx), i), step)
			if err != nil {
				return out, err
			}
			out.Inputs = append(out.Inputs, r)
		}
		return out, nil
	}
	roots := branchRootsOf(plan, split)
	for b := range split.Next {
		var on []string
		for _, p := range preds {
			if r, ok := roots[p]; ok && r == b {
				on = append(on, p)
			}
		}
		r, err := one(on, idx, step)
		if err != nil {
			return out, err
		}
		out.Inputs = append(out.Inputs, r)
	}
	return out, nil
}

// frames makes a foreach stack of the indices alone, which is all TaskID
// reads.
func frames(idx []int) []Frame {
	out := make([]Frame, len(idx))
	for i, x := range idx {
		out[i].Index = x
	}
	return out
}

// branchRootsOf maps every step inside the branches of split to the
// position of its branch.
func branchRootsOf(plan *ir.Flow, split *ir.Step) map[string]int {
	return (&Scheduler{plan: plan}).branchRoots(split)
}

// ParseTaskID reads a task id made by TaskID for a step inside depth
// foreach levels: the foreach indices and, for a self-loop step, the visit.
func ParseTaskID(id string, depth int, loop bool) (idx []int, iter int, err error) {
	base := id
	if loop {
		b, k, ok := strings.Cut(id, ".")
		if !ok {
			return nil, 0, fmt.Errorf("want a visit number after a '.' in the id of a self-loop step")
		}
		if iter, err = strconv.Atoi(k); err != nil || iter < 0 {
			return nil, 0, fmt.Errorf("bad visit number %q", k)
		}
		base = b
	}
	if depth == 0 {
		if base != "0" {
			return nil, 0, fmt.Errorf("want id 0 outside any foreach")
		}
		return nil, iter, nil
	}
	parts := strings.Split(base, "-")
	if len(parts) != depth {
		return nil, 0, fmt.Errorf("want %d foreach indices joined by '-'", depth)
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strconv.Itoa(n) != p {
			return nil, 0, fmt.Errorf("bad foreach index %q", p)
		}
		idx = append(idx, n)
	}
	return idx, iter, nil
}

// Depths returns how many foreach levels enclose each step's tasks: 0 for
// Start, one more for a foreach's body, one less again at its join.
func Depths(plan *ir.Flow) (map[string]int, error) {
	splitOf := map[string]*ir.Step{}
	for _, s := range plan.Steps {
		if s.MatchingJoin != "" {
			splitOf[s.MatchingJoin] = s
		}
	}
	d := map[string]int{plan.Graph.Start: 0}
	queue := []string{plan.Graph.Start}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		st := plan.Step(n)
		if st == nil {
			return nil, fmt.Errorf("unknown step %s in the plan", n)
		}
		for _, m := range st.Next {
			want := d[n]
			if st.Kind == ir.KindForeach {
				want++
			}
			if sp := splitOf[m]; sp != nil && sp.Kind == ir.KindForeach {
				if _, ok := d[sp.Name]; ok {
					want = d[sp.Name]
				}
			}
			if old, seen := d[m]; seen {
				if old != want {
					return nil, fmt.Errorf("step %s is reached at foreach depths %d and %d", m, old, want)
				}
				continue
			}
			d[m] = want
			queue = append(queue, m)
		}
	}
	return d, nil
}
