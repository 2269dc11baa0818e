package check

import (
	"container/heap"
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// checker analyses one flow's graph.
type checker struct {
	f     *ir.Flow
	same  SameElem
	steps map[string]*ir.Step
	index map[string]int // source order
	diags diag.List
}

// Flow validates f's graph and fills its analysis: predecessors, the join
// of each split, split and foreach nesting, and the topological order. It
// returns the mistakes it finds, positioned in f's files. A flow without
// Start or End (already reported by the parser) is left unanalysed.
func Flow(f *ir.Flow) diag.List { return FlowTyped(f, nil) }

// SameElem compares the element type of a foreach step with the T of a
// step's flow.Input[T] by their Go types; known is false when it cannot
// tell. parser.Package.SameElem is one.
type SameElem func(foreach, step *ir.Step) (same, known bool)

// FlowTyped is Flow with the front end's knowledge of Go types: same
// decides whether flow.Input[T] reads the elements of the foreach around
// it. Without it (nil), or where it does not know, the types are compared
// as written.
func FlowTyped(f *ir.Flow, same SameElem) diag.List {
	c := &checker{f: f, same: same, steps: map[string]*ir.Step{}, index: map[string]int{}}
	for i, s := range f.Steps {
		c.steps[s.Name] = s
		c.index[s.Name] = i
	}
	start, end := c.steps["Start"], c.steps["End"]
	if start == nil || end == nil {
		return nil
	}
	f.Graph.Start, f.Graph.End = start.Name, end.Name
	c.prev()
	if slices.ContainsFunc(f.Steps, func(s *ir.Step) bool { return s.Broken }) {
		// Some transitions could not be read (the parser said why): the
		// graph is incomplete, and checking its shape would only report
		// the same mistakes again as unreachable or unjoined steps.
		// Foreach nesting is still worth finding for the flow.Input checks
		// of the steps the walk reaches.
		if c.acyclic(start) {
			n := len(c.diags)
			reached := c.balance(start)
			c.diags = c.diags[:n]
			c.inputs(reached)
		}
		return c.diags
	}
	c.reachable(start)
	if !c.acyclic(start) {
		return c.diags
	}
	c.inputs(c.balance(start))
	c.order()
	return c.diags
}

func (c *checker) add(p ir.Pos, code diag.Code, format string, args ...any) {
	c.diags.Add(diag.Pos(p), code, format, args...)
}

// edgePos is where step s names its successor next.
func edgePos(s *ir.Step, next string) ir.Pos {
	if i := slices.Index(s.Next, next); i >= 0 && i < len(s.NextPos) {
		return s.NextPos[i]
	}
	return s.Pos
}

// prev fills each step's predecessors, self-loops aside, and reports
// transitions back to Start.
func (c *checker) prev() {
	for _, s := range c.f.Steps {
		s.Prev = nil
	}
	for _, s := range c.f.Steps {
		for _, n := range s.Next {
			t := c.steps[n]
			if t == nil {
				continue
			}
			if n == "Start" {
				// Start's own loop too: Metaflow forbids any edge into start.
				c.add(edgePos(s, n), diag.StartHasInputs, "step %s goes to Start; Start is where a run begins and nothing may lead to it", s.Name)
			}
			if n == s.Name {
				continue
			}
			t.Prev = append(t.Prev, s.Name)
		}
	}
	for _, s := range c.f.Steps {
		slices.Sort(s.Prev)
	}
}

// reachable reports steps that Start never reaches.
func (c *checker) reachable(start *ir.Step) {
	seen := map[string]bool{start.Name: true}
	queue := []*ir.Step{start}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, n := range s.Next {
			if t := c.steps[n]; t != nil && !seen[n] {
				seen[n] = true
				queue = append(queue, t)
			}
		}
	}
	for _, s := range c.f.Steps {
		if !seen[s.Name] {
			c.add(s.Pos, diag.Unreachable, "step %s is never reached from Start", s.Name)
		}
	}
}

// acyclic reports every loop but a conditional step's loop to itself, and
// says whether there were none.
func (c *checker) acyclic(start *ir.Step) bool {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var path []string
	ok := true
	var visit func(s *ir.Step)
	visit = func(s *ir.Step) {
		color[s.Name] = grey
		path = append(path, s.Name)
		for _, n := range s.Next {
			t := c.steps[n]
			if t == nil || n == s.Name && s.Kind == ir.KindConditional {
				continue
			}
			switch color[n] {
			case white:
				visit(t)
			case grey:
				ok = false
				if n == start.Name {
					continue // reported by prev as a transition back to Start
				}
				loop := append(slices.Clone(path[slices.Index(path, n):]), n)
				hint := "only a conditional step may loop, and only to itself"
				if n == s.Name {
					hint = "a step whose only transition is to itself never ends; make it conditional with a second Goto"
				}
				c.add(edgePos(s, n), diag.Cycle, "loop %s: %s", strings.Join(loop, " -> "), hint)
			}
		}
		path = path[:len(path)-1]
		color[s.Name] = black
	}
	visit(start)
	return ok
}

