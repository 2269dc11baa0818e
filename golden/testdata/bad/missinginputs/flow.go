package bad

import "github.com/flowc-dev/flowc/flow"

// NoInputs lets its branches meet in an ordinary step.
type NoInputs struct {
	Left, Right int
}

func (f *NoInputs) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B) } // want "FLOW033 .*branch that step Start starts reaches End"

func (f *NoInputs) A(c *flow.Context) flow.Next { return flow.Goto(f.Merge) }

func (f *NoInputs) B(c *flow.Context) flow.Next { return flow.Goto(f.Merge) }

func (f *NoInputs) Merge(c *flow.Context) flow.Next { // want "FLOW026 .*Merge is where branches A and B of step Start meet; make it a join"
	return flow.Goto(f.End)
}

func (f *NoInputs) End(c *flow.Context) {}
