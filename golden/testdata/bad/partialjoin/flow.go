package bad

import "github.com/flowc-dev/flowc/flow"

// Partial joins two of three branches; the third goes its own way.
type Partial struct{}

func (f *Partial) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B, f.C) }

func (f *Partial) A(c *flow.Context) flow.Next { return flow.Goto(f.JoinAB) }

func (f *Partial) B(c *flow.Context) flow.Next { return flow.Goto(f.JoinAB) }

func (f *Partial) C(c *flow.Context) flow.Next { return flow.Goto(f.JoinC) }

func (f *Partial) JoinAB(c *flow.Context, in flow.Inputs[Partial]) flow.Next { // want "FLOW034 .*JoinAB closes the branch of step Start, but branch C does not lead to it"
	return flow.Goto(f.End)
}

func (f *Partial) JoinC(c *flow.Context, in flow.Inputs[Partial]) flow.Next { // want "FLOW034 .*JoinC closes the branch of step Start, but branches A, B do not lead"
	return flow.Goto(f.End)
}

func (f *Partial) End(c *flow.Context) {}