// scope is the stack of open splits at a step: the split steps, outermost
// first, and under each the branch the step is on.
type scope struct {
	splits []string
	roots  []string
}

func (s scope) push(split, root string) scope {
	return scope{append(slices.Clone(s.splits), split), append(slices.Clone(s.roots), root)}
}

func (s scope) pop() scope {
	n := len(s.splits) - 1
	return scope{s.splits[:n:n], s.roots[:n:n]}
}

func (s scope) equal(t scope) bool {
	return slices.Equal(s.splits, t.splits) && slices.Equal(s.roots, t.roots)
}

// arrival is one way into a join: the predecessor and its scope.
type arrival struct {
	from  *ir.Step
	scope scope
}

// balance walks the graph from Start with the stack of open splits, as
// Metaflow's split/join check does, visiting each step once: every branch
// and foreach must be closed by one join before End, and a join must close
// exactly the branches of one split. It returns the steps it reached.
func (c *checker) balance(start *ir.Step) map[string]scope {
	seen := map[string]scope{}
	arrivals := map[string][]arrival{}
	unjoined := false
	var visit func(s, from *ir.Step, sc scope)
	visit = func(s, from *ir.Step, sc scope) {
		if s.Inputs {
			arrivals[s.Name] = append(arrivals[s.Name], arrival{from, sc})
			if len(sc.splits) == 0 {
				c.add(s.Pos, diag.NotAJoin, "step %s takes flow.Inputs but no branch or foreach is open here; only a step where splits meet is a join", s.Name)
			} else {
				sc = sc.pop()
			}
		}
		if prior, ok := seen[s.Name]; ok {
			if !s.Inputs && !prior.equal(sc) && !(s.Kind == ir.KindEnd && unjoined) {
				c.meeting(s, prior, sc)
			}
			return
		}
		seen[s.Name] = sc
		s.SplitParents = sc.splits
		switch s.Kind {
		case ir.KindBranch, ir.KindForeach:
			for _, n := range s.Next {
				if t := c.steps[n]; t != nil {
					visit(t, s, sc.push(s.Name, n))
				}
			}
		case ir.KindEnd:
			if len(sc.splits) > 0 {
				unjoined = true
				open := c.steps[sc.splits[len(sc.splits)-1]]
				c.add(edgePos(open, sc.roots[len(sc.roots)-1]), diag.Unjoined,
					"the %s that step %s starts reaches End without a join; add a step with a flow.Inputs parameter where its branches meet", open.Kind, open.Name)
			}
		default:
			for _, n := range s.Next {
				if t := c.steps[n]; t != nil && n != s.Name {
					visit(t, s, sc)
				}
			}
		}
	}
	visit(start, nil, scope{})
	for _, s := range c.f.Steps {
		if s.Inputs && len(arrivals[s.Name]) > 0 {
			c.join(s, arrivals[s.Name])
		}
		if s.Kind == ir.KindForeach && len(s.Next) == 1 && c.steps[s.Next[0]] != nil && c.steps[s.Next[0]].Inputs {
			c.add(edgePos(s, s.Next[0]), diag.EmptyForeach, "foreach step %s goes straight to join %s; the foreach has no step to run", s.Name, s.Next[0])
		}
	}
	for _, s := range c.f.Steps {
		for _, split := range s.SplitParents {
			if c.steps[split].Kind == ir.KindForeach {
				s.Foreach = append(s.Foreach, split)
			}
		}
	}
	return seen
}

// meeting reports a step that is not a join but is reached from two
// different scopes.
func (c *checker) meeting(s *ir.Step, a, b scope) {
	n := len(a.splits)
	if n > 0 && n == len(b.splits) && slices.Equal(a.splits, b.splits) {
		c.add(s.Pos, diag.MissingInputs,
			"step %s is where branches %s and %s of step %s meet; make it a join: func (f *%s) %s(c *flow.Context, in flow.Inputs[%s]) flow.Next",
			s.Name, a.roots[n-1], b.roots[n-1], a.splits[n-1], c.f.Name, s.Name, c.f.Name)
		return
	}
	c.add(s.Pos, diag.UnrelatedJoin, "step %s is reached from inside %s and from inside %s; paths from different splits may meet only in a join",
		s.Name, describe(a), describe(b))
}

