package bad

import "github.com/flowc-dev/flowc/flow"

// Mixed either branches or goes on, depending on a parameter.
type Mixed struct {
	Wide bool `flow:"param" default:"false"`
}

func (f *Mixed) Start(c *flow.Context) flow.Next {
	if f.Wide {
		return flow.Branch(f.A, f.B)
	}
	return flow.Goto(f.A) // want "FLOW018 .*both flow.Branch and flow.Goto"
}

func (f *Mixed) A(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Mixed) B(c *flow.Context) flow.Next { return flow.Goto(f.Join) }

func (f *Mixed) Join(c *flow.Context, in flow.Inputs[Mixed]) flow.Next { return flow.Goto(f.End) }

func (f *Mixed) End(c *flow.Context) {}
