package argo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/flowc-dev/flowc/diag"
	"github.com/flowc-dev/flowc/ir"
)

// The shape of the DAGs. A scope is the steps with the same foreach
// nesting: the root scope is the entrypoint's DAG, and the body of each
// foreach step (the steps up to its join) is a DAG template of its own,
// "<step>--body", that the foreach's fan-out task "<step>--each" runs once
// per split with withSequence, counting up to the width the foreach task
// wrote to its output "splits". Only that count passes through Argo,
// never the values, so the width is bounded by the cluster, not by Argo's
// parameter or object sizes. A body takes its task id prefix as input "id":
// the runtime's ids are the split indices, outermost first, joined by "-".
//
// Dependencies use depends with explicit .Succeeded: a task whose
// predecessor did not run (a conditional's branch not taken, skipped by its
// when) is omitted, and so is everything after it, until a step where paths
// meet ORs its predecessors. A branch join ANDs its branches, each the OR
// of its tails; a foreach join waits for the fan-out to succeed, or to be
// skipped, which is what Argo does with a count of 0.

// idVar is how a body or loop template reads its task id prefix.
const idVar = "{{inputs.parameters.id}}"

// dagTemplate makes the DAG template name for the scope nest (the foreach
// steps around it, outermost first).
func (c *compiler) dagTemplate(name string, nest []string) {
	id := "0"
	var inputs *Inputs
	if len(nest) > 0 {
		id = idVar
		inputs = &Inputs{Parameters: []Parameter{{Name: "id"}}}
	}
	i := len(c.templates)
	c.templates = append(c.templates, Template{Name: name, Inputs: inputs})
	var tasks []DAGTask
	for _, s := range c.scope(nest) {
		tasks = append(tasks, c.stepTasks(s, nest, id)...)
	}
	c.templates[i].DAG = &DAG{Tasks: tasks}
}

// scope lists the steps whose foreach nesting is nest, in graph order.
func (c *compiler) scope(nest []string) []*ir.Step {
	var out []*ir.Step
	for _, name := range c.f.Graph.Order {
		if s := c.steps[name]; s != nil && slices.Equal(s.Foreach, nest) {
			out = append(out, s)
		}
	}
	return out
}

// stepTasks makes the tasks of step s in scope nest, where the scope's
// task id is id: the step's own task, and a foreach's fan-out.
func (c *compiler) stepTasks(s *ir.Step, nest []string, id string) []DAGTask {
	n := c.names[s.Name]
	t := DAGTask{Name: n, Template: n}
	t.Depends, t.When = c.depends(s, nest)
	if s.SelfLoop {
		t.Template = n + "--loop"
		t.Arguments = params("id", id, "iter", "0")
		c.loopTemplate(s)
	} else {
		t.Arguments = params("task-id", id)
		c.containerTemplate(s)
	}
	if s.Decorators.Catch != nil {
		return c.caught(s, t, id)
	}
	if s.Kind != ir.KindForeach {
		return []DAGTask{t}
	}
	child := id + "-{{item}}"
	if len(nest) == 0 {
		child = "{{item}}"
	}
	body := n + "--body"
	each := DAGTask{
		Name:         n + "--each",
		Template:     body,
		Depends:      n + ".Succeeded",
		Arguments:    params("id", child),
		WithSequence: &Sequence{Count: "{{tasks." + n + ".outputs.parameters.splits}}"},
	}
	c.dagTemplate(body, append(slices.Clone(nest), s.Name))
	return []DAGTask{t, each}
}

// params makes task arguments from name, value pairs.
func params(kv ...string) *Arguments {
	a := &Arguments{}
	for i := 0; i+1 < len(kv); i += 2 {
		a.Parameters = append(a.Parameters, Parameter{Name: kv[i], Value: ptr(kv[i+1])})
	}
	return a
}