func describe(sc scope) string {
	if len(sc.splits) == 0 {
		return "no split"
	}
	return "the split of step " + sc.splits[len(sc.splits)-1]
}

// join checks that a join closes exactly the branches of one split, and
// that no conditional step leads straight into it.
func (c *checker) join(j *ir.Step, in []arrival) {
	var ok []arrival
	for _, a := range in {
		if a.from != nil && a.from.Kind == ir.KindConditional {
			c.add(edgePos(a.from, j.Name), diag.ConditionalJoin,
				"conditional step %s leads straight into join %s; go through an ordinary step where the conditional's paths meet first", a.from.Name, j.Name)
		}
		if len(a.scope.splits) > 0 {
			ok = append(ok, a)
		}
	}
	if len(ok) == 0 {
		return
	}
	first := ok[0].scope
	split := c.steps[first.splits[len(first.splits)-1]]
	roots := map[string]bool{}
	for _, a := range ok {
		if !slices.Equal(a.scope.splits, first.splits) {
			c.add(j.Pos, diag.UnrelatedJoin, "join %s joins steps from unrelated splits: %s and %s",
				j.Name, describe(first), describe(a.scope))
			return
		}
		roots[a.scope.roots[len(a.scope.roots)-1]] = true
	}
	var missing []string
	for _, n := range split.Next {
		if !roots[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		branches := "branch " + missing[0] + " does"
		if len(missing) > 1 {
			branches = "branches " + strings.Join(missing, ", ") + " do"
		}
		c.add(j.Pos, diag.UnrelatedJoin, "join %s closes the %s of step %s, but %s not lead to it",
			j.Name, split.Kind, split.Name, branches)
		return
	}
	if split.MatchingJoin != "" && split.MatchingJoin != j.Name {
		c.add(j.Pos, diag.UnrelatedJoin, "the %s of step %s is joined twice, in %s and in %s", split.Kind, split.Name, split.MatchingJoin, j.Name)
		return
	}
	split.MatchingJoin = j.Name
}

// inputs checks each flow.Input[T] against the innermost foreach around
// the step, for the steps the graph walk reached.
func (c *checker) inputs(reached map[string]scope) {
	for _, s := range c.f.Steps {
		if _, ok := reached[s.Name]; !ok || s.InputType == "" {
			continue
		}
		pos := s.Pos
		if s.InputPos != nil {
			pos = *s.InputPos
		}
		if len(s.Foreach) == 0 {
			c.add(pos, diag.InputOutside, "step %s calls flow.Input but is not inside a foreach", s.Name)
			continue
		}
		fe := c.steps[s.Foreach[len(s.Foreach)-1]]
		if fe.ForeachElem != "" && !c.sameElem(fe, s) {
			c.add(pos, diag.InputType, "flow.Input[%s] in step %s, but foreach %s splits %s, whose elements are %s",
				s.InputType, s.Name, fe.Name, fe.ForeachVar, fe.ForeachElem)
		}
	}
}

func (c *checker) sameElem(foreach, step *ir.Step) bool {
	if c.same != nil {
		if same, known := c.same(foreach, step); known {
			return same
		}
	}
	return foreach.ForeachElem == step.InputType
}

// order fills Graph.Order: Kahn's algorithm, taking among the ready steps
// the one declared first, so the order is stable and reads like the source.
func (c *checker) order() {
	indeg := map[string]int{}
	for _, s := range c.f.Steps {
		indeg[s.Name] = len(s.Prev)
	}
	ready := &byIndex{index: c.index}
	for _, s := range c.f.Steps {
		if indeg[s.Name] == 0 {
			heap.Push(ready, s.Name)
		}
	}
	order := make([]string, 0, len(c.f.Steps))
	for ready.Len() > 0 {
		n := heap.Pop(ready).(string)
		order = append(order, n)
		for _, m := range c.steps[n].Next {
			if m == n || c.steps[m] == nil {
				continue
			}
			if indeg[m]--; indeg[m] == 0 {
				heap.Push(ready, m)
			}
		}
	}
	c.f.Graph.Order = order
}

// byIndex is a heap of step names ordered by declaration.
type byIndex struct {
	names []string
	index map[string]int
}

func (h *byIndex) Len() int           { return len(h.names) }
func (h *byIndex) Less(i, j int) bool { return h.index[h.names[i]] < h.index[h.names[j]] }
func (h *byIndex) Swap(i, j int)      { h.names[i], h.names[j] = h.names[j], h.names[i] }
func (h *byIndex) Push(x any)         { h.names = append(h.names, x.(string)) }
func (h *byIndex) Pop() any {
	n := h.names[len(h.names)-1]
	h.names = h.names[:len(h.names)-1]
	return n
}

var _ = fmt.Sprint
