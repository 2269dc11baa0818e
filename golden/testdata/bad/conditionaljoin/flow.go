package bad

import "github.com/flowc-dev/flowc/flow"

// Shortcut lets a conditional step in a branch go straight to the join.
type Shortcut struct {
	Skip bool `flow:"param" default:"false"`
}

func (f *Shortcut) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B) }

func (f *Shortcut) A(c *flow.Context) flow.Next {
	if f.Skip {
		return flow.Goto(f.Join) // want "FLOW035 .*conditional step A leads straight into join Join"
	}
	return flow.Goto(f.Work)
}

func (f *Shortcut) Work(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Shortcut) B(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Shortcut) Join(c *flow.Context, in flow.Inputs[Shortcut]) flow.Next { return flow.Goto(f.End) }

func (f *Shortcut) End(c *flow.Context) {}
