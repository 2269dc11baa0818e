// Package shapes is a flow whose graph mixes the shapes the argo target
// must wire: a branch whose arms hold a conditional and a foreach, a
// conditional self-loop inside a foreach, and a conditional whose paths
// meet again; for the target's tests, it never runs.
package shapes

import "github.com/flowc-dev/flowc/flow"

// Shapes mixes every graph shape.
type Shapes struct {
	Items []int
	Inner []int
	N     int
}

// Start branches into two arms.
func (f *Shapes) Start(c *flow.Context) flow.Next {
	return flow.Branch(f.Decide, f.Fan)
}

// Decide picks one of two paths.
func (f *Shapes) Decide(c *flow.Context) flow.Next {
	if f.N > 0 {
		return flow.Goto(f.Left)
	}
	return flow.Goto(f.Right)
}

// Left is one path.
func (f *Shapes) Left(c *flow.Context) flow.Next { return flow.Goto(f.Meet) }

// Right is the other.
func (f *Shapes) Right(c *flow.Context) flow.Next { return flow.Goto(f.Meet) }

// Meet is where the paths meet.
func (f *Shapes) Meet(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

// Fan fans out.
func (f *Shapes) Fan(c *flow.Context) flow.Next { return flow.Foreach(f.Items, f.Each) }

// Each fans out again.
func (f *Shapes) Each(c *flow.Context) flow.Next { return flow.Foreach(f.Inner, f.Loop) }

// Loop repeats itself inside the nested foreach.
func (f *Shapes) Loop(c *flow.Context) flow.Next {
	if f.N < 3 {
		return flow.Goto(f.Loop)
	}
	return flow.Goto(f.After)
}

// After is where the loop leaves.
func (f *Shapes) After(c *flow.Context) flow.Next { return flow.Goto(f.InnerJoin) }

// InnerJoin closes the inner foreach.
func (f *Shapes) InnerJoin(c *flow.Context, in flow.Inputs[Shapes]) flow.Next {
	return flow.Goto(f.OuterJoin)
}

// OuterJoin closes the outer foreach.
func (f *Shapes) OuterJoin(c *flow.Context, in flow.Inputs[Shapes]) flow.Next {
	return flow.Goto(f.Join)
}

// Join closes the branch.
func (f *Shapes) Join(c *flow.Context, in flow.Inputs[Shapes]) flow.Next {
	return flow.Goto(f.End)
}

// End ends.
func (f *Shapes) End(c *flow.Context) {}
