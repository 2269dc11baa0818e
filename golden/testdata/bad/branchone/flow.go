package bad

import "github.com/flowc-dev/flowc/flow"

// Narrow branches to one step, and twice to another.
type Narrow struct{}

func (f *Narrow) Start(c *flow.Context) flow.Next {
	return flow.Branch(f.A) // want "FLOW020 .*Start: flow.Branch needs two or more steps; for one, use flow.Goto"
}

func (f *Narrow) A(c *flow.Context) flow.Next { return flow.Goto(f.JoinA) }

func (f *Narrow) JoinA(c *flow.Context, in flow.Inputs[Narrow]) flow.Next { return flow.Goto(f.Twice) }

func (f *Narrow) Twice(c *flow.Context) flow.Next {
	return flow.Branch(f.B, f.B) // want "FLOW020 .*Twice branches to B twice"
}

func (f *Narrow) B(c *flow.Context) flow.Next { return flow.Goto(f.JoinB) }

func (f *Narrow) JoinB(c *flow.Context, in flow.Inputs[Narrow]) flow.Next { return flow.Goto(f.End) }

func (f *Narrow) End(c *flow.Context) {}
