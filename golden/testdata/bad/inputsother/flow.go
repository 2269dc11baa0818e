package bad

import "github.com/flowc-dev/flowc/flow"

// Shard is another type.
type Shard struct{ Score float64 }

// Mixed joins with inputs of another type.
type Mixed struct {
	Score float64
}

func (f *Mixed) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B) }

func (f *Mixed) A(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Mixed) B(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Mixed) Join(c *flow.Context, in flow.Inputs[Shard]) flow.Next { // want "FLOW014 .*Inputs\\[Shard\\] must name the flow's own type, flow.Inputs\\[Mixed\\]"
	return flow.Goto(f.End)
}

func (f *Mixed) End(c *flow.Context) {}
