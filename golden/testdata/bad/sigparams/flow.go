package bad

import "github.com/flowc-dev/flowc/flow"

// Params has a join with a third parameter and a step whose second
// parameter is not flow.Inputs.
type Params struct {
	Count int
}

func (f *Params) Start(c *flow.Context) flow.Next { return flow.Branch(f.A, f.B) }

func (f *Params) A(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Params) B(c *flow.Context, n int) flow.Next { // want "FLOW012 .*second parameter of a join must be flow.Inputs\\[Params\\], not int"
	return flow.Goto(f.Join)
}

func (f *Params) Join(c *flow.Context, in flow.Inputs[Params], extra string) flow.Next { // want "FLOW012 .*Join has 3 parameters"
	return flow.Goto(f.End)
}

func (f *Params) End(c *flow.Context) {}
