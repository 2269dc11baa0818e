package bad

import "github.com/flowc-dev/flowc/flow"

// Spin goes to itself and nowhere else: not a conditional loop.
type Spin struct {
	N int
}

func (f *Spin) Start(c *flow.Context) flow.Next {
	if f.N > 0 {
		return flow.Goto(f.Spin)
	}
	return flow.Goto(f.End)
}

func (f *Spin) Spin(c *flow.Context) flow.Next {
	f.N++
	return flow.Goto(f.Spin) // want "FLOW032 .*loop Spin -> Spin: a step whose only transition is to itself never ends"
}

func (f *Spin) End(c *flow.Context) {}
