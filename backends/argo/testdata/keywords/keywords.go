// Package keywords is a flow whose steps are named like the words of
// Argo's expression language (expr-lang): Argo evaluates a task's depends
// with the task names as variables, so these names must not reach it as
// they are. For the target's tests; it never runs.
package keywords

import "github.com/flowc-dev/flowc/flow"

// Keywords chains steps named after expr's operators, literals and
// builtins, with a branch so that a join ANDs two of them.
type Keywords struct{}

// Start branches.
func (f *Keywords) Start(c *flow.Context) flow.Next { return flow.Branch(f.In, f.Not) }

// In is an operator.
func (f *Keywords) In(c *flow.Context) flow.Next { return flow.Goto(f.And) }

// Not is an operator.
func (f *Keywords) Not(c *flow.Context) flow.Next { return flow.Goto(f.And) }

// And joins.
func (f *Keywords) And(c *flow.Context, in flow.Inputs[Keywords]) flow.Next { return flow.Goto(f.Or) }

// Or is an operator.
func (f *Keywords) Or(c *flow.Context) flow.Next { return flow.Goto(f.Matches) }

// Matches is an operator.
func (f *Keywords) Matches(c *flow.Context) flow.Next { return flow.Goto(f.Contains) }

// Contains is an operator.
func (f *Keywords) Contains(c *flow.Context) flow.Next { return flow.Goto(f.Let) }

// Let is an operator.
func (f *Keywords) Let(c *flow.Context) flow.Next { return flow.Goto(f.If) }

// If is an operator.
func (f *Keywords) If(c *flow.Context) flow.Next { return flow.Goto(f.Else) }

// Else is an operator.
func (f *Keywords) Else(c *flow.Context) flow.Next { return flow.Goto(f.True) }

// True is a literal.
func (f *Keywords) True(c *flow.Context) flow.Next { return flow.Goto(f.Nil) }

// Nil is a literal.
func (f *Keywords) Nil(c *flow.Context) flow.Next { return flow.Goto(f.Len) }

// Len is a builtin.
func (f *Keywords) Len(c *flow.Context) flow.Next { return flow.Goto(f.Sprig) }

// Sprig is a name in Argo's expression environment.
func (f *Keywords) Sprig(c *flow.Context) flow.Next { return flow.Goto(f.Start_with) }

// Start_with is a plain name: _ becomes -, which Argo writes back as _.
func (f *Keywords) Start_with(c *flow.Context) flow.Next { return flow.Goto(f.End) }

// End ends.
func (f *Keywords) End(c *flow.Context) {}
