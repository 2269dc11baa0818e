package bad

import "github.com/flowc-dev/flowc/flow"

// JoinSplit joins and branches again in one step.
//
// Join still closes Start's branch (it takes flow.Inputs) and opens its own,
// so FLOW024 is the only diagnostic: no cascade about the branches.
type JoinSplit struct{}

func (f *JoinSplit) Start(c *flow.Context) flow.Next {
	return flow.Branch(f.A, f.B)
}

func (f *JoinSplit) A(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *JoinSplit) B(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *JoinSplit) Join(c *flow.Context, in flow.Inputs[JoinSplit]) flow.Next {
	return flow.Branch(f.C, f.D) // want "FLOW024 .*join step Join is also a branch step"
}

func (f *JoinSplit) C(c *flow.Context) flow.Next { return flow.Goto(f.Join2) }

func (f *JoinSplit) D(c *flow.Context) flow.Next { return flow.Goto(f.Join2) }

func (f *JoinSplit) Join2(c *flow.Context, in flow.Inputs[JoinSplit]) flow.Next {
	return flow.Goto(f.End)
}

func (f *JoinSplit) End(c *flow.Context) {}
