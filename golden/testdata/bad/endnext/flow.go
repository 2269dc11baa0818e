package bad

import "github.com/flowc-dev/flowc/flow"

// GoesOn has an End that returns a transition.
type GoesOn struct{}

func (f *GoesOn) Start(c *flow.Context) flow.Next { return flow.Goto(f.End) }

func (f *GoesOn) End(c *flow.Context) flow.Next { // want "FLOW015 .*End is the last step and returns no transition"
	return flow.Goto(f.Start)
}