// depends returns the depends expression and the when condition of step
// s's task in scope nest.
func (c *compiler) depends(s *ir.Step, nest []string) (string, string) {
	var preds []*ir.Step
	for _, p := range s.Prev {
		if p != s.Name {
			preds = append(preds, c.steps[p])
		}
	}
	if len(preds) == 0 || len(s.Foreach) > 0 && len(nest) > 0 && c.isBodyEntry(s, nest) {
		return "", ""
	}
	when := ""
	for _, p := range preds {
		if p.Kind != ir.KindConditional {
			continue
		}
		if len(preds) > 1 {
			c.add(edgePos(p, s.Name), diag.TargetUnsupported,
				"step %s is both chosen by conditional step %s and reached from %d other step(s); Argo's when cannot say that: put a step after %s's choice that leads to %s",
				s.Name, p.Name, len(preds)-1, p.Name, s.Name)
			continue
		}
		when = fmt.Sprintf("'{{tasks.%s.outputs.parameters.next}}' == '%s'", c.names[p.Name], s.Name)
	}
	if s.Kind == ir.KindJoin {
		if split := c.splitOf(s); split != nil && split.Kind == ir.KindBranch {
			return c.branchJoin(split, s, preds, nest), when
		}
	}
	var terms []string
	for _, p := range preds {
		if t := c.term(p, nest); !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	return orTerms(terms), when
}

// isBodyEntry reports whether s is the first step of the foreach body nest.
func (c *compiler) isBodyEntry(s *ir.Step, nest []string) bool {
	owner := c.steps[nest[len(nest)-1]]
	return owner != nil && slices.Contains(owner.Next, s.Name)
}

// term is what a step in scope nest waits for from its predecessor p: p's
// success, or, when p is inside a foreach body the step closes, the
// fan-out's end.
func (c *compiler) term(p *ir.Step, nest []string) string {
	if len(p.Foreach) > len(nest) {
		each := c.names[p.Foreach[len(nest)]] + "--each"
		return "(" + each + ".Succeeded || " + each + ".Skipped)"
	}
	n := c.names[p.Name]
	if p.Decorators.Catch != nil {
		return "(" + n + ".Succeeded || " + n + "--caught.Succeeded)"
	}
	return n + ".Succeeded"
}

// caught makes the tasks of a //flow:catch step. The runner catches a
// failure of the step's code itself and exits 0; but when the pod dies on
// its last attempt (killed at its deadline, out of memory, evicted), Argo
// marks the task failed. A task "<step>--caught" that depends on that
// failure runs the runner once more, only to record the failure as caught
// (--caught), and the step's successor waits for either. Argo judges a DAG
// by its leaf tasks, whose phase is that of the last task that completed on
// their path: the handled failure does not fail the workflow (and Argo
// forbids continueOn with depends, for this reason).
func (c *compiler) caught(s *ir.Step, t DAGTask, id string) []DAGTask {
	n := c.names[s.Name]
	rec := DAGTask{
		Name:      n + "--caught",
		Template:  n + "--caught",
		Depends:   "(" + n + ".Failed || " + n + ".Errored)",
		Arguments: params("task-id", id, "status", "{{tasks."+n+".status}}"),
	}
	if !c.done[rec.Template] {
		c.done[rec.Template] = true
		tmpl := c.containerTemplateFor(s)
		tmpl.Name = rec.Template
		tmpl.Inputs.Parameters = append(tmpl.Inputs.Parameters, Parameter{Name: "status"})
		// The record runs no user code: a small pod, on any node, with
		// the step's image, environment, secrets and service account
		// (what reaches the datastore), retried.
		supportPod(&tmpl)
		// A failure no retry can help is not caught (the runner exits
		// with RunnerExitNoRetry), nor retried.
		tmpl.RetryStrategy.Expression = noRetryExpr
		tmpl.Container.Args = []string{"step", s.Name,
			"--run-id", "{{workflow.name}}",
			"--task-id", "{{inputs.parameters.task-id}}",
			"--retry-count", "auto",
			"--datastore-root", kubeLiteral(c.opts.DatastoreRoot),
			"--caught", "the step's pod failed on its last attempt (Argo: {{inputs.parameters.status}})",
			"--caught-type", "exit"}
		c.templates = append(c.templates, tmpl)
	}
	return []DAGTask{t, rec}
}

// orTerms joins terms with ||, in parentheses when there are several.
func orTerms(terms []string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	return "(" + strings.Join(terms, " || ") + ")"
}

// splitOf returns the split step that join closes.
func (c *compiler) splitOf(join *ir.Step) *ir.Step {
	for _, s := range c.f.Steps {
		if s.MatchingJoin == join.Name && s.IsSplit() {
			return s
		}
	}
	return nil
}

// branchJoin ANDs the branches of split that meet at join; a branch with a
// conditional in it may end in several steps, which are ORed.
func (c *compiler) branchJoin(split, join *ir.Step, preds []*ir.Step, nest []string) string {
	var groups []string
	for _, head := range split.Next {
		reach := c.reach(head, join.Name)
		var terms []string
		for _, p := range preds {
			if t := c.term(p, nest); reach[p.Name] && !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
		if len(terms) > 0 {
			groups = append(groups, orTerms(terms))
		}
	}
	return strings.Join(groups, " && ")
}

// reach is the set of steps reachable from head without passing stop.
func (c *compiler) reach(head, stop string) map[string]bool {
	seen := map[string]bool{}
	var walk func(string)
	walk = func(n string) {
		if n == stop || seen[n] {
			return
		}
		seen[n] = true
		if s := c.steps[n]; s != nil {
			for _, m := range s.Next {
				walk(m)
			}
		}
	}
	walk(head)
	return seen
}

// edgePos is where step s names its successor next.
func edgePos(s *ir.Step, next string) ir.Pos {
	if i := slices.Index(s.Next, next); i >= 0 && i < len(s.NextPos) {
		return s.NextPos[i]
	}
	return s.Pos
}

// loopTemplate makes "<step>--loop" for a conditional self-loop step: a
// recursive DAG that runs one visit (task id "<id>.<iter>") and, when the
// visit chose the step again, itself with iter+1. Its output "next" is the
// last visit's choice, read by the steps after the loop.
func (c *compiler) loopTemplate(s *ir.Step) {
	n := c.names[s.Name]
	name := n + "--loop"
	if c.done[name] {
		return
	}
	c.done[name] = true
	again := fmt.Sprintf("'{{tasks.visit.outputs.parameters.next}}' == '%s'", s.Name)
	c.templates = append(c.templates, Template{
		Name:   name,
		Inputs: &Inputs{Parameters: []Parameter{{Name: "id"}, {Name: "iter"}}},
		Outputs: &Outputs{Parameters: []Parameter{{Name: "next", ValueFrom: &ValueFrom{
			Expression: fmt.Sprintf("tasks.visit.outputs.parameters.next == '%s' ? tasks.again.outputs.parameters.next : tasks.visit.outputs.parameters.next", s.Name),
		}}}},
		DAG: &DAG{Tasks: []DAGTask{
			{Name: "visit", Template: n, Arguments: params("task-id", idVar+".{{inputs.parameters.iter}}")},
			{Name: "again", Template: name, Depends: "visit.Succeeded", When: again,
				Arguments: params("id", idVar, "iter", "{{=asInt(inputs.parameters.iter) + 1}}")},
		}},
	})
	c.containerTemplate(s)
}
